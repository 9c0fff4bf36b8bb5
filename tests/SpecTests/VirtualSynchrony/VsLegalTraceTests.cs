// The paper, Section 4: a history is acceptable when some history in Extend(H) is complete (C1-C3)
// and legal (L1-L5). Every legal hand-written VS trace is, including the ones that need Extend.
using Evs.Reference.Checking.VirtualSynchrony;
using Xunit;

namespace SpecTests.VirtualSynchrony;

public class VsLegalTraceTests
{
    public static TheoryData<string> Legal => VsTraceFiles.Names("legal");

    [Theory]
    [MemberData(nameof(Legal))]
    public void A_legal_trace_satisfies_every_condition(string name)
    {
        var report = VsTraceFiles.Check("legal", name);
        Assert.True(report.AllPassed, report.ToString());
        Assert.Equal(VirtualSynchronyChecker.ConditionNames, report.Verdicts.Select(v => v.Spec));
    }

    [Fact]
    public void The_checker_names_the_eight_conditions_in_the_papers_order()
    {
        Assert.Equal(["C1", "C2", "C3", "L1", "L2", "L3", "L4", "L5"], VirtualSynchronyChecker.ConditionNames);
    }

    [Fact]
    public void A_process_merged_one_at_a_time_installs_only_the_views_that_list_it()
    {
        var trace = VsTraceFiles.Read("legal", "merged-one-process-at-a-time.jsonl");
        string[] ViewsOf(string p) => [.. trace.Events.OfType<Evs.Reference.VirtualSynchrony.ViewChange>().Where(v => v.Process == p).Select(v => v.View)];
        Assert.Equal(["R1.p1#0", "R5.p1#0", "R5.p1#1", "R5.p1#2"], ViewsOf("p1"));
        Assert.Equal(["R5.p1#1", "R5.p1#2"], ViewsOf("p4"));
        Assert.Equal(["R5.p1#2"], ViewsOf("p5"));
        Assert.True(VirtualSynchronyChecker.Check(trace).AllPassed);
    }

    [Fact]
    public void A_recovered_process_is_a_new_process_under_a_new_id()
    {
        var trace = VsTraceFiles.Read("legal", "recovered-process-under-a-new-id.jsonl");
        Assert.IsType<Evs.Reference.VirtualSynchrony.Stop>(trace.Events.Where(e => e.Process == "q").MaxBy(e => e.Index));
        Assert.Contains(trace.Events, e => e.Process == "q~1");
        Assert.True(VirtualSynchronyChecker.Check(trace).AllPassed);
    }
}
