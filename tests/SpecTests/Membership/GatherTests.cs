// Totem's Gather state (TOCS 1995), which the paper takes as given: "When this process has been
// informed by the underlying membership algorithm of the membership and identifier of a proposed
// new configuration, it commences to perform the following steps" (Section 3). Processes exchange
// join messages until every process of proc_set − fail_set has sent the same two sets; the
// consensus timeout reduces the membership, so that "if the next proposed regular configuration
// is not installed within a bounded time, then the membership of that configuration is reduced"
// (Section 3.2, Termination Property).
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Xunit;

namespace SpecTests.Membership;

public class GatherTests
{
    private static readonly ProcessId A = new("a"), B = new("b"), C = new("c"), D = new("d");

    private static ImmutableSortedSet<ProcessId> Set(params ProcessId[] processes) =>
        ImmutableSortedSet.Create(ProcessId.Ordinal, processes);

    private static JoinMessage Join(ProcessId from, ProcessId[] procs, ProcessId[]? fails = null, long ringSeq = 0) =>
        new(from, new RingId(1, from), Set(procs), Set(fails ?? []), ringSeq);

    private static Gather GatherAt(ProcessId me, GatherReason reason = GatherReason.TokenLoss, params ProcessId[] reachable) =>
        new(me, reachable, reason);

    [Fact]
    public void A_gathering_process_starts_with_itself_and_the_processes_it_believes_reachable()
    {
        var gather = GatherAt(A, GatherReason.ForeignProcess, B);
        Assert.Equal(Set(A, B), gather.ProcSet);
        Assert.Empty(gather.FailSet);
    }

    [Fact]
    public void A_join_grows_the_sets_and_reports_the_change()
    {
        var gather = GatherAt(A);
        Assert.True(gather.OnJoin(Join(B, [B, C], fails: [D])));
        Assert.Equal(Set(A, B, C), gather.ProcSet);
        Assert.Equal(Set(D), gather.FailSet);
    }

    [Fact]
    public void A_join_that_adds_nothing_reports_no_change()
    {
        var gather = GatherAt(A);
        gather.OnJoin(Join(B, [A, B]));
        Assert.False(gather.OnJoin(Join(B, [A, B])));
        Assert.False(gather.OnJoin(Join(B, [B]))); // an older, smaller view adds nothing either
    }

    [Fact]
    public void A_join_from_a_process_in_the_fail_set_is_ignored()
    {
        var gather = GatherAt(A);
        gather.OnJoin(Join(B, [A, B, C], fails: [C]));
        Assert.False(gather.OnJoin(Join(C, [A, B, C, D])));
        Assert.Equal(Set(A, B, C), gather.ProcSet);
        Assert.Equal(Set(C), gather.FailSet);
    }

    [Fact]
    public void A_join_that_lists_this_process_as_failed_puts_its_sender_in_the_fail_set()
    {
        var gather = GatherAt(A, GatherReason.TokenLoss, B);
        Assert.True(gather.OnJoin(Join(B, [A, B, C], fails: [A])));
        Assert.Equal(Set(B), gather.FailSet);
        Assert.Equal(Set(A), gather.Proposed);
    }

    [Fact]
    public void Consensus_requires_every_proposed_member_to_have_sent_exactly_the_same_sets()
    {
        var gather = GatherAt(A);
        gather.OnJoin(Join(B, [A, B, C]));
        Assert.False(gather.HasConsensus); // nothing yet from c

        gather.OnJoin(Join(C, [A, C])); // an older view of c's
        Assert.False(gather.HasConsensus);

        gather.OnJoin(Join(C, [A, B, C]));
        Assert.True(gather.HasConsensus);
    }

    [Fact]
    public void Consensus_requires_the_same_fail_set_too()
    {
        var gather = GatherAt(A);
        gather.OnJoin(Join(B, [A, B, C]));
        gather.OnJoin(Join(C, [A, B, C, D], fails: [D]));
        Assert.Equal(Set(D), gather.FailSet);
        Assert.False(gather.HasConsensus); // b has not yet said that d failed

        gather.OnJoin(Join(B, [A, B, C, D], fails: [D]));
        Assert.True(gather.HasConsensus);
    }

    [Fact]
    public void A_join_from_an_earlier_round_of_its_sender_is_stale_and_ignored()
    {
        var gather = GatherAt(A);
        gather.OnJoin(Join(B, [A, B, C], ringSeq: 7));
        var earlier = Join(B, [A, B, C, D], fails: [C], ringSeq: 6); // before b saw ring 7, it believed c had failed

        Assert.True(gather.IsStale(earlier));
        Assert.False(gather.OnJoin(earlier));
        Assert.Empty(gather.FailSet);
        Assert.Equal(Set(A, B, C), gather.ProcSet);
    }

    [Fact]
    public void A_join_from_earlier_in_the_same_round_is_stale_and_cannot_take_back_its_sender_s_agreement()
    {
        var gather = GatherAt(A);
        gather.OnJoin(Join(B, [A, B], ringSeq: 7));
        Assert.True(gather.HasConsensus);

        var earlier = Join(B, [B], ringSeq: 7); // b's sets only grow within a round: this one came first
        Assert.True(gather.IsStale(earlier));
        Assert.False(gather.Receive(earlier, []));
        Assert.True(gather.HasConsensus);
    }

    [Fact]
    public void The_same_join_again_and_a_later_round_s_join_are_fresh_even_with_smaller_sets()
    {
        var gather = GatherAt(A);
        gather.OnJoin(Join(B, [A, B, C], fails: [C], ringSeq: 7));

        Assert.False(gather.IsStale(Join(B, [A, B, C], fails: [C], ringSeq: 7))); // a copy: nothing new, nothing taken back
        Assert.False(gather.IsStale(Join(B, [A, B], ringSeq: 8)));               // b has seen ring 8 since: a new round
        Assert.False(gather.IsStale(Join(C, [C], ringSeq: 0)));                  // nothing is held from c yet
    }

    [Fact]
    public void A_process_alone_in_its_proposed_configuration_has_consensus()
    {
        Assert.True(GatherAt(A).HasConsensus);
    }

    [Fact]
    public void The_consensus_timeout_fails_exactly_the_members_that_have_not_agreed()
    {
        var gather = GatherAt(A);
        gather.OnJoin(Join(B, [A, B, C, D]));   // b agrees with a
        gather.OnJoin(Join(C, [A, C]));         // c has sent only an older view; d nothing at all
        Assert.Equal(Set(A, B, C, D), gather.ProcSet);

        Assert.True(gather.OnConsensusTimeout());
        Assert.Equal(Set(C, D), gather.FailSet);
        Assert.Equal(Set(A, B), gather.Proposed);
    }

    [Fact]
    public void When_consensus_was_reached_but_no_commit_token_came_the_timeout_fails_the_representative()
    {
        var gather = GatherAt(B);
        gather.OnJoin(Join(A, [A, B, C]));
        gather.OnJoin(Join(C, [A, B, C]));
        Assert.True(gather.HasConsensus);

        Assert.True(gather.OnConsensusTimeout());
        Assert.Equal(Set(A), gather.FailSet);
        Assert.Equal(C, gather.Proposed.Max);
        Assert.Equal(B, gather.Representative);
    }

    [Fact]
    public void The_representative_itself_is_never_put_in_its_own_fail_set()
    {
        var gather = GatherAt(A);
        gather.OnJoin(Join(B, [A, B]));
        Assert.True(gather.HasConsensus);

        Assert.False(gather.OnConsensusTimeout());
        Assert.Empty(gather.FailSet);
    }

    [Fact]
    public void A_just_started_process_is_waiting_until_its_first_consensus_timeout()
    {
        var gather = GatherAt(A, GatherReason.Start);
        gather.OnJoin(Join(B, [A, B, C])); // c silent: no consensus
        Assert.True(gather.Waiting);

        Assert.False(gather.OnConsensusTimeout()); // ends the wait only
        Assert.False(gather.Waiting);
        Assert.Empty(gather.FailSet);

        Assert.True(gather.OnConsensusTimeout());
        Assert.Equal(Set(C), gather.FailSet);
    }

    [Theory]
    [InlineData(GatherReason.TokenLoss)]
    [InlineData(GatherReason.ForeignProcess)]
    [InlineData(GatherReason.JoinReceived)]
    [InlineData(GatherReason.RecoveryInterrupted)]
    [InlineData(GatherReason.Recovered)]
    public void Only_a_start_makes_a_process_wait(GatherReason reason)
    {
        Assert.False(GatherAt(A, reason).Waiting);
    }

    [Fact]
    public void A_started_process_that_knows_whom_to_expect_stops_waiting_once_it_has_heard_all_of_them()
    {
        var gather = new Gather(A, [], GatherReason.Start, new HashSet<ProcessId> { A, B, C });
        Assert.True(gather.Waiting);
        gather.OnJoin(Join(B, [A, B]));
        Assert.True(gather.Waiting, "c has not been heard of yet");
        gather.OnJoin(Join(C, [A, B, C]));
        Assert.False(gather.Waiting);
    }

    [Fact]
    public void A_started_process_that_expects_only_itself_still_waits_for_the_consensus_timeout()
    {
        var gather = new Gather(A, [], GatherReason.Start, new HashSet<ProcessId> { A });
        Assert.True(gather.Waiting, "with no peers configured, nobody it might hear is known: it waits as any start does");
        Assert.False(gather.OnConsensusTimeout());
        Assert.False(gather.Waiting);
    }

    [Fact]
    public void The_representative_is_the_lowest_proposed_identifier()
    {
        ProcessId p1 = new("p1"), p10 = new("p10"), p2 = new("p2");
        var gather = GatherAt(p2, GatherReason.TokenLoss, p10, p1);
        Assert.Equal(p1, gather.Representative);

        gather.OnJoin(Join(p10, [p1, p10, p2], fails: [p1]));
        Assert.Equal(p10, gather.Representative); // ordinal order: "p10" < "p2"
    }

    [Fact]
    public void The_highest_ring_sequence_is_the_maximum_over_the_proposed_members_joins()
    {
        var gather = GatherAt(A);
        gather.OnJoin(Join(B, [A, B, C, D], ringSeq: 7));
        gather.OnJoin(Join(C, [A, B, C, D], ringSeq: 12));
        gather.OnJoin(Join(D, [A, B, C, D], fails: [A], ringSeq: 20)); // d leaves a out: not proposed
        Assert.Equal(Set(A, B, C), gather.Proposed);
        Assert.Equal(12, gather.HighestRingSequence);
    }
}
