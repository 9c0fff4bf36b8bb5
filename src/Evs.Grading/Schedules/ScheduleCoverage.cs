// The coverage table over many generated schedules (docs/COVERAGE.md): for each named situation
// (Situation), the share of the schedules whose run went through it. The property tests print it
// over the specification properties' own generator (FaultSchedules.WithFaults) and fail when a
// situation is reached by less than RequiredShare of the schedules (issue #15, item 3: "the
// coverage table of a CI run shows every named situation at 5% or more of the schedules").
using System.Collections.Immutable;
using System.Globalization;
using Evs.Reference.Simulation;

namespace Evs.Grading.Schedules;

/// <summary>How many of the schedules measured reached one situation.</summary>
public sealed record CoverageShare(Situation Situation, int Reached, int Schedules)
{
    /// <summary>The share of the schedules that reached the situation, from 0 to 1.</summary>
    public double Share => Schedules == 0 ? 0 : (double)Reached / Schedules;

    /// <summary>Whether the share is at least <see cref="ScheduleCoverage.RequiredShare"/>.</summary>
    public bool Enough => Share >= ScheduleCoverage.RequiredShare;
}

/// <summary>Measures the named situations over generated schedules.</summary>
public static class ScheduleCoverage
{
    /// <summary>The share of the schedules every situation must reach.</summary>
    public const double RequiredShare = 0.05;

    /// <summary>
    /// What one schedule went through, as the properties run it: every situation in the run the
    /// specifications judge (<see cref="GeneratedScenario.Result"/>'s options, observed), but for
    /// <see cref="Situation.PrimaryComponentLostAndRegained"/>, which needs a primary component
    /// algorithm: that one in the same schedule run with the algorithm the seed picks
    /// (<see cref="GeneratedScenario.FilterAlgorithm"/>), as the primary component properties run it.
    /// </summary>
    public static SimulationCoverage Of(GeneratedScenario run)
    {
        var plain = Simulator.Run(run.Scenario, new SimulationOptions(run.Seed, Coverage: true)).Coverage!;
        var primary = Simulator.Run(run.Scenario, new SimulationOptions(run.Seed, Primary: run.FilterAlgorithm, Coverage: true)).Coverage!;
        var counts = plain.Counts.SetItem(Situation.PrimaryComponentLostAndRegained, primary[Situation.PrimaryComponentLostAndRegained]);
        return new SimulationCoverage(counts, WithPrimaryComponentAlgorithm: true);
    }

    /// <summary>For every situation, how many of <paramref name="schedules"/> reached it.</summary>
    public static ImmutableArray<CoverageShare> Over(IReadOnlyCollection<GeneratedScenario> schedules)
    {
        var reached = Enum.GetValues<Situation>().ToDictionary(s => s, _ => 0);
        foreach (var coverage in schedules.Select(Of))
            foreach (var situation in reached.Keys.Where(coverage.Reached).ToList())
                reached[situation]++;
        return [.. reached.Select(r => new CoverageShare(r.Key, r.Value, schedules.Count))];
    }

    /// <summary>The table as text, one situation a line: its share, its count, and whether it is enough.</summary>
    public static string Table(IEnumerable<CoverageShare> shares)
    {
        var lines = new List<string> { $"{"situation",-40} {"share",7} {"schedules",11}" };
        foreach (var share in shares)
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{share.Situation.ToLabel(),-40} {share.Share,7:P1} {$"{share.Reached}/{share.Schedules}",11}{(share.Enough ? "" : $"  below {RequiredShare:P0}")}"));
        return string.Join("\n", lines);
    }
}
