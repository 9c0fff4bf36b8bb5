// `evs bench`: the payload of a benchmark message. The same fields as the Corosync harness's
// csb_hdr (a magic number, data or done, the sender's sequence number, the send timestamp), so the
// two benchmarks count, hash and time the same things; the rest of the payload is padding.
using System.Buffers.Binary;

namespace Evs.Cli.Commands.Bench;

/// <summary>A data message or a sender's closing "done" marker.</summary>
internal enum BenchMessageKind : byte
{
    Data = 0,
    Done = 1,
}

/// <summary>
/// One benchmark payload: <see cref="Kind"/>, the sender's <see cref="Seq"/> (0, 1, 2, ...) and
/// the sender's <see cref="System.Diagnostics.Stopwatch"/> timestamp just before it was handed to
/// the node, little-endian in the first <see cref="HeaderBytes"/> bytes.
/// </summary>
internal readonly record struct BenchMessage(BenchMessageKind Kind, long Seq, long Timestamp)
{
    /// <summary>The bytes of the header; a message is at least this long.</summary>
    public const int HeaderBytes = 24;

    private const uint Magic = 0x42535645; // "EVSB"

    /// <summary>Writes this header at the start of <paramref name="payload"/> (at least <see cref="HeaderBytes"/> long).</summary>
    public void WriteTo(Span<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(payload, Magic);
        payload[4] = (byte)Kind;
        payload[5..8].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(payload[8..], Seq);
        BinaryPrimitives.WriteInt64LittleEndian(payload[16..], Timestamp);
    }

    /// <summary>The header of <paramref name="payload"/>, or null when it is not a benchmark message.</summary>
    public static BenchMessage? Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < HeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(payload) != Magic) return null;
        return new BenchMessage(
            (BenchMessageKind)payload[4],
            BinaryPrimitives.ReadInt64LittleEndian(payload[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(payload[16..]));
    }
}
