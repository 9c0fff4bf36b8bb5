// docs/TRACE.md: a checker judges the liveness-like specifications (2.1, 3, 4, 7.1, 7.2) on the last
// configuration only when the header says the run settled ("quiescent": true).
using Evs.Reference.Checking;
using Evs.Reference.Tracing;
using Xunit;

namespace SpecTests.Checking;

public class QuiescenceTests
{
    private static EvsTrace CutMidRun(bool quiescent)
    {
        var trace = TraceFiles.Read("legal", "non-quiescent-cut-mid-run.jsonl");
        return trace with { Header = trace.Header with { Quiescent = quiescent } };
    }

    [Fact]
    public void A_run_cut_mid_way_is_not_judged_on_its_unfinished_last_configuration()
    {
        Assert.True(SpecificationChecker.Check(CutMidRun(quiescent: false)).AllPassed);
    }

    [Fact]
    public void The_same_events_claimed_quiescent_break_self_delivery_failure_atomicity_and_safe_delivery()
    {
        // p2 has not delivered its own message (3); p1 and p2 end in R1.p1 with different
        // deliveries (4); p3 has not delivered the safe message p1 and p2 delivered (7.1).
        Assert.Equal(["3", "4", "7.1"], SpecificationChecker.Check(CutMidRun(quiescent: true)).FailedSpecs);
    }

    [Fact]
    public void Spec_2_1_is_judged_only_on_a_quiescent_trace()
    {
        var trace = TraceFiles.Read("illegal", "spec-2.1-member-never-installs.jsonl");
        Assert.False(SpecificationChecker.Check(trace)["2.1"].Passed);
        Assert.True(SpecificationChecker.Check(trace with { Header = trace.Header with { Quiescent = false } })["2.1"].Passed);
    }

    [Fact]
    public void Spec_7_1_is_judged_on_a_non_quiescent_trace_once_the_member_has_left_the_configuration()
    {
        // In this trace r has moved on to its own configuration without the safe message.
        var trace = TraceFiles.Read("illegal", "spec-7.1-safe-not-delivered-by-member.jsonl");
        Assert.False(trace.Header.Quiescent);
        Assert.False(SpecificationChecker.Check(trace)["7.1"].Passed);
    }
}
