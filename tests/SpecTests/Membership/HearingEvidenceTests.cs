// Membership/HearingEvidence: over links that may work one way only, a process heard during a round
// of Gather that ended without it is unanswered, and its packets start a merge only on evidence,
// from reports, that every member of the two rings hears every member of the other.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Xunit;

namespace SpecTests.Membership;

public class HearingEvidenceTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3"), P4 = new("p4");
    private static readonly RingId Ring1 = new(5, P1), Ring3 = new(6, P3);

    private static ImmutableSortedSet<ProcessId> Set(params ProcessId[] ps) => ImmutableSortedSet.CreateRange(ProcessId.Ordinal, ps);

    private static HearingReport Report(ProcessId sender, RingId ring, ProcessId[] members, params ProcessId[] heard) =>
        new(sender, ring, [.. members], Set(heard));

    // p1 in a ring with p2, having heard p3 and p4 in a round that ended without them.
    private static HearingEvidence P1LeftP3AndP4Out()
    {
        var evidence = new HearingEvidence(P1);
        evidence.RoundBegins();
        foreach (var p in new[] { P2, P3, P4 }) evidence.Heard(p);
        Assert.True(evidence.Installed([P1, P2]));
        return evidence;
    }

    [Fact]
    public void A_process_heard_in_a_round_that_ended_without_it_is_unanswered_and_the_members_are_answered()
    {
        var evidence = P1LeftP3AndP4Out();
        Assert.Equal([P3, P4], evidence.Unanswered);
        evidence.RoundBegins();
        evidence.Heard(P3);
        evidence.Heard(P4);
        Assert.True(evidence.Installed([P1, P2, P3]));
        Assert.Equal([P4], evidence.Unanswered);
    }

    [Fact]
    public void A_process_not_unanswered_may_start_a_merge_as_in_Totem()
    {
        var evidence = new HearingEvidence(P1);
        Assert.False(evidence.Installed([P1, P2]));
        Assert.True(evidence.MayMergeWith(P3, [P1, P2]));
    }

    [Fact]
    public void An_unanswered_process_starts_no_merge_without_its_report()
    {
        var evidence = P1LeftP3AndP4Out();
        evidence.Heard(P3);
        Assert.False(evidence.MayMergeWith(P3, [P1, P2]));
    }

    [Fact]
    public void An_unanswered_process_starts_a_merge_when_every_member_of_each_ring_hears_every_member_of_the_other()
    {
        var evidence = P1LeftP3AndP4Out();
        evidence.Heard(P3);
        evidence.Heard(P4);
        evidence.OnReport(Report(P3, Ring3, [P3, P4], P1, P2));
        evidence.OnReport(Report(P4, Ring3, [P3, P4], P1, P2));
        evidence.OnReport(Report(P2, Ring1, [P1, P2], P3, P4));
        Assert.True(evidence.MayMergeWith(P3, [P1, P2]));
    }

    [Theory]
    [InlineData("p2 does not hear p4")]
    [InlineData("p4 does not hear p1")]
    [InlineData("p1 does not hear p4")]
    [InlineData("no report from p2")]
    public void An_unanswered_process_starts_no_merge_while_one_pair_of_the_two_rings_is_not_heard_both_ways(string missing)
    {
        var evidence = P1LeftP3AndP4Out();
        for (int period = 0; period < 5; period++)
        {
            evidence.Heard(P3);
            if (missing != "p1 does not hear p4") evidence.Heard(P4);
            evidence.OnReportTimer(Ring1, [P1, P2], []);
        }
        evidence.OnReport(Report(P3, Ring3, [P3, P4], P1, P2));
        evidence.OnReport(missing == "p4 does not hear p1" ? Report(P4, Ring3, [P3, P4], P2) : Report(P4, Ring3, [P3, P4], P1, P2));
        if (missing != "no report from p2")
            evidence.OnReport(missing == "p2 does not hear p4" ? Report(P2, Ring1, [P1, P2], P3) : Report(P2, Ring1, [P1, P2], P3, P4));
        Assert.False(evidence.MayMergeWith(P3, [P1, P2]));
    }

    [Fact]
    public void Reports_go_out_every_period_while_someone_is_unanswered_naming_whom_this_process_heard_outside_its_ring()
    {
        var evidence = P1LeftP3AndP4Out();
        evidence.Heard(P2);
        evidence.Heard(P3);
        var outputs = new List<NodeOutput>();
        Assert.True(evidence.OnReportTimer(Ring1, [P1, P2], outputs));
        var report = Assert.IsType<HearingReport>(Assert.IsType<Broadcast>(Assert.Single(outputs)).Packet);
        Assert.Equal(P1, report.Sender);
        Assert.Equal<ProcessId>([P1, P2], report.Members);
        Assert.Equal<ProcessId>([P3, P4], report.Heard);
    }

    [Fact]
    public void A_process_not_heard_for_a_while_is_no_longer_unanswered_and_the_reports_stop()
    {
        var evidence = P1LeftP3AndP4Out();
        var outputs = new List<NodeOutput>();
        bool reporting = true;
        for (int period = 0; period < 10 && reporting; period++)
        {
            evidence.Heard(P3);
            reporting = evidence.OnReportTimer(Ring1, [P1, P2], outputs);
        }
        Assert.Equal([P3], evidence.Unanswered);
        for (int period = 0; period < 10 && reporting; period++)
            reporting = evidence.OnReportTimer(Ring1, [P1, P2], outputs);
        Assert.False(reporting);
        Assert.Empty(evidence.Unanswered);
    }
}
