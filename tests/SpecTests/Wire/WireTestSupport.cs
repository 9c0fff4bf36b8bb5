// Tests of the wire format: the wire formats the tests use, one per security mode, with fixed
// keys, each a process (p1 unless a test says otherwise) in an incarnation, and the round trip through them.
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Runtime.Wire;
using Xunit;

namespace SpecTests.Wire;

internal static class Wires
{
    public const string Cluster = "test-cluster";
    public static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    public static readonly byte[] OtherKey = Enumerable.Range(2, 32).Select(i => (byte)i).ToArray();

    public static WireSecurity Security(WireSecurityMode mode, byte[]? key = null) => mode switch
    {
        WireSecurityMode.HmacSha256 => WireSecurity.Hmac(key ?? Key),
        WireSecurityMode.Aes256Gcm => WireSecurity.AesGcm(key ?? Key),
        _ => WireSecurity.None,
    };

    /// <summary>
    /// A wire format of process <paramref name="self"/> (p1 by default, the sender of <see cref="Packets"/>'
    /// hand-built packets) in its <paramref name="incarnation"/>.
    /// </summary>
    public static WireFormat Make(WireSecurityMode mode = WireSecurityMode.None, byte[]? key = null, string cluster = Cluster, int maxDatagram = WireOptions.DefaultMaxDatagramSize,
        int slots = WireOptions.DefaultReassemblySlots, ProcessId? self = null, ulong incarnation = 1) =>
        new(new WireOptions(cluster, Security(mode, key), self ?? Packets.P1, incarnation, maxDatagram, ReassemblySlots: slots));

    public static TheoryData<WireSecurityMode> Modes() => new(Enum.GetValues<WireSecurityMode>());

    /// <summary>Every packet <paramref name="receiver"/> decodes from <paramref name="datagrams"/>, in order.</summary>
    public static List<Packet> DecodeAll(this WireFormat receiver, IEnumerable<byte[]> datagrams) =>
        datagrams.SelectMany(d => receiver.Decode(d)).ToList();
}
