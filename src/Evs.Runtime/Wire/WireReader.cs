// The real network, the wire format (docs/WIRE.md): the one place bytes from the network are
// read. The bytes come from anyone, so no read may throw or allocate more than the datagram
// could justify: a read past the end, a count larger than the bytes left, an out-of-range enum
// marks the reader failed, and the caller drops the datagram as malformed.
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using Evs.Reference.Model;

namespace Evs.Runtime.Wire;

/// <summary>
/// A big-endian reader over untrusted bytes with a sticky failure: once a read fails,
/// <see cref="Failed"/> stays true and every later read returns a default value, so that
/// decoding code reads straight through and checks once at the end.
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _position;

    /// <summary>Whether any read has failed.</summary>
    public bool Failed { get; private set; }

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _bytes.Length - _position;

    /// <summary>Whether every byte was read and none failed: what a whole packet must satisfy.</summary>
    public readonly bool Complete => !Failed && Remaining == 0;

    /// <summary>Marks the reader failed (a value that was read but is not legal).</summary>
    public void Fail() => Failed = true;

    public byte U8()
    {
        var s = Take(1);
        return s.Length == 1 ? s[0] : (byte)0;
    }

    public bool Bool() => U8() switch
    {
        0 => false,
        1 => true,
        _ => FailWith(false),
    };

    public int U16()
    {
        var s = Take(2);
        return s.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(s) : 0;
    }

    public long U32()
    {
        var s = Take(4);
        return s.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(s) : 0;
    }

    public int I32()
    {
        var s = Take(4);
        return s.Length == 4 ? BinaryPrimitives.ReadInt32BigEndian(s) : 0;
    }

    public long I64()
    {
        var s = Take(8);
        return s.Length == 8 ? BinaryPrimitives.ReadInt64BigEndian(s) : 0;
    }

    public ulong U64()
    {
        var s = Take(8);
        return s.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(s) : 0;
    }

    /// <summary>The next <paramref name="count"/> bytes, or an empty span (and failure) if there are fewer.</summary>
    public ReadOnlySpan<byte> Bytes(long count) => Take(count);

    /// <summary>
    /// A count of elements that each take at least <paramref name="minElementBytes"/> bytes: a
    /// count the remaining bytes cannot hold fails here, before anything is allocated for it.
    /// </summary>
    public int Count(int minElementBytes)
    {
        long count = U32();
        if (count * minElementBytes > Remaining) return FailWith(0);
        return (int)count;
    }

    /// <summary>Zero or one: whether an optional value follows.</summary>
    public bool Present() => Bool();

    /// <summary>A process identifier (u8 length, ASCII); an illegal one fails.</summary>
    public ProcessId Process()
    {
        var bytes = Take(U8());
        if (Failed) return default;
        var name = Encoding.ASCII.GetString(bytes);
        return ProcessId.IsValid(name) ? new ProcessId(name) : FailWith(default(ProcessId));
    }

    /// <summary>A process identifier, or none: a length of 0 (a datagram's destination when it is every peer).</summary>
    public ProcessId? ProcessOrNone()
    {
        int length = U8();
        if (length == 0 || Failed) return null;
        var name = Encoding.ASCII.GetString(Take(length));
        return !Failed && ProcessId.IsValid(name) ? new ProcessId(name) : FailWith<ProcessId?>(null);
    }

    /// <summary>A name (u16 length, UTF-8); bytes that are not UTF-8 fail.</summary>
    public string Name()
    {
        var bytes = Take(U16());
        if (Failed) return "";
        return Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : FailWith("");
    }

    private ReadOnlySpan<byte> Take(long count)
    {
        if (Failed || count > Remaining) return FailWith(ReadOnlySpan<byte>.Empty);
        var span = _bytes.Slice(_position, (int)count);
        _position += (int)count;
        return span;
    }

    private T FailWith<T>(T value) where T : allows ref struct
    {
        Failed = true;
        return value;
    }
}
