// The virtual synchrony checker on long runs: a long legal history is judged legal, and one swapped
// pair of abcast deliveries in it is still found. How fast it is, is for benchmarks to measure,
// not a unit test, which would only measure the machine it runs on.
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.VirtualSynchrony;
using Xunit;

namespace SpecTests.VirtualSynchrony;

public class VsScaleTests
{
    private const int Events = 300_000;

    [Fact]
    public void A_long_legal_history_with_a_failure_and_a_recovery_is_judged_legal()
    {
        var trace = LargeVsTrace.Generate(Events);
        Assert.InRange(trace.Events.Count, Events * 9 / 10, Events);
        var extended = Extend.Apply(trace);
        Assert.Equal(3, extended.Imputed.Count);
        Assert.Single(extended.Excluded);
        var report = VirtualSynchronyChecker.Check(trace);
        Assert.True(report.AllPassed, report.ToString());
    }

    [Fact]
    public void A_long_history_with_two_abcast_deliveries_swapped_at_one_process_breaks_L5()
    {
        var trace = LargeVsTrace.Generate(Events);
        var events = trace.Events.ToList();
        // The last two consecutive deliveries of p2, both abcast: swap their places in its local order.
        int a = -1, b = -1;
        for (int k = events.Count - 1; k >= 0 && b < 0; k--)
        {
            if (events[k].Process != "p2") continue;
            if (events[k] is VsDeliver { Service: VsService.Abcast } && a >= 0 && events[a].Index == events[k].Index + 1) b = k;
            else a = events[k] is VsDeliver { Service: VsService.Abcast } ? k : -1;
        }
        Assert.True(b >= 0, "the generated history has two consecutive abcast deliveries at p2");
        (events[a], events[b]) = (events[b] with { Index = events[a].Index }, events[a] with { Index = events[b].Index });

        var report = VirtualSynchronyChecker.Check(trace with { Events = events });

        Assert.Equal(["L5"], report.FailedSpecs);
        var witnesses = report["L5"].Violation!.Events.Select(e => e.ToString()).ToList();
        Assert.Contains($"p2#{events[a].Index}", witnesses);
        Assert.Contains($"p2#{events[b].Index}", witnesses);
    }
}
