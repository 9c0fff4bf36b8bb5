// Tests of the wire format (docs/WIRE.md, "Datagram header" and "What is dropped, and when"):
// another version (version 2 included), another cluster, a header that does not add up, each
// dropped and counted under its own reason; the sizes of the header and trailers are what the
// document says, and a datagram written by hand from the document is the one WireFormat writes.
using System.Buffers.Binary;
using Evs.Runtime.Wire;
using Xunit;

namespace SpecTests.Wire;

public class DatagramTests
{
    [Theory]
    [MemberData(nameof(Wires.Modes), MemberType = typeof(Wires))]
    public void A_datagram_of_another_cluster_is_counted_as_such(WireSecurityMode mode)
    {
        using var sender = Wires.Make(mode, cluster: "other-cluster");
        using var receiver = Wires.Make(mode);
        Assert.Empty(receiver.DecodeAll(sender.Encode([Packets.Detect()], to: null)));
        Assert.Equal(1, receiver.Counters.OtherCluster);
        Assert.Equal(1, receiver.Counters.Dropped);
    }

    [Theory]
    [MemberData(nameof(Wires.Modes), MemberType = typeof(Wires))]
    public void A_datagram_of_another_version_or_format_is_counted_as_such(WireSecurityMode mode)
    {
        using var sender = Wires.Make(mode);
        using var receiver = Wires.Make(mode);
        var datagram = sender.Encode([Packets.Detect()], to: null).Single();
        var nextVersion = datagram.ToArray();
        nextVersion[DatagramHeader.VersionOffset] = DatagramHeader.Version + 1;
        var otherMagic = datagram.ToArray();
        otherMagic[0] = (byte)'X';

        Assert.Empty(receiver.Decode(nextVersion));
        Assert.Empty(receiver.Decode(otherMagic));
        Assert.Equal(2, receiver.Counters.WrongVersion);
        Assert.Equal(2, receiver.Counters.Dropped);
    }

    [Theory]
    [MemberData(nameof(Wires.Modes), MemberType = typeof(Wires))]
    public void A_version_2_datagram_is_counted_as_wrong_version(WireSecurityMode mode)
    {
        // Version 2's layout: magic, version, flags, kind, cluster name, body length; no sender, counter or destination.
        using var receiver = Wires.Make(mode);
        using var seal = new Authentication(Wires.Security(mode));
        var detect = PacketCodec.Encode(Packets.Detect());
        byte[] body = [(byte)(detect.Length >> 8), (byte)detect.Length, .. detect];
        var name = System.Text.Encoding.UTF8.GetBytes(Wires.Cluster);
        byte[] header = [.. "EVSW"u8, 2, (byte)mode, (byte)DatagramKind.Packets, (byte)name.Length, .. name, (byte)(body.Length >> 8), (byte)body.Length];

        Assert.Empty(receiver.Decode(seal.Seal(header, body)));
        Assert.Equal(1, receiver.Counters.WrongVersion);
        Assert.Equal(1, receiver.Counters.Dropped);
    }

    [Fact]
    public void Datagrams_too_short_for_a_header_are_malformed()
    {
        using var receiver = Wires.Make();
        byte[][] shorts = [[], [0x45], "EVSW"u8.ToArray(), [.. "EVSW"u8, DatagramHeader.Version, 0, 1], [.. "EVSW"u8, DatagramHeader.Version, 0, 1, 3, .. "evs"u8, 2, .. "p1"u8]];
        foreach (var d in shorts) Assert.Empty(receiver.Decode(d));
        Assert.Equal(shorts.Length, receiver.Counters.Malformed);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void A_body_length_that_disagrees_with_the_datagram_is_malformed(int delta)
    {
        using var sender = Wires.Make();
        using var receiver = Wires.Make();
        var datagram = sender.Encode([Packets.Detect()], to: null).Single();
        var at = datagram.AsSpan(Overhead.Header - 2, 2);
        BinaryPrimitives.WriteUInt16BigEndian(at, (ushort)(BinaryPrimitives.ReadUInt16BigEndian(at) + delta));
        Assert.Empty(receiver.Decode(datagram));
        Assert.Equal(1, receiver.Counters.Malformed);
    }

    [Fact]
    public void An_unknown_datagram_kind_is_malformed()
    {
        using var sender = Wires.Make();
        using var receiver = Wires.Make();
        var datagram = sender.Encode([Packets.Detect()], to: null).Single();
        datagram[DatagramHeader.FlagsOffset + 1] = 9;
        Assert.Empty(receiver.Decode(datagram));
        Assert.Equal(1, receiver.Counters.Malformed);
    }

    [Theory]
    [InlineData(WireSecurityMode.None, 0)]
    [InlineData(WireSecurityMode.HmacSha256, 32)]
    [InlineData(WireSecurityMode.Aes256Gcm, 28)]
    public void The_overhead_is_the_header_the_length_of_each_packet_and_the_trailer(WireSecurityMode mode, int trailer)
    {
        using var wire = Wires.Make(mode);
        var detect = PacketCodec.Encode(Packets.Detect());
        var one = wire.Encode([Packets.Detect()], to: null).Single();
        var three = wire.Encode([Packets.Detect(), Packets.Detect(), Packets.Detect()], to: null).Single();

        Assert.Equal(28 + Wires.Cluster.Length + Packets.P1.Name.Length, Overhead.Header);
        Assert.Equal(Overhead.Header + trailer, wire.Overhead);
        Assert.Equal(Overhead.Header + 2 + detect.Length + trailer, one.Length);
        Assert.Equal(Overhead.Header + 3 * (2 + detect.Length) + trailer, three.Length);
    }

    [Theory]
    [MemberData(nameof(Wires.Modes), MemberType = typeof(Wires))]
    public void A_datagram_written_by_hand_from_WIRE_md_is_the_one_WireFormat_writes(WireSecurityMode mode)
    {
        // The first datagram of p1's incarnation 1700000000123 is its counter 1, a broadcast; the second, counter 2, goes to p2.
        using var wire = Wires.Make(mode, incarnation: 1_700_000_000_123);
        using var receiver = Wires.Make(mode, self: Packets.P2);
        using var seal = new Authentication(Wires.Security(mode));
        var packets = new[] { PacketCodec.Encode(Packets.Detect()), PacketCodec.Encode(Packets.Token()) };
        var body = packets.SelectMany(p => new[] { (byte)(p.Length >> 8), (byte)p.Length }.Concat(p)).ToArray();
        var byHand = new[]
        {
            Datagrams.Write(seal, Wires.Cluster, DatagramKind.Packets, Packets.P1, 1_700_000_000_123, counter: 1, destination: null, body),
            Datagrams.Write(seal, Wires.Cluster, DatagramKind.Packets, Packets.P1, 1_700_000_000_123, counter: 2, Packets.P2, body),
        };
        var written = new[]
        {
            wire.Encode([Packets.Detect(), Packets.Token()], to: null).Single(),
            wire.Encode([Packets.Detect(), Packets.Token()], Packets.P2).Single(),
        };

        // AES-GCM draws a fresh nonce, so only the length can match; the receiver reads both alike.
        for (int i = 0; i < written.Length; i++)
        {
            if (mode == WireSecurityMode.Aes256Gcm) Assert.Equal(written[i].Length, byHand[i].Length);
            else Assert.Equal(Convert.ToHexString(written[i]), Convert.ToHexString(byHand[i]));
            PacketAssert.Equal([Packets.Detect(), Packets.Token()], receiver.Decode(byHand[i]));
        }
        Assert.Equal(0, receiver.Counters.Dropped);
    }

    [Fact]
    public void A_merge_detect_from_p1_of_ring_3_is_15_bytes_and_a_64_KiB_message_50_fragments()
    {
        Assert.Equal(15, PacketCodec.Encode(new Evs.Reference.Membership.MergeDetect(new("p1"), new(3, new("p1")))).Length);
        using var wire = new WireFormat(new WireOptions("evs", WireSecurity.Hmac(Wires.Key), Packets.P1, Incarnation: 1));
        Assert.Equal(1335, wire.BodyCapacity);
        Assert.Equal(1333, wire.BodyCapacityFor(Packets.P2));
        Assert.Equal(50, wire.Encode([Packets.Regular(payload: 64 * 1024)], to: null).Count);
    }

    [Theory]
    [InlineData("", "p1", 1400)]
    [InlineData("a-cluster-name-that-is-far-too-long-for-the-one-byte-length-of-the-header", "p1", 1400)]
    [InlineData("ok", "p1", 300)]
    [InlineData("ok", "p1", 70_000)]
    [InlineData("ok", "not valid", 1400)]
    [InlineData("ok", "a-process-identifier-that-is-longer-than-the-64-bytes-a-header-holds", 1400)]
    public void Options_that_cannot_work_are_refused(string cluster, string self, int maxDatagram) =>
        Assert.Throws<ArgumentException>(() => new WireFormat(new WireOptions(cluster, WireSecurity.None, new(self), Incarnation: 1, maxDatagram)));

    [Fact]
    public void A_packet_over_the_packet_limit_is_refused_when_sending()
    {
        using var wire = new WireFormat(new WireOptions(Wires.Cluster, WireSecurity.None, Packets.P1, Incarnation: 1, MaxPacketSize: 10_000));
        Assert.Throws<ArgumentException>(() => wire.Encode([Packets.Regular(payload: 10_000)], to: null));
    }
}
