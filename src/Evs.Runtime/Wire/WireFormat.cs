// The real network, the wire format (docs/WIRE.md): the IWireFormat the UDP runtime uses. It
// ties the pieces together in the order the document gives: packets are encoded (PacketCodec),
// packed or cut into fragments (Packing, Fragmentation), given a header (DatagramHeader) and
// sealed (Authentication); a received datagram goes the other way, and whatever is wrong with
// it is counted and dropped here, so that the node only ever sees whole, authentic packets.
using System.Security.Cryptography;
using Evs.Reference.Node;

namespace Evs.Runtime.Wire;

/// <summary>
/// The binary wire format of docs/WIRE.md. One instance per node (it holds the reassembly
/// buffer and the fragment and nonce counters); not thread-safe.
/// </summary>
public sealed class WireFormat : IWireFormat, IDisposable
{
    private readonly WireOptions _options;
    private readonly byte[] _cluster;
    private readonly Authentication _authentication;
    private readonly Reassembly _reassembly;
    private readonly ulong _origin = RandomOrigin();
    private uint _nextNumber;

    /// <summary>A wire format with <paramref name="options"/>; throws <see cref="ArgumentException"/> when they cannot work.</summary>
    public WireFormat(WireOptions options)
    {
        options.Validate();
        _options = options;
        _cluster = options.ClusterNameBytes;
        _authentication = new Authentication(options.Security);
        _reassembly = new Reassembly(options.ReassemblySlots);
        if ((long)(BodyCapacity - FragmentHeader.Length) * ushort.MaxValue < options.MaxPacketSize)
            throw new ArgumentException($"a packet of {options.MaxPacketSize} bytes needs more than 65,535 fragments of a {options.MaxDatagramSize}-byte datagram", nameof(options));
    }

    /// <inheritdoc/>
    public WireCounters Counters { get; } = new();

    /// <summary>Datagrams that passed every check (whether or not they completed a packet): with <see cref="WireCounters.Dropped"/>, every datagram decoded.</summary>
    public long Accepted { get; private set; }

    /// <summary>Incomplete packets evicted from the reassembly buffer to make room for newer ones.</summary>
    public long EvictedIncomplete => _reassembly.Evicted;

    /// <summary>Whether the cluster is open: no key, so anyone who can reach the port can speak for any process.</summary>
    public bool IsOpen => _options.Security.Mode == WireSecurityMode.None;

    /// <summary>The options.</summary>
    public WireOptions Options => _options;

    /// <summary>Bytes of every datagram besides its body: the header and the trailer.</summary>
    public int Overhead => DatagramHeader.LengthFor(_cluster.Length) + _authentication.TrailerLength;

    /// <summary>The largest body a datagram may carry.</summary>
    public int BodyCapacity => _options.MaxDatagramSize - Overhead;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A packet the wire cannot carry: larger than <see cref="WireOptions.MaxPacketSize"/> encoded, or with a field that has no encoding.</exception>
    public IReadOnlyList<byte[]> Encode(IReadOnlyList<Packet> packets)
    {
        var datagrams = new List<byte[]>();
        var small = new List<byte[]>();
        foreach (var packet in packets)
        {
            var bytes = PacketCodec.Encode(packet);
            if (bytes.Length > _options.MaxPacketSize)
                throw new ArgumentException($"a {packet.GetType().Name} of {bytes.Length} bytes is larger than the wire's {_options.MaxPacketSize}", nameof(packets));
            if (Packing.Fits(bytes, BodyCapacity))
            {
                small.Add(bytes);
                continue;
            }
            Flush(small, datagrams);
            foreach (var fragment in Fragmentation.Split(bytes, _origin, _nextNumber++, BodyCapacity))
                datagrams.Add(Seal(DatagramKind.Fragment, fragment));
        }
        Flush(small, datagrams);
        return datagrams;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Packet> Decode(ReadOnlySpan<byte> datagram)
    {
        var (packets, drop) = Read(datagram);
        switch (drop)
        {
            case null: Accepted++; break;
            case Drop.Malformed: Counters.Malformed++; break;
            case Drop.Unauthenticated: Counters.Unauthenticated++; break;
            case Drop.WrongVersion: Counters.WrongVersion++; break;
            case Drop.OtherCluster: Counters.OtherCluster++; break;
        }
        return packets;
    }

    /// <inheritdoc/>
    public void Dispose() => _authentication.Dispose();

    private enum Drop { Malformed, Unauthenticated, WrongVersion, OtherCluster }

    // The checks in the order docs/WIRE.md gives ("What is dropped, and when").
    private (IReadOnlyList<Packet> Packets, Drop? Drop) Read(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length <= DatagramHeader.VersionOffset) return ([], Drop.Malformed);
        if (!DatagramHeader.IsThisVersion(datagram)) return ([], Drop.WrongVersion);
        if (datagram.Length < DatagramHeader.FixedLength) return ([], Drop.Malformed);
        int headerLength = DatagramHeader.LengthFor(datagram[DatagramHeader.ClusterLengthOffset]);
        if (datagram[DatagramHeader.FlagsOffset] != (byte)_authentication.Mode) return ([], Drop.Unauthenticated);
        if (_authentication.Open(datagram, headerLength) is not { } content) return ([], Drop.Unauthenticated);
        if (DatagramHeader.Read(content) is not { } header) return ([], Drop.Malformed);
        if (!header.ClusterName.AsSpan().SequenceEqual(_cluster)) return ([], Drop.OtherCluster);
        if (header.BodyLength != content.Length - headerLength) return ([], Drop.Malformed);
        var body = content.AsSpan(headerLength);
        return header.Kind == DatagramKind.Packets ? Packed(body) : Fragment(body);
    }

    private static (IReadOnlyList<Packet>, Drop?) Packed(ReadOnlySpan<byte> body) =>
        Packing.Unpack(body) is { } packets ? (packets, null) : ([], Drop.Malformed);

    private (IReadOnlyList<Packet>, Drop?) Fragment(ReadOnlySpan<byte> body)
    {
        if (Fragmentation.Parse(body, _options.MaxPacketSize) is not var (header, bytes)) return ([], Drop.Malformed);
        switch (_reassembly.Add(header, bytes, out var whole))
        {
            case FragmentOutcome.Held:
                return ([], null);
            case FragmentOutcome.Completed when PacketCodec.Decode(whole) is { } packet:
                return ([packet], null);
            default:
                return ([], Drop.Malformed);
        }
    }

    private void Flush(List<byte[]> small, List<byte[]> datagrams)
    {
        foreach (var body in Packing.Pack(small, BodyCapacity)) datagrams.Add(Seal(DatagramKind.Packets, body));
        small.Clear();
    }

    private byte[] Seal(DatagramKind kind, byte[] body)
    {
        var header = new WireWriter(DatagramHeader.LengthFor(_cluster.Length));
        new DatagramHeader(_options.Security.Mode, kind, _cluster, body.Length).Write(header);
        return _authentication.Seal(header.Written, body);
    }

    private static ulong RandomOrigin()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
