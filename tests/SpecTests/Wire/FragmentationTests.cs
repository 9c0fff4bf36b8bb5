// Tests of the wire format (docs/WIRE.md, "Fragmentation"): a packet cut into fragments comes
// back whole from any arrival order, with duplicates (each dropped as a copy), exactly once, when
// its last fragment arrives; a packet missing a fragment is never returned; the buffer of
// incomplete packets is bounded and forgets the oldest.
using System.Buffers.Binary;
using Evs.Reference.Node;
using Evs.Runtime.Wire;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace SpecTests.Wire;

public class FragmentationTests
{
    private static readonly Packet Big = Packets.Regular(payload: 20_000);

    // Offsets in a fragment datagram of the test cluster, open mode.
    private static int FragmentHeaderAt => Overhead.Header;

    [Property(MaxTest = 200)]
    public Property Any_order_with_duplicates_gives_the_packet_once_when_the_last_missing_fragment_arrives(int seed)
    {
        using var sender = Wires.Make(WireSecurityMode.HmacSha256);
        using var receiver = Wires.Make(WireSecurityMode.HmacSha256);
        var fragments = sender.Encode([Big], to: null);
        var random = new Random(seed);
        var arrivals = fragments.Concat(fragments.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();

        // Duplicates are the same arrays, so a set of references counts the distinct fragments seen.
        var seen = new HashSet<byte[]>();
        int completing = -1;
        var results = new List<(int Arrival, IReadOnlyList<Packet> Packets)>();
        for (int i = 0; i < arrivals.Count; i++)
        {
            seen.Add(arrivals[i]);
            if (completing < 0 && seen.Count == fragments.Count) completing = i;
            var decoded = receiver.Decode(arrivals[i]);
            if (decoded.Count > 0) results.Add((i, decoded));
        }
        // Every fragment is a datagram of its own, checked for freshness on its own: a duplicate is a copy.
        return (results.Count == 1 && results[0].Arrival == completing && PacketAssert.Same(Big, results[0].Packets.Single())
                && receiver.Counters.Dropped == receiver.Counters.Replayed && receiver.Counters.Replayed == arrivals.Count - fragments.Count
                && receiver.Accepted == fragments.Count)
            .Label($"{results.Count} results, first at arrival {results.FirstOrDefault().Arrival}, all fragments seen at {completing}");
    }

    [Property(MaxTest = 100)]
    public Property A_packet_that_lost_any_fragment_is_never_returned(int seed)
    {
        using var sender = Wires.Make();
        using var receiver = Wires.Make();
        var fragments = sender.Encode([Big], to: null);
        var random = new Random(seed);
        int lost = random.Next(fragments.Count);
        var arrivals = fragments.Where((_, i) => i != lost).SelectMany(f => Enumerable.Repeat(f, random.Next(1, 3))).OrderBy(_ => random.Next());
        return (receiver.DecodeAll(arrivals).Count == 0).ToProperty();
    }

    [Fact]
    public void Fragments_of_several_packets_from_several_senders_interleave()
    {
        using var a = Wires.Make();
        using var b = Wires.Make(self: Packets.P2);
        using var receiver = Wires.Make(self: Packets.P3);
        Packet first = Packets.Regular(payload: 5000), second = Packets.Commit(members: 60), third = Packets.Token(requests: 2000) with { Sender = Packets.P2 };
        var fromA = a.Encode([first, second], to: null);
        var fromB = b.Encode([third], to: null);
        var interleaved = fromA.Zip(fromB).SelectMany(p => new[] { p.Second, p.First })
            .Concat(fromA.Skip(fromB.Count)).Concat(fromB.Skip(fromA.Count)).Reverse().ToList();

        var decoded = receiver.DecodeAll(interleaved);

        Assert.Equal(3, decoded.Count);
        foreach (var packet in new[] { first, second, third })
            Assert.Single(decoded, d => PacketAssert.Same(packet, d));
    }

    [Fact]
    public void The_buffer_holds_a_bounded_number_of_incomplete_packets_and_forgets_the_oldest()
    {
        using var sender = Wires.Make();
        using var receiver = Wires.Make(slots: 2);
        var packets = Enumerable.Range(0, 3).Select(i => (Packet)(Packets.Regular(payload: 3000) with { Seq = i })).ToList();
        var fragments = packets.Select(p => sender.Encode([p], to: null)).ToList();

        foreach (var f in fragments) Assert.Empty(receiver.Decode(f[0]));
        Assert.Equal(1, receiver.EvictedIncomplete);

        PacketAssert.Equal([packets[1], packets[2]], receiver.DecodeAll(fragments[1].Skip(1).Concat(fragments[2].Skip(1))));
        // The oldest was forgotten: without its first fragment it never completes.
        Assert.Empty(receiver.DecodeAll(fragments[0].Skip(1)));
        Assert.Equal(0, receiver.Counters.Dropped);
    }

    [Fact]
    public void A_fragment_contradicting_the_others_of_its_packet_is_malformed()
    {
        using var sender = Wires.Make();
        using var receiver = Wires.Make();
        var fragments = sender.Encode([Big], to: null);
        Assert.Empty(receiver.Decode(fragments[0]));
        var liar = fragments[1].ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(liar.AsSpan(FragmentHeaderAt + 14), (ushort)(fragments.Count + 1));

        Assert.Empty(receiver.Decode(liar));
        Assert.Equal(1, receiver.Counters.Malformed);
        PacketAssert.Equal([Big], receiver.DecodeAll(fragments.Skip(1)));
    }

    [Theory]
    [InlineData(12, 0xFFFF, "index past the count")]
    [InlineData(14, 1, "a count of one")]
    [InlineData(16, 2, "a total shorter than the fragment")]
    [InlineData(16, 0x7FFF_FFFF, "a total over the packet limit")]
    public void An_impossible_fragment_header_is_malformed(int offset, int value, string what)
    {
        using var sender = Wires.Make();
        using var receiver = Wires.Make();
        var fragment = sender.Encode([Big], to: null)[0];
        if (offset == 16) BinaryPrimitives.WriteInt32BigEndian(fragment.AsSpan(FragmentHeaderAt + offset), value);
        else BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(FragmentHeaderAt + offset), (ushort)value);

        Assert.Empty(receiver.Decode(fragment));
        Assert.True(receiver.Counters.Malformed == 1, what);
    }

    [Fact]
    public void Fragments_whose_bytes_are_not_a_packet_are_malformed_once_complete()
    {
        using var sender = Wires.Make();
        using var receiver = Wires.Make();
        var fragments = sender.Encode([Big], to: null);
        fragments[0][FragmentHeaderAt + FragmentHeader.Length] = 0x7F;

        Assert.Empty(receiver.DecodeAll(fragments));
        Assert.Equal(1, receiver.Counters.Malformed);
        Assert.Equal(fragments.Count - 1, receiver.Accepted);
    }
}
