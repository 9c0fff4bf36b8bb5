// The checker on long runs: a long legal history is judged legal, and one swapped delivery in
// it is still found. How fast it is, is measured by the benchmarks (benchmarks/Evs.Benchmarks),
// not here: a timed unit test would only measure the machine it runs on.
using Evs.Reference.Checking;
using Xunit;

namespace SpecTests.Checking;

public class ScaleTests
{
    [Fact]
    public void A_long_legal_run_is_judged_legal()
    {
        var trace = LargeTrace.Steady(processes: 5, 200_000);
        var report = SpecificationChecker.Check(trace);
        Assert.True(report.AllPassed, report.ToString());
    }

    [Fact]
    public void A_long_run_with_one_late_message_out_of_order_is_caught()
    {
        var trace = LargeTrace.Steady(processes: 5, 60_000);
        // Swap two consecutive deliveries at the last process: its total order now disagrees.
        var events = trace.Events.ToList();
        int a = events.FindLastIndex(e => e is Evs.Reference.Model.Deliver { Process.Name: "p5" });
        int b = events.FindLastIndex(a - 1, e => e is Evs.Reference.Model.Deliver { Process.Name: "p5" });
        (events[a], events[b]) = (events[b] with { Index = events[a].Index }, events[a] with { Index = events[b].Index });
        var report = SpecificationChecker.Check(trace with { Events = events });
        Assert.Contains("6.2", report.FailedSpecs);
    }
}
