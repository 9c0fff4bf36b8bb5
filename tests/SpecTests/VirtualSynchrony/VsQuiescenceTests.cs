// docs/VS-TRACE.md: "A checker applies the completeness conditions that depend on the end of the
// run (C2, C3) only when quiescent is true, after the extend mechanism."
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.VirtualSynchrony;
using Xunit;

namespace SpecTests.VirtualSynchrony;

public class VsQuiescenceTests
{
    private static VsTrace CutMidRun(bool quiescent)
    {
        var trace = VsTraceFiles.Read("legal", "non-quiescent-cut-mid-run.jsonl");
        return trace with { Header = trace.Header with { Quiescent = quiescent } };
    }

    [Fact]
    public void A_run_cut_mid_way_is_not_judged_on_C2_and_C3()
    {
        Assert.True(VirtualSynchronyChecker.Check(CutMidRun(quiescent: false)).AllPassed);
    }

    [Fact]
    public void The_same_events_claimed_quiescent_break_C2_and_C3()
    {
        // r's message is delivered by nobody (C2); p's, delivered by p and q, never by r (C3).
        Assert.Equal(["C2", "C3"], VirtualSynchronyChecker.Check(CutMidRun(quiescent: true)).FailedSpecs);
    }

    [Theory]
    [InlineData("C2-sent-but-never-delivered.jsonl", "C2")]
    [InlineData("C3-member-never-delivers.jsonl", "C3")]
    public void A_completeness_violation_is_not_judged_when_the_run_is_not_quiescent(string file, string condition)
    {
        var trace = VsTraceFiles.Read("illegal", file);
        Assert.False(VirtualSynchronyChecker.Check(trace)[condition].Passed);
        Assert.True(VirtualSynchronyChecker.Check(trace with { Header = trace.Header with { Quiescent = false } })[condition].Passed);
    }
}
