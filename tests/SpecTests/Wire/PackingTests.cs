// Tests of the wire format (docs/WIRE.md, "Packing"): many small packets travel in few
// datagrams, none over the size limit, in the order they were given; a datagram with one bad
// packet in it is dropped whole.
using System.Buffers.Binary;
using Evs.Reference.Membership;
using Evs.Reference.Node;
using Evs.Runtime.Wire;
using Xunit;

namespace SpecTests.Wire;

public class PackingTests
{
    private static List<Packet> SmallPackets(int count) =>
        Enumerable.Range(0, count).Select(i => (i % 3) switch
        {
            0 => (Packet)(Packets.Regular(payload: i % 50) with { Seq = i }),
            1 => Packets.Token() with { TokenSeq = i },
            _ => new MergeDetect(Packets.P1, Packets.Ring with { Sequence = i }),
        }).ToList();

    [Theory]
    [MemberData(nameof(Wires.Modes), MemberType = typeof(Wires))]
    public void Many_small_packets_fill_few_datagrams_under_the_limit_in_order(WireSecurityMode mode)
    {
        using var sender = Wires.Make(mode);
        using var receiver = Wires.Make(mode);
        var packets = SmallPackets(600);
        var datagrams = sender.Encode(packets, to: null);

        long bytes = packets.Sum(p => Packing.LengthPrefix + PacketCodec.Encode(p).Length);
        int fewest = (int)Math.Ceiling((double)bytes / sender.BodyCapacity);
        Assert.InRange(datagrams.Count, fewest, fewest + fewest / 10 + 1);
        Assert.All(datagrams, d => Assert.InRange(d.Length, 1, WireOptions.DefaultMaxDatagramSize));
        PacketAssert.Equal(packets, receiver.DecodeAll(datagrams));
    }

    [Fact]
    public void A_datagram_is_closed_only_when_the_next_packet_does_not_fit()
    {
        using var sender = Wires.Make();
        var packets = SmallPackets(300);
        var datagrams = sender.Encode(packets, to: null);
        var receiver = Wires.Make();
        int next = 0;
        foreach (var datagram in datagrams.SkipLast(1))
        {
            next += receiver.Decode(datagram).Count;
            int room = WireOptions.DefaultMaxDatagramSize - datagram.Length;
            Assert.True(Packing.LengthPrefix + PacketCodec.Encode(packets[next]).Length > room,
                $"packet {next} would have fitted in the {room} bytes left");
        }
    }

    [Fact]
    public void Small_packets_around_a_fragmented_one_keep_their_order()
    {
        using var sender = Wires.Make();
        using var receiver = Wires.Make();
        List<Packet> packets = [Packets.Detect(), Packets.Token(), Packets.Regular(payload: 10_000), Packets.Join(), Packets.Commit()];
        PacketAssert.Equal(packets, receiver.DecodeAll(sender.Encode(packets, to: null)));
    }

    [Fact]
    public void A_datagram_with_one_bad_packet_among_good_ones_is_dropped_whole()
    {
        using var sender = Wires.Make();
        using var receiver = Wires.Make();
        var datagram = sender.Encode([Packets.Detect(), Packets.Join(), Packets.Detect()], to: null).Single();
        int second = Overhead.Header + Packing.LengthPrefix + PacketCodec.Encode(Packets.Detect()).Length;
        Assert.Equal((byte)PacketKind.JoinMessage, datagram[second + Packing.LengthPrefix]);
        datagram[second + Packing.LengthPrefix] = 0x7F;

        Assert.Empty(receiver.Decode(datagram));
        Assert.Equal(1, receiver.Counters.Malformed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5000)]
    public void A_packet_length_of_zero_or_past_the_end_is_malformed(int length)
    {
        using var sender = Wires.Make();
        using var receiver = Wires.Make();
        var datagram = sender.Encode([Packets.Detect(), Packets.Detect()], to: null).Single();
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(Overhead.Header), (ushort)length);

        Assert.Empty(receiver.Decode(datagram));
        Assert.Equal(1, receiver.Counters.Malformed);
    }
}

/// <summary>The overhead of the test cluster's datagrams (docs/WIRE.md, "Overhead").</summary>
public static class Overhead
{
    /// <summary>The header of a broadcast by p1, the test wires' sender, in the test cluster.</summary>
    public static int Header => DatagramHeader.LengthFor(Wires.Cluster.Length, Packets.P1.Name.Length, 0);
}
