// The real network, the wire format (docs/WIRE.md, "Fragmentation"): a regular message of
// 64 KiB, or a commit token carrying every member's history, is larger than a datagram that
// crosses the network without IP fragmentation. Such a packet is cut into fragments, each sent
// in its own datagram, and put back together at the receiver from whatever order, duplicates
// and losses the network produces. A packet missing a fragment is never delivered: the protocol
// already recovers lost packets (retransmission requests, token retransmission), so a bounded
// buffer that forgets the oldest incomplete packet is enough, and no timer is needed.
using System.Buffers.Binary;
using Evs.Reference.Model;

namespace Evs.Runtime.Wire;

/// <summary>
/// The header of a fragment body: the sender's random <see cref="Origin"/> and its
/// <see cref="Number"/> for this packet (together they name the packet), this fragment's
/// <see cref="Index"/> of <see cref="Count"/> (2-65,535), and the packet's <see cref="Total"/>
/// length. 20 bytes, followed by the fragment's bytes.
/// </summary>
internal readonly record struct FragmentHeader(ulong Origin, uint Number, int Index, int Count, int Total)
{
    /// <summary>The header's length in bytes.</summary>
    public const int Length = 20;
}

/// <summary>Cuts packets into fragment bodies.</summary>
internal static class Fragmentation
{
    /// <summary>
    /// The fragment bodies of <paramref name="packet"/>, each at most <paramref name="capacity"/> bytes:
    /// equal chunks in order, the last one shorter.
    /// </summary>
    public static IReadOnlyList<byte[]> Split(byte[] packet, ulong origin, uint number, int capacity)
    {
        int chunk = capacity - FragmentHeader.Length;
        int count = (packet.Length + chunk - 1) / chunk;
        if (count is < 2 or > ushort.MaxValue)
            throw new ArgumentException($"a packet of {packet.Length} bytes cannot be cut into 2-65,535 fragments of {chunk}", nameof(packet));
        var bodies = new List<byte[]>(count);
        for (int index = 0; index < count; index++)
        {
            var part = packet.AsSpan(index * chunk, Math.Min(chunk, packet.Length - index * chunk));
            var w = new WireWriter(FragmentHeader.Length + part.Length);
            w.U64(origin);
            w.U32(number);
            w.U16(index);
            w.U16(count);
            w.U32(packet.Length);
            w.Bytes(part);
            bodies.Add(w.ToArray());
        }
        return bodies;
    }

    /// <summary>
    /// The header and bytes of a fragment body, or null when the body is too short, the header is
    /// not consistent (fewer than 2 fragments, an index past the count, a total larger than
    /// <paramref name="maxPacketSize"/> or too small for the count) or the fragment is empty or larger than the total.
    /// </summary>
    public static (FragmentHeader Header, byte[] Bytes)? Parse(ReadOnlySpan<byte> body, int maxPacketSize)
    {
        if (body.Length <= FragmentHeader.Length) return null;
        var header = new FragmentHeader(
            BinaryPrimitives.ReadUInt64BigEndian(body),
            BinaryPrimitives.ReadUInt32BigEndian(body[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(body[12..]),
            BinaryPrimitives.ReadUInt16BigEndian(body[14..]),
            (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(body[16..])));
        var bytes = body[FragmentHeader.Length..];
        bool consistent = header.Count >= 2 && header.Index < header.Count
            && header.Total <= maxPacketSize && header.Total >= header.Count && bytes.Length <= header.Total;
        return consistent ? (header, bytes.ToArray()) : null;
    }
}

/// <summary>What <see cref="Reassembly.Add"/> made of a fragment.</summary>
internal enum FragmentOutcome
{
    /// <summary>Kept (or a duplicate of one kept or of a packet completed): the packet is not complete yet.</summary>
    Held,

    /// <summary>The last missing fragment: the packet is complete.</summary>
    Completed,

    /// <summary>Contradicts the fragments already held of its packet (another count or total, more bytes than the total): dropped.</summary>
    Inconsistent,
}

/// <summary>
/// Puts fragments back together. A packet is named by its sender (the datagram header's, which
/// is authenticated) and its fragment header's origin and number, so that one sender's fragments
/// never mix with another's. Holds at most <c>slots</c> incomplete packets; a fragment of
/// yet another packet evicts the oldest (the one whose first fragment arrived first), which is
/// the one least likely to complete. Remembers the last <c>slots</c> completed packets, so that
/// a late duplicate fragment does not start a packet again. Not thread-safe.
/// </summary>
internal sealed class Reassembly(int slots)
{
    private sealed class Partial(FragmentHeader header)
    {
        public FragmentHeader Header { get; } = header;

        // By index; a dictionary, not an array of Count, so that a forged count costs nothing until fragments arrive.
        public Dictionary<int, byte[]> Chunks { get; } = [];
        public long Bytes { get; set; }
    }

    private readonly Dictionary<(ProcessId, ulong, uint), Partial> _partials = [];
    private readonly LinkedList<(ProcessId, ulong, uint)> _byAge = new();
    private readonly HashSet<(ProcessId, ulong, uint)> _completed = [];
    private readonly Queue<(ProcessId, ulong, uint)> _completedOrder = new();

    /// <summary>Incomplete packets forgotten to make room for newer ones.</summary>
    public long Evicted { get; private set; }

    /// <summary>Adds one fragment from <paramref name="sender"/>; when it completes its packet, <paramref name="packet"/> is the packet's bytes.</summary>
    public FragmentOutcome Add(ProcessId sender, FragmentHeader header, byte[] bytes, out byte[]? packet)
    {
        packet = null;
        var key = (sender, header.Origin, header.Number);
        if (_completed.Contains(key)) return FragmentOutcome.Held;
        if (!_partials.TryGetValue(key, out var partial))
        {
            while (_partials.Count >= slots) EvictOldest();
            partial = new Partial(header);
            _partials.Add(key, partial);
            _byAge.AddLast(key);
        }
        if (partial.Header.Count != header.Count || partial.Header.Total != header.Total) return FragmentOutcome.Inconsistent;
        if (partial.Chunks.ContainsKey(header.Index)) return FragmentOutcome.Held;
        if (partial.Bytes + bytes.Length > header.Total) return FragmentOutcome.Inconsistent;
        partial.Chunks.Add(header.Index, bytes);
        partial.Bytes += bytes.Length;
        if (partial.Chunks.Count < header.Count) return FragmentOutcome.Held;
        Forget(key);
        Remember(key);
        if (partial.Bytes != header.Total) return FragmentOutcome.Inconsistent;
        packet = new byte[header.Total];
        int offset = 0;
        for (int index = 0; index < header.Count; index++)
        {
            var chunk = partial.Chunks[index];
            chunk.CopyTo(packet, offset);
            offset += chunk.Length;
        }
        return FragmentOutcome.Completed;
    }

    private void EvictOldest()
    {
        Forget(_byAge.First!.Value);
        Evicted++;
    }

    private void Forget((ProcessId, ulong, uint) key)
    {
        _partials.Remove(key);
        _byAge.Remove(key);
    }

    private void Remember((ProcessId, ulong, uint) key)
    {
        if (_completedOrder.Count >= slots) _completed.Remove(_completedOrder.Dequeue());
        _completed.Add(key);
        _completedOrder.Enqueue(key);
    }
}
