// The checker is linear (no transitive closure), so a long run is judged in seconds. The
// figure for a million events is measured by running this class with EVS_SCALE_EVENTS=1000000.
using System.Diagnostics;
using Evs.Reference.Checking;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Checking;

public class ScaleTests(ITestOutputHelper output)
{
    [Fact]
    public void A_long_legal_run_is_checked_in_seconds()
    {
        int events = int.TryParse(Environment.GetEnvironmentVariable("EVS_SCALE_EVENTS"), out int n) ? n : 200_000;
        var trace = LargeTrace.Steady(processes: 5, events);
        var clock = Stopwatch.StartNew();
        var report = SpecificationChecker.Check(trace);
        clock.Stop();
        output.WriteLine($"{trace.Events.Count} events checked in {clock.Elapsed.TotalSeconds:F2} s");
        Assert.True(report.AllPassed, report.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(events / 20_000.0), $"{trace.Events.Count} events took {clock.Elapsed}");
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
