// The paper, Section 3, Step 5:
//   "5.a. Rebroadcast messages as required by Step 4.b and acknowledge receipt of such messages.
//    b. Continue Step 5.a until all processes in the proposed transitional configuration of this
//    process acknowledge having received all of the rebroadcast messages.
//    c. If during Step 5.a this process acknowledges having received all of the rebroadcast
//    messages, it includes the members of the proposed transitional configuration and their
//    obligation sets in its obligation set."
// And Section 3.2, on Specification 7.1: "If such a process has acknowledged receipt of all of
// the rebroadcast messages, it is possible that some other process may have completed the
// recovery algorithm ... relying on the acknowledgment supplied by this process. The concept of
// obligation ensures that these messages are indeed delivered by all of the processes needed."
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;
using Xunit;
using static SpecTests.Recovery.Inputs;

namespace SpecTests.Recovery;

public class Step5RebroadcastTests
{
    /// <summary>q's part of the new ring {q,r,s,t}, not yet installed, having received these rebroadcasts (by ordinal on the new ring).</summary>
    private static TotemRing NewRingAtQ(params long[] rebroadcastsReceived)
    {
        var ring = new TotemRing(Q, NewRing, Qrst, TotemSettings.Simulation, installed: false);
        foreach (long seq in rebroadcastsReceived)
            ring.Receive(new RecoveredMessage(R, NewRing, seq, Message(seq, P, DeliveryService.Agreed, $"old{seq}")), []);
        return ring;
    }

    private static Token NewRingToken(long tokenSeq, long seq, long aru, long recoverySeq, int backlog) =>
        new(T, NewRing, tokenSeq, seq, aru, AruSetter: null, ImmutableArray<long>.Empty, FlowControlCount: 0, recoverySeq, backlog);

    /// <summary>q's first visit (accepted and forwarded), then its second visit (accepted only); returns the second token.</summary>
    private static Token TwoVisits(TotemRing ring, long seq, long aruOnReturn, int backlog)
    {
        var first = NewRingToken(1, seq, aru: seq, recoverySeq: seq, backlog: 0);
        ring.Accept(first, []);
        ring.PassOn(first, NoRebroadcasts, new Queue<PendingMessage>(), []);
        var second = NewRingToken(5, seq, aru: aruOnReturn, recoverySeq: seq, backlog);
        ring.Accept(second, []);
        return second;
    }

    [Fact]
    public void Step5b_no_more_rebroadcasts_are_known_to_come_before_the_second_visit()
    {
        var ring = NewRingAtQ(1, 2);
        var first = NewRingToken(1, seq: 2, aru: 2, recoverySeq: 2, backlog: 0);
        ring.Accept(first, []);
        Assert.False(Step5Rebroadcast.NoMoreRebroadcasts(first, ring));
        Assert.False(Step5Rebroadcast.AcknowledgesAll(first, ring));
    }

    [Fact]
    public void Step5b_no_more_rebroadcasts_come_once_a_second_visit_finds_an_empty_backlog()
    {
        var ring = NewRingAtQ(1, 2);
        Assert.True(Step5Rebroadcast.NoMoreRebroadcasts(TwoVisits(ring, seq: 2, aruOnReturn: 2, backlog: 0), ring));
    }

    [Fact]
    public void Step5b_a_member_still_holding_rebroadcasts_means_more_will_come()
    {
        var ring = NewRingAtQ(1, 2);
        Assert.False(Step5Rebroadcast.NoMoreRebroadcasts(TwoVisits(ring, seq: 2, aruOnReturn: 2, backlog: 1), ring));
    }

    [Fact]
    public void Step5c_a_process_acknowledges_all_rebroadcasts_once_its_aru_reaches_the_highest_rebroadcast()
    {
        var all = NewRingAtQ(1, 2);
        Assert.True(Step5Rebroadcast.AcknowledgesAll(TwoVisits(all, seq: 2, aruOnReturn: 2, backlog: 0), all));

        var missingTheLast = NewRingAtQ(1);
        Assert.False(Step5Rebroadcast.AcknowledgesAll(TwoVisits(missingTheLast, seq: 2, aruOnReturn: 1, backlog: 0), missingTheLast));
    }

    [Fact]
    public void Step5b_ends_when_every_member_has_received_every_rebroadcast()
    {
        var ring = NewRingAtQ(1, 2);
        var token = TwoVisits(ring, seq: 2, aruOnReturn: 2, backlog: 0);
        Assert.Equal(2, ring.ReceivedByAll);
        Assert.True(Step5Rebroadcast.AllAcknowledged(token, ring));
    }

    [Fact]
    public void Step5b_does_not_end_while_some_member_lacks_a_rebroadcast_that_this_process_holds()
    {
        var ring = NewRingAtQ(1, 2);
        var token = TwoVisits(ring, seq: 2, aruOnReturn: 1, backlog: 0); // someone lowered the aru to 1
        Assert.Equal(1, ring.ReceivedByAll);
        Assert.True(Step5Rebroadcast.AcknowledgesAll(token, ring));
        Assert.False(Step5Rebroadcast.AllAcknowledged(token, ring));
    }

    [Fact]
    public void Step5c_adds_the_transitional_members_and_their_obligation_sets()
    {
        Assert.Equal(Obligations(P, Q, R, S), Obligations(P).Extend([Info(Q), Info(R, obligations: Obligations(S))]));
    }

    [Fact]
    public void Section32_a_process_that_acknowledged_an_interrupted_recovery_keeps_its_obligation_in_the_next_attempt()
    {
        // First attempt: q and r of {p,q,r} recover towards {q,r,s,t}; q acknowledges all the
        // rebroadcasts (so r may install and deliver relying on it), then the attempt fails.
        var obligations = ObligationSet.Empty.Extend([Info(Q), Info(R)]);
        Assert.Equal(Obligations(Q, R), obligations);

        // Next attempt: r is gone; q is alone in its transitional configuration. r's message 3
        // follows the unavailable message 2 of p, and q keeps and delivers it all the same
        // (q had delivered k, message 1, in {p,q,r} already).
        RegularMessage[] held = [Message(1, Q, DeliveryService.Agreed, "k"), Message(3, R, DeliveryService.Agreed, "n")];
        var retry = new RingId(6, Q);
        var qst = Configuration.Regular(retry, [Q, S, T]);

        var obligated = new Step6Delivery(OldRing(Q, held), [Info(Q)], obligations, retry, qst).Perform();
        Assert.Equal(["conf T6.q/R1.p {q}", "n@T6.q/R1.p", "conf R6.q {q,s,t}"], Show(obligated));

        // Without the obligation, r's message would be discarded as possibly depending on 2.
        var free = new Step6Delivery(OldRing(Q, held), [Info(Q)], ObligationSet.Empty, retry, qst).Perform();
        Assert.Equal(["conf T6.q/R1.p {q}", "conf R6.q {q,s,t}"], Show(free));
    }
}
