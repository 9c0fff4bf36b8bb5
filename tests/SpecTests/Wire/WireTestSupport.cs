// Tests of the wire format: the wire formats the tests use, one per security mode, with fixed
// keys, and the round trip through them.
using Evs.Reference.Node;
using Evs.Runtime.Wire;
using Xunit;

namespace SpecTests.Wire;

public static class Wires
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

    public static WireFormat Make(WireSecurityMode mode = WireSecurityMode.None, byte[]? key = null, string cluster = Cluster, int maxDatagram = WireOptions.DefaultMaxDatagramSize, int slots = WireOptions.DefaultReassemblySlots) =>
        new(new WireOptions(cluster, Security(mode, key), maxDatagram, ReassemblySlots: slots));

    public static TheoryData<WireSecurityMode> Modes() => new(Enum.GetValues<WireSecurityMode>());

    /// <summary>Every packet <paramref name="receiver"/> decodes from <paramref name="datagrams"/>, in order.</summary>
    public static List<Packet> DecodeAll(this WireFormat receiver, IEnumerable<byte[]> datagrams) =>
        datagrams.SelectMany(d => receiver.Decode(d)).ToList();
}
