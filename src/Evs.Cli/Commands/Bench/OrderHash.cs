// `evs bench`: the check that every node delivered the same messages in the same order. As in the
// Corosync harness, an FNV-1a 64-bit hash over (sender, seq) of every data message, in delivery
// order: equal hashes on every node mean one total order (up to a hash collision).
using System.Buffers.Binary;
using System.Text;

namespace Evs.Cli.Commands.Bench;

/// <summary>A running FNV-1a hash of the (sender, seq) pairs delivered so far.</summary>
internal sealed class OrderHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>The hash so far (the offset basis before any delivery).</summary>
    public ulong Value { get; private set; } = OffsetBasis;

    /// <summary>The hash as 16 hex digits, as the harness prints it.</summary>
    public string Hex => Value.ToString("x16");

    /// <summary>Adds the delivery of <paramref name="seq"/> from <paramref name="sender"/>.</summary>
    public void Add(string sender, long seq)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(sender.Length) + 1 + sizeof(long)];
        int n = Encoding.UTF8.GetBytes(sender, bytes);
        bytes[n++] = 0; // separates the name from the number
        BinaryPrimitives.WriteInt64LittleEndian(bytes[n..], seq);
        Mix(bytes[..(n + sizeof(long))]);
    }

    private void Mix(ReadOnlySpan<byte> bytes)
    {
        ulong h = Value;
        foreach (byte b in bytes)
        {
            h ^= b;
            h *= Prime;
        }
        Value = h;
    }
}
