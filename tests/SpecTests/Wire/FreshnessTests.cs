// Tests of the wire format (docs/WIRE.md, "Fresh and addressed datagrams"): what an attacker
// without the key can still do with a datagram it captured, it can no longer make a node accept.
// A copy of a datagram already accepted is dropped as replayed; one older than the window, or of an
// earlier run of its sender, as stale; one sent to another process as misaddressed. Datagrams the
// network reorders within the window are each accepted once, a broadcast by every process, and a
// datagram dropped for another reason uses up nothing. Only a datagram's sender's packets pass.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Runtime.Wire;
using Xunit;

namespace SpecTests.Wire;

public class FreshnessTests
{
    private static readonly ProcessId P1 = Packets.P1, P2 = Packets.P2, P3 = new("p3");

    // n datagrams from sender, each one merge detect, in the order sent.
    private static List<byte[]> Sent(WireFormat sender, int n, ProcessId? to = null) =>
        [.. Enumerable.Range(0, n).Select(_ => sender.Encode([Packets.Detect() with { Sender = sender.Options.Self }], to).Single())];

    [Theory]
    [MemberData(nameof(Wires.Modes), MemberType = typeof(Wires))]
    public void A_datagram_decoded_twice_is_dropped_the_second_time_as_replayed(WireSecurityMode mode)
    {
        using var sender = Wires.Make(mode);
        using var receiver = Wires.Make(mode, self: P2);
        var datagram = Sent(sender, 1).Single();

        Assert.Single(receiver.Decode(datagram));
        Assert.Empty(receiver.Decode(datagram));
        Assert.Empty(receiver.Decode(datagram));
        Assert.Equal(1, receiver.Accepted);
        Assert.Equal(2, receiver.Counters.Replayed);
        Assert.Equal(2, receiver.Counters.Dropped);
    }

    [Fact]
    public void Datagrams_reordered_within_the_window_are_each_accepted_once()
    {
        using var sender = Wires.Make(WireSecurityMode.HmacSha256);
        using var receiver = Wires.Make(WireSecurityMode.HmacSha256, self: P2);
        var datagrams = Sent(sender, 300);
        var random = new Random(11);
        var shuffled = datagrams.OrderBy(_ => random.Next()).ToList();

        Assert.Equal(300, receiver.DecodeAll(shuffled).Count);
        Assert.Empty(receiver.DecodeAll(shuffled));
        Assert.Equal(300, receiver.Accepted);
        Assert.Equal(300, receiver.Counters.Replayed);
    }

    [Fact]
    public void A_datagram_as_old_as_the_window_is_stale_and_one_just_inside_it_is_accepted()
    {
        using var sender = Wires.Make(WireSecurityMode.HmacSha256);
        using var receiver = Wires.Make(WireSecurityMode.HmacSha256, self: P2);
        var datagrams = Sent(sender, ReplayWindow.Size + 1); // counters 1 .. Size + 1

        Assert.Single(receiver.Decode(datagrams[^1]));
        Assert.Empty(receiver.Decode(datagrams[0]));
        Assert.Equal(1, receiver.Counters.Stale);
        Assert.Single(receiver.Decode(datagrams[1]));
        Assert.Empty(receiver.Decode(datagrams[1]));
        Assert.Equal(1, receiver.Counters.Replayed);
    }

    [Fact]
    public void Gaps_in_a_senders_counter_cost_nothing()
    {
        // The counter is the sender's over every destination: a receiver sees the datagrams to it, and the broadcasts.
        using var sender = Wires.Make(WireSecurityMode.HmacSha256);
        using var receiver = Wires.Make(WireSecurityMode.HmacSha256, self: P2);
        var mine = new List<byte[]>();
        for (int i = 0; i < 50; i++)
        {
            Sent(sender, 30, P3);
            mine.AddRange(Sent(sender, 1, i % 2 == 0 ? P2 : null));
        }
        Assert.Equal(50, receiver.DecodeAll(mine).Count);
        Assert.Equal(0, receiver.Counters.Dropped);
    }

    [Fact]
    public void A_datagram_of_an_earlier_incarnation_is_stale_once_a_later_one_was_seen()
    {
        using var before = Wires.Make(WireSecurityMode.Aes256Gcm, incarnation: 1_700_000_000_000);
        using var after = Wires.Make(WireSecurityMode.Aes256Gcm, incarnation: 1_700_000_000_001);
        using var receiver = Wires.Make(WireSecurityMode.Aes256Gcm, self: P2);
        var old = Sent(before, 3);

        Assert.Single(receiver.Decode(old[0]));
        Assert.Single(receiver.Decode(Sent(after, 1).Single()));
        Assert.Empty(receiver.Decode(old[1]));
        Assert.Empty(receiver.Decode(old[2]));
        Assert.Equal(2, receiver.Counters.Stale);
    }

    [Fact]
    public void A_later_incarnation_is_accepted_and_starts_its_window_afresh()
    {
        using var before = Wires.Make(WireSecurityMode.HmacSha256, incarnation: 7);
        using var after = Wires.Make(WireSecurityMode.HmacSha256, incarnation: 8);
        using var receiver = Wires.Make(WireSecurityMode.HmacSha256, self: P2);
        Assert.Equal(100, receiver.DecodeAll(Sent(before, 100)).Count);

        // The restarted sender counts from 1 again, far below the 100 of its earlier run.
        var restarted = Sent(after, 2);
        Assert.Single(receiver.Decode(restarted[1]));
        Assert.Single(receiver.Decode(restarted[0]));
        Assert.Empty(receiver.Decode(restarted[0]));
        Assert.Equal(1, receiver.Counters.Replayed);
        Assert.Equal(0, receiver.Counters.Stale);
    }

    [Theory]
    [MemberData(nameof(Wires.Modes), MemberType = typeof(Wires))]
    public void A_datagram_addressed_to_another_process_is_misaddressed(WireSecurityMode mode)
    {
        using var sender = Wires.Make(mode);
        using var p2 = Wires.Make(mode, self: P2);
        using var p3 = Wires.Make(mode, self: P3);
        var token = sender.Encode([Packets.Token()], P2).Single();

        Assert.Empty(p3.Decode(token));
        Assert.Equal(1, p3.Counters.Misaddressed);
        Assert.Equal(1, p3.Counters.Dropped);
        PacketAssert.Equal([Packets.Token()], p2.Decode(token));
        Assert.Equal(0, p2.Counters.Dropped);
    }

    [Fact]
    public void A_broadcast_is_accepted_by_every_process_once()
    {
        using var sender = Wires.Make(WireSecurityMode.Aes256Gcm);
        using var p2 = Wires.Make(WireSecurityMode.Aes256Gcm, self: P2);
        using var p3 = Wires.Make(WireSecurityMode.Aes256Gcm, self: P3);
        var broadcast = sender.Encode([Packets.Regular()], to: null).Single();

        foreach (var receiver in new[] { p2, p3 })
        {
            PacketAssert.Equal([Packets.Regular()], receiver.Decode(broadcast));
            Assert.Empty(receiver.Decode(broadcast));
            Assert.Equal(1, receiver.Counters.Replayed);
        }
    }

    [Theory]
    [MemberData(nameof(Wires.Modes), MemberType = typeof(Wires))]
    public void A_packet_whose_sender_is_not_the_datagrams_is_malformed(WireSecurityMode mode)
    {
        // Only a holder of the key can write such a datagram (or anyone, in an open cluster); WireFormat never does.
        using var seal = new Authentication(Wires.Security(mode));
        using var receiver = Wires.Make(mode, self: P2);
        var detect = PacketCodec.Encode(Packets.Detect());
        byte[] body = [(byte)(detect.Length >> 8), (byte)detect.Length, .. detect];
        var claimingP3 = Datagrams.Write(seal, Wires.Cluster, DatagramKind.Packets, P3, incarnation: 1, counter: 1, destination: null, body);

        Assert.Empty(receiver.Decode(claimingP3));
        Assert.Equal(1, receiver.Counters.Malformed);
        Assert.Equal(1, receiver.Counters.Dropped);
    }

    [Fact]
    public void A_fragmented_packet_whose_sender_is_not_the_datagrams_is_malformed_when_complete()
    {
        using var seal = new Authentication(Wires.Security(WireSecurityMode.HmacSha256));
        using var receiver = Wires.Make(WireSecurityMode.HmacSha256, self: P2);
        var fragments = Fragmentation.Split(PacketCodec.Encode(Packets.Regular(payload: 5000)), origin: 5, number: 0, capacity: 1200);
        var datagrams = fragments.Select((f, i) => Datagrams.Write(seal, Wires.Cluster, DatagramKind.Fragment, P3, 1, (ulong)i + 1, null, f)).ToList();

        Assert.Empty(receiver.DecodeAll(datagrams));
        Assert.Equal(datagrams.Count - 1, receiver.Accepted);
        Assert.Equal(1, receiver.Counters.Malformed);
    }

    [Fact]
    public void WireFormat_refuses_to_send_another_process_packet()
    {
        using var p1 = Wires.Make();
        var error = Assert.Throws<ArgumentException>(() => p1.Encode([new MergeDetect(P3, Packets.Ring)], to: null));
        Assert.Contains("from p3", error.Message);
    }

    [Fact]
    public void A_datagram_dropped_for_another_reason_uses_up_no_counter()
    {
        // An authentic datagram whose body does not unpack, then a good one under the same counter.
        using var seal = new Authentication(Wires.Security(WireSecurityMode.HmacSha256));
        using var receiver = Wires.Make(WireSecurityMode.HmacSha256, self: P2);
        var detect = PacketCodec.Encode(Packets.Detect());
        byte[] good = [(byte)(detect.Length >> 8), (byte)detect.Length, .. detect];
        byte[] cut = good[..^1];

        Assert.Empty(receiver.Decode(Datagrams.Write(seal, Wires.Cluster, DatagramKind.Packets, P1, 1, 9, null, cut)));
        Assert.Empty(receiver.Decode(Datagrams.Write(seal, Wires.Cluster, DatagramKind.Packets, P1, 1, 9, P3, good)));
        Assert.Single(receiver.Decode(Datagrams.Write(seal, Wires.Cluster, DatagramKind.Packets, P1, 1, 9, null, good)));
        Assert.Equal(1, receiver.Counters.Malformed);
        Assert.Equal(1, receiver.Counters.Misaddressed);
        Assert.Equal(1, receiver.Accepted);
    }

    [Fact]
    public void A_sender_or_destination_that_is_no_process_identifier_is_malformed()
    {
        using var seal = new Authentication(Wires.Security(WireSecurityMode.HmacSha256));
        using var receiver = Wires.Make(WireSecurityMode.HmacSha256, self: P2);
        var good = Datagrams.Write(seal, Wires.Cluster, DatagramKind.Packets, P1, 1, 1, P2, [0, 1, 5]);
        int senderAt = 8 + Wires.Cluster.Length + 1, destinationAt = senderAt + P1.Name.Length + 16 + 1;
        foreach (int at in new[] { senderAt, destinationAt })
        {
            var bad = good[..^Authentication.HmacLength];
            bad[at] = (byte)'!';
            int headerLength = DatagramHeader.LengthOf(bad)!.Value;
            Assert.Empty(receiver.Decode(seal.Seal(bad.AsSpan(0, headerLength), bad.AsSpan(headerLength))));
        }
        Assert.Equal(2, receiver.Counters.Malformed);
    }
}
