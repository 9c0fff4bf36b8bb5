// Tests of the real network under attack: a member that holds the cluster's key and forges
// packets (a buggy or hostile process, or an attacker who stole the key). It reads the captured
// traffic as any member can, changes the numbers of what it read, seals the result with the key
// and sends it from a member's address. All reading and sealing of datagrams is here, in one
// class, because it is the one part of the attacks that depends on the wire format's version.
//
// Wire version 3 names each datagram's sender, its incarnation, its counter and its destination
// (docs/WIRE.md), and a receiver drops a copy, an old datagram or one addressed to another. A key
// holder can still write any header: the forger takes the sender's incarnation from its captured
// datagrams and a counter just ahead of the highest it has seen, as a member that forges its own
// packets would (the sender's own next datagram with that counter is then dropped as a copy: a
// lost datagram, which the protocol recovers).
using System.Security.Cryptography;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Runtime.Wire;
using SpecTests.Wire;

namespace SpecTests.Runtime.Attacks;

/// <summary>
/// Reads the packets of captured datagrams and seals forged packets into datagrams, with the
/// cluster's key, and sends them through the <see cref="Relay"/>. Safe to use from the test and
/// from the relay's taps at once.
/// </summary>
internal sealed class Forger(Relay relay, string cluster, WireSecurity security, int maxDatagramSize) : IDisposable
{
    // An incarnation for a sender never heard (the ghost): any number will do, nobody has a window for it.
    private const ulong InventedIncarnation = 1;

    private readonly Authentication _seal = new(security);
    private readonly Dictionary<(ProcessId From, ProcessId To), WireFormat> _readers = [];
    private readonly Dictionary<long, IReadOnlyList<Packet>> _read = [];
    private readonly Dictionary<ProcessId, (ulong Incarnation, ulong Counter)> _latest = [];
    private readonly Dictionary<ProcessId, (ulong Incarnation, ulong Counter)> _heard = [];
    private int _scanned;
    private readonly ulong _origin = (ulong)RandomNumberGenerator.GetInt32(int.MaxValue);
    private uint _fragmented;
    private readonly Lock _lock = new();

    /// <summary>The packets <paramref name="datagram"/> carries (a fragment carries none until the one that completes its packet).</summary>
    public IReadOnlyList<Packet> Read(Captured datagram)
    {
        lock (_lock)
        {
            if (!_read.TryGetValue(datagram.Number, out var packets)) _read[datagram.Number] = packets = ReaderOf(datagram).Decode(datagram.Bytes);
            return packets;
        }
    }

    /// <summary>Every packet of type <typeparamref name="T"/> in the traffic captured so far, with the datagram that carried it, in the order captured.</summary>
    public IReadOnlyList<(Captured Datagram, T Packet)> Find<T>() where T : Packet =>
        [.. relay.Captured.SelectMany(d => Read(d).OfType<T>().Select(p => (d, p)))];

    /// <summary>The last packet of type <typeparamref name="T"/> captured on its way from <paramref name="from"/> to <paramref name="to"/>, or null.</summary>
    public T? Latest<T>(ProcessId from, ProcessId to) where T : Packet =>
        Find<T>().LastOrDefault(c => c.Datagram.From == from && c.Datagram.To == to).Packet;

    /// <summary>
    /// Sends <paramref name="packet"/>, sealed, to <paramref name="to"/> from <paramref name="from"/>'s
    /// address (by default its sender's, as a member that forges its own packets sends them).
    /// </summary>
    public void Send(Packet packet, ProcessId to, ProcessId? from = null)
    {
        foreach (var datagram in Seal(packet, to)) relay.Inject(from ?? packet.Sender, to, datagram);
    }

    /// <summary>
    /// Sends <paramref name="original"/>, a captured datagram of whole packets, on to its destination
    /// resealed under its own header (sender, incarnation, counter, destination) with as many of
    /// <paramref name="extra"/>'s packets added as fit: a key holder in the middle riding on another
    /// member's datagrams, whose own counters stay its own. False, sending nothing, for a fragment or
    /// a datagram the forger cannot read: the caller forwards the original.
    /// </summary>
    public bool Replace(Captured original, Func<Packet> extra, out int added)
    {
        added = 0;
        var packets = Read(original);
        if (packets.Count == 0 || DatagramHeader.Read(original.Bytes) is not { Kind: DatagramKind.Packets } header) return false;
        int capacity = maxDatagramSize - DatagramHeader.LengthFor(cluster.Length, header.Sender.Name.Length, header.Destination?.Name.Length ?? 0) - _seal.TrailerLength;
        var encoded = packets.Select(PacketCodec.Encode).ToList();
        while (true)
        {
            var more = PacketCodec.Encode(extra());
            if (Packing.Pack([.. encoded, more], capacity).Count != 1) break;
            encoded.Add(more);
            added++;
        }
        byte[] datagram;
        lock (_lock) datagram = Datagrams.Write(_seal, cluster, DatagramKind.Packets, header.Sender, header.Incarnation, header.Counter, header.Destination, Packing.Pack(encoded, capacity)[0]);
        relay.Inject(original.From, original.To, datagram);
        return true;
    }

    // One reader per path, as the receiver at its end reads it: a broadcast reaches every peer in
    // the same bytes, and one reader for all paths would drop the second copy as a replay.
    private WireFormat ReaderOf(Captured datagram)
    {
        if (!_readers.TryGetValue((datagram.From, datagram.To), out var reader))
            _readers[(datagram.From, datagram.To)] = reader = new WireFormat(new WireOptions(cluster, security, datagram.To, Incarnation: 0, maxDatagramSize));
        return reader;
    }

    // The datagrams that carry the packet, sealed with the key as its sender would seal them, in its
    // incarnation with the counters after the highest seen from it, addressed to the destination.
    private IReadOnlyList<byte[]> Seal(Packet packet, ProcessId to)
    {
        lock (_lock)
        {
            var bytes = PacketCodec.Encode(packet);
            int capacity = maxDatagramSize - DatagramHeader.LengthFor(cluster.Length, packet.Sender.Name.Length, to.Name.Length) - _seal.TrailerLength;
            return Packing.Fits(bytes, capacity)
                ? [.. Packing.Pack([bytes], capacity).Select(body => Write(DatagramKind.Packets, packet.Sender, to, body))]
                : [.. Fragmentation.Split(bytes, _origin, _fragmented++, capacity).Select(body => Write(DatagramKind.Fragment, packet.Sender, to, body))];
        }
    }

    private byte[] Write(DatagramKind kind, ProcessId sender, ProcessId to, byte[] body)
    {
        var (incarnation, counter) = Next(sender);
        return Datagrams.Write(_seal, cluster, kind, sender, incarnation, counter, to, body);
    }

    // After the newest the sender has used, whether in its own datagrams or in those forged for it.
    private (ulong Incarnation, ulong Counter) Next(ProcessId sender)
    {
        (ulong Incarnation, ulong Counter) last = (InventedIncarnation, 0);
        if (Heard(sender) is { } heard) last = heard;
        if (_latest.TryGetValue(sender, out var forged) && Ahead(forged, last)) last = forged;
        _latest[sender] = (last.Incarnation, last.Counter + 1);
        return _latest[sender];
    }

    private static bool Ahead((ulong Incarnation, ulong Counter) a, (ulong Incarnation, ulong Counter) b) =>
        a.Incarnation > b.Incarnation || (a.Incarnation == b.Incarnation && a.Counter > b.Counter);

    // The newest incarnation and highest counter among the sender's captured datagrams (the header
    // is in clear under either key mode), or null for a sender never heard; the capture is read
    // on from where the last call stopped.
    private (ulong Incarnation, ulong Counter)? Heard(ProcessId sender)
    {
        var captured = relay.Captured;
        for (; _scanned < captured.Count; _scanned++)
        {
            if (DatagramHeader.Read(captured[_scanned].Bytes) is not { } header || header.Sender != captured[_scanned].From) continue;
            var seen = (header.Incarnation, header.Counter);
            if (!_heard.TryGetValue(header.Sender, out var newest) || Ahead(seen, newest)) _heard[header.Sender] = seen;
        }
        return _heard.TryGetValue(sender, out var heard) ? heard : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _seal.Dispose();
        foreach (var reader in _readers.Values) reader.Dispose();
    }
}
