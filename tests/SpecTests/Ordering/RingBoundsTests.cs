// Issue #13, item 3, on one ring: "the receive buffer and the retransmission requests are windows
// around the token's sequence", a token is taken only from the predecessor, and a process that
// keeps being told of messages it never receives gives the ring up (Corosync's fail_recv_const).
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Xunit;

namespace SpecTests.Ordering;

public sealed class RingBoundsTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");
    private static readonly RingId Ring1 = new(1, P1);
    private static readonly Configuration Three = Configuration.Regular(Ring1, [P1, P2, P3]);

    private static RegularMessage Message(long seq) =>
        new(P1, Ring1, seq, new MessageId($"m{seq}"), P1, DeliveryService.Agreed, []);

    private static Token Token(long tokenSeq, long seq, long aru, params long[] requests) =>
        new(P1, Ring1, tokenSeq, seq, aru, AruSetter: null, [.. requests], FlowControlCount: 0);

    [Fact]
    public void The_receive_buffer_takes_no_ordinal_more_than_its_lead_ahead_of_the_token_and_only_the_token_moves_it()
    {
        var drops = new PacketDrops();
        var buffer = new ReceiveBuffer(lead: 10, drops);
        Assert.Equal(Receipt.Held, buffer.Add(Message(10)));
        Assert.Equal(Receipt.BeyondWindow, buffer.Add(Message(11)));
        Assert.Equal(1, drops.OutOfBounds);

        buffer.SawToken(seq: 5);
        Assert.Equal(Receipt.Held, buffer.Add(Message(15)));
        Assert.Equal(Receipt.BeyondWindow, buffer.Add(Message(16))); // a held message, however high, does not move it
        Assert.Equal(15, buffer.HighestSeen);
    }

    [Fact]
    public void Retransmission_requests_are_kept_only_for_ordinals_some_member_may_still_lack_once_each_lowest_first_and_at_most_the_limit()
    {
        Assert.Equal([6L, 7, 9], RetransmissionRequests.Window([9, 7, 6, 7, 5, -3, 11, 1_000_000], receivedByAll: 5, seq: 10, limit: 200).ToArray());
        Assert.Equal([6L, 7], RetransmissionRequests.Window([9, 7, 6], receivedByAll: 5, seq: 10, limit: 2).ToArray());
        ImmutableArray<long> correct = [3, 4, 8];
        Assert.Equal([3L, 4, 8], RetransmissionRequests.Window(correct, receivedByAll: 2, seq: 8, limit: 3).ToArray()); // what a correct token carries stays as it is
    }

    [Fact]
    public void A_ring_takes_its_token_from_the_member_before_it_and_a_ring_of_one_from_itself()
    {
        Assert.Equal(P3, new TotemRing(P1, Ring1, Three, TotemSettings.Simulation).Predecessor);
        Assert.Equal(P1, new TotemRing(P2, Ring1, Three, TotemSettings.Simulation).Predecessor);
        var alone = new RingId(1, P2);
        Assert.Equal(P2, new TotemRing(P2, alone, Configuration.Regular(alone, [P2]), TotemSettings.Simulation).Predecessor);
    }

    [Fact]
    public void A_token_beyond_its_bounds_is_dropped_and_counted_and_the_next_correct_one_is_taken()
    {
        var ring = new TotemRing(P2, Ring1, Three, TotemSettings.Simulation);
        Assert.False(ring.Accept(Token(tokenSeq: 1, seq: 1_000_000, aru: 0), []));
        Assert.Equal(1, ring.Drops.OutOfBounds);
        Assert.Equal(0, ring.Visits);
        Assert.True(ring.Accept(Token(tokenSeq: 1, seq: 0, aru: 0), []));
    }

    [Fact]
    public void A_process_that_is_told_of_messages_it_never_receives_fails_to_receive_after_as_many_visits_as_the_settings_say()
    {
        var settings = TotemSettings.Simulation with { FailToReceiveRotations = 5 };
        var ring = new TotemRing(P2, Ring1, Three, settings);
        ring.Receive(Message(1), []);
        long tokenSeq = 1;
        bool Visit(long seq)
        {
            var token = Token(tokenSeq, seq, aru: 1, 2, 3);
            tokenSeq += 3;
            if (!ring.Accept(token, [])) return false;
            ring.PassOn(token, new Queue<RegularMessage>(), new Queue<PendingMessage>(), []);
            return true;
        }

        Assert.True(Visit(seq: 3)); // its aru moved from 0 to 1: it received something
        for (int n = 1; n < 5; n++) Assert.True(Visit(seq: 3), $"visit {n} without receiving");
        Assert.False(Visit(seq: 3));
        Assert.True(ring.FailedToReceive);
        Assert.Equal(1, ring.Counters.FailuresToReceive);
    }

    [Fact]
    public void Neither_an_idle_ring_nor_one_that_receives_fails_to_receive()
    {
        var settings = TotemSettings.Simulation with { FailToReceiveRotations = 3 };
        var idle = new TotemRing(P2, Ring1, Three, settings);
        var busy = new TotemRing(P2, Ring1, Three, settings);
        for (long visit = 0; visit < 10; visit++)
        {
            var quiet = Token(1 + 3 * visit, seq: 0, aru: 0);
            Assert.True(idle.Accept(quiet, []));
            idle.PassOn(quiet, new Queue<RegularMessage>(), new Queue<PendingMessage>(), []);

            busy.Receive(Message(visit + 1), []);
            var working = Token(1 + 3 * visit, seq: visit + 2, aru: visit, visit + 2);
            Assert.True(busy.Accept(working, []));
            busy.PassOn(working, new Queue<RegularMessage>(), new Queue<PendingMessage>(), []);
        }
        Assert.False(idle.FailedToReceive);
        Assert.False(busy.FailedToReceive);
    }
}
