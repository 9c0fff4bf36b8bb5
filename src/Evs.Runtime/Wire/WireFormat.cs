// The real network, the wire format (docs/WIRE.md): the IWireFormat the UDP runtime uses. It
// ties the pieces together in the order the document gives: packets are encoded (PacketCodec),
// packed or cut into fragments (Packing, Fragmentation), given a header (DatagramHeader) and
// sealed (Authentication); a received datagram goes the other way, and whatever is wrong with
// it is counted and dropped here, so that the node only ever sees whole, authentic, fresh packets
// addressed to it.
using System.Security.Cryptography;
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Runtime.Wire;

/// <summary>
/// The binary wire format of docs/WIRE.md. One instance per node (it holds the reassembly
/// buffer, the replay windows and the fragment, datagram and nonce counters); not thread-safe.
/// </summary>
internal sealed class WireFormat : IWireFormat, IDisposable
{
    private readonly WireOptions _options;
    private readonly byte[] _cluster;
    private readonly Authentication _authentication;
    private readonly Reassembly _reassembly;
    private readonly ReplayWindow _window = new();
    private readonly ulong _origin = RandomOrigin();
    private uint _nextNumber;
    private ulong _sealed;

    /// <summary>A wire format with <paramref name="options"/>; throws <see cref="ArgumentException"/> when they cannot work.</summary>
    public WireFormat(WireOptions options)
    {
        options.Validate();
        _options = options;
        _cluster = options.ClusterNameBytes;
        _authentication = new Authentication(options.Security);
        _reassembly = new Reassembly(options.ReassemblySlots);
        int fewest = RoomForBody(HeaderLength(DatagramHeader.MaxNameLength)) - FragmentHeader.Length;
        if ((long)fewest * ushort.MaxValue < options.MaxPacketSize)
            throw new ArgumentException($"a packet of {options.MaxPacketSize} bytes needs more than 65,535 fragments of a {options.MaxDatagramSize}-byte datagram", nameof(options));
    }

    /// <inheritdoc/>
    public WireCounters Counters { get; } = new();

    /// <summary>Datagrams that passed every check (whether or not they completed a packet): with <see cref="WireCounters.Dropped"/>, every datagram decoded.</summary>
    public long Accepted { get; private set; }

    /// <summary>Incomplete packets evicted from the reassembly buffer to make room for newer ones.</summary>
    public long EvictedIncomplete => _reassembly.Evicted;

    /// <inheritdoc/>
    public WireDrop? LastDrop { get; private set; }

    /// <summary>Whether the cluster is open: no key, so anyone who can reach the port can speak for any process.</summary>
    public bool IsOpen => _options.Security.Mode == WireSecurityMode.None;

    /// <summary>The options.</summary>
    public WireOptions Options => _options;

    /// <summary>Bytes of every broadcast datagram besides its body: the header and the trailer. A datagram to one process has its name besides.</summary>
    public int Overhead => HeaderLength(0) + _authentication.TrailerLength;

    /// <summary>The largest body a broadcast datagram may carry.</summary>
    public int BodyCapacity => BodyCapacityFor(null);

    /// <summary>The largest body a datagram to <paramref name="to"/> (null: every peer) may carry.</summary>
    public int BodyCapacityFor(ProcessId? to) => RoomForBody(HeaderLength(to?.Name.Length ?? 0));

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A packet the wire cannot carry: another process's, larger than <see cref="WireOptions.MaxPacketSize"/> encoded, or with a field that has no encoding; or a destination that is no process identifier of at most 64 bytes.</exception>
    public IReadOnlyList<byte[]> Encode(IReadOnlyList<Packet> packets, ProcessId? to)
    {
        if (to is { } destination && (!ProcessId.IsValid(destination.Name) || destination.Name.Length > DatagramHeader.MaxNameLength))
            throw new ArgumentException($"\"{destination.Name}\" is not a destination the wire can carry (1-{DatagramHeader.MaxNameLength} letters, digits, '-' and '_')", nameof(to));
        int capacity = BodyCapacityFor(to);
        var datagrams = new List<byte[]>();
        var small = new List<byte[]>();
        foreach (var packet in packets)
        {
            var bytes = EncodeOwn(packet);
            if (Packing.Fits(bytes, capacity))
            {
                small.Add(bytes);
                continue;
            }
            Flush(small, capacity, to, datagrams);
            foreach (var fragment in Fragmentation.Split(bytes, _origin, _nextNumber++, capacity))
                datagrams.Add(Seal(DatagramKind.Fragment, fragment, to));
        }
        Flush(small, capacity, to, datagrams);
        return datagrams;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Packet> Decode(ReadOnlySpan<byte> datagram)
    {
        var (packets, drop) = Read(datagram);
        LastDrop = drop;
        switch (drop)
        {
            case null: Accepted++; break;
            case WireDrop.Malformed: Counters.Malformed++; break;
            case WireDrop.Unauthenticated: Counters.Unauthenticated++; break;
            case WireDrop.WrongVersion: Counters.WrongVersion++; break;
            case WireDrop.OtherCluster: Counters.OtherCluster++; break;
            case WireDrop.Misaddressed: Counters.Misaddressed++; break;
            case WireDrop.Replayed: Counters.Replayed++; break;
            case WireDrop.Stale: Counters.Stale++; break;
        }
        return packets;
    }

    /// <inheritdoc/>
    public void Dispose() => _authentication.Dispose();

    // The checks in the order docs/WIRE.md gives ("What is dropped, and when").
    private (IReadOnlyList<Packet> Packets, WireDrop? Drop) Read(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length <= DatagramHeader.VersionOffset) return ([], WireDrop.Malformed);
        if (!DatagramHeader.IsThisVersion(datagram)) return ([], WireDrop.WrongVersion);
        if (datagram.Length < DatagramHeader.FixedLength) return ([], WireDrop.Malformed);
        if (datagram[DatagramHeader.FlagsOffset] != (byte)_authentication.Mode) return ([], WireDrop.Unauthenticated);
        if (DatagramHeader.LengthOf(datagram) is not { } headerLength || _authentication.Open(datagram, headerLength) is not { } content)
            return ([], WireDrop.Unauthenticated);
        if (DatagramHeader.Read(content) is not { } header) return ([], WireDrop.Malformed);
        if (!header.ClusterName.AsSpan().SequenceEqual(_cluster)) return ([], WireDrop.OtherCluster);
        if (header.BodyLength != content.Length - headerLength) return ([], WireDrop.Malformed);
        if (header.Destination is { } destination && destination != _options.Self) return ([], WireDrop.Misaddressed);
        if (Stale(header) is { } stale) return ([], stale);
        var body = content.AsSpan(headerLength);
        var (packets, drop) = header.Kind == DatagramKind.Packets ? Packed(header.Sender, body) : Fragment(header.Sender, body);
        if (drop is null) _window.Accept(header.Sender, header.Incarnation, header.Counter);
        return (packets, drop);
    }

    // Why the header's (incarnation, counter) is not new from its sender, or null when it is.
    private WireDrop? Stale(DatagramHeader header) => _window.Check(header.Sender, header.Incarnation, header.Counter) switch
    {
        Freshness.Replayed => WireDrop.Replayed,
        Freshness.Stale => WireDrop.Stale,
        _ => null,
    };

    // Only the header's sender can have put a packet in its datagram: any other sender is a forgery by a key holder.
    private static (IReadOnlyList<Packet>, WireDrop?) Packed(ProcessId sender, ReadOnlySpan<byte> body) =>
        Packing.Unpack(body) is { } packets && packets.All(p => p.Sender == sender) ? (packets, null) : ([], WireDrop.Malformed);

    private (IReadOnlyList<Packet>, WireDrop?) Fragment(ProcessId sender, ReadOnlySpan<byte> body)
    {
        if (Fragmentation.Parse(body, _options.MaxPacketSize) is not var (header, bytes)) return ([], WireDrop.Malformed);
        switch (_reassembly.Add(sender, header, bytes, out var whole))
        {
            case FragmentOutcome.Held:
                return ([], null);
            case FragmentOutcome.Completed when PacketCodec.Decode(whole) is { } packet && packet.Sender == sender:
                return ([packet], null);
            default:
                return ([], WireDrop.Malformed);
        }
    }

    // A packet of this process's, encoded; a packet another process sent is not this one's to send.
    private byte[] EncodeOwn(Packet packet)
    {
        if (packet.Sender != _options.Self)
            throw new ArgumentException($"a {packet.GetType().Name} from {packet.Sender} cannot go in a datagram of {_options.Self}'s: its receivers would drop it", nameof(packet));
        var bytes = PacketCodec.Encode(packet);
        if (bytes.Length > _options.MaxPacketSize)
            throw new ArgumentException($"a {packet.GetType().Name} of {bytes.Length} bytes is larger than the wire's {_options.MaxPacketSize}", nameof(packet));
        return bytes;
    }

    private void Flush(List<byte[]> small, int capacity, ProcessId? to, List<byte[]> datagrams)
    {
        foreach (var body in Packing.Pack(small, capacity)) datagrams.Add(Seal(DatagramKind.Packets, body, to));
        small.Clear();
    }

    // Every datagram sealed gets the next counter, whatever its kind or destination.
    private byte[] Seal(DatagramKind kind, byte[] body, ProcessId? to)
    {
        var header = new WireWriter(HeaderLength(to?.Name.Length ?? 0));
        new DatagramHeader(_options.Security.Mode, kind, _cluster, _options.Self, _options.Incarnation, ++_sealed, to, body.Length).Write(header);
        return _authentication.Seal(header.Written, body);
    }

    private int HeaderLength(int destinationBytes) => DatagramHeader.LengthFor(_cluster.Length, _options.Self.Name.Length, destinationBytes);

    private int RoomForBody(int headerLength) => _options.MaxDatagramSize - headerLength - _authentication.TrailerLength;

    private static ulong RandomOrigin()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
