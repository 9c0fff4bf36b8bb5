// `evs liveness`: the membership's termination, measured. Runs a scenario for many seeds and
// reports, for each change of the world (partition, heal, directed link faults, loss, crash,
// recovery, stop), the virtual time until the membership settled (Liveness: every live process in
// a configuration whose members all hear each other both ways, and nothing installed after it),
// median, p99 and max, and how many regular configurations were formed on the way. A run that
// never becomes quiescent is a failure, reported with its seed.
using System.CommandLine;
using Evs.Reference.Simulation;
using Evs.Runtime.Files;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class LivenessCommand
{
    // More kinds of change than this (churn's many partitions) are shown together only.
    private const int MostKindsShown = 12;

    // A change followed by another this soon is a flap, shown apart from the changes followed by a rest.
    private const double BurstMs = 2000;

    public static Command Create()
    {
        var scenario = new Option<string>("--scenario") { Description = "A built-in scenario or a scenario file.", DefaultValueFactory = _ => "churn" };
        var runs = new Option<int>("--runs") { Description = "How many seeds to run.", DefaultValueFactory = _ => 50 };
        var firstSeed = new Option<long>("--first-seed") { Description = "The first seed; the others follow it.", DefaultValueFactory = _ => 1 };
        var command = new Command("liveness", "Measure how fast the membership follows partitions, heals, crashes and recoveries, over many seeds.") { scenario, runs, firstSeed };
        command.SetAction(parse =>
        {
            Scenario loaded;
            try
            {
                loaded = ScenarioFiles.Load(parse.GetValue(scenario)!);
            }
            catch (ScenarioException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]bad scenario:[/] {ex.Message}");
                return ExitCodes.BadInput;
            }
            var samples = new List<ConvergenceSample>();
            var unsettled = new List<long>();
            long first = parse.GetValue(firstSeed);
            int count = parse.GetValue(runs);
            ProgressDisplay.Show(display =>
            {
                var done = display.Count($"{loaded.Name}: run", count);
                for (long seed = first; seed < first + count; seed++)
                {
                    var result = Simulator.Run(loaded, new SimulationOptions(seed));
                    if (!result.Summary.Quiescent) unsettled.Add(seed);
                    samples.AddRange(Liveness.Measure(loaded, result.Trace, result.StepsHappenedAt));
                    done.Increment();
                }
            });
            Print(samples);
            foreach (var seed in unsettled)
                AnsiConsole.MarkupLineInterpolated($"[red]seed {seed} never became quiescent[/]: evs sim --scenario {parse.GetValue(scenario)} --seed {seed}");
            return unsettled.Count == 0 ? ExitCodes.Ok : ExitCodes.Violation;
        });
        return command;
    }

    // A row per kind of change, in the order the scenario first makes it (when there are few kinds),
    // a change followed by another within a short while (a flap) apart from one followed by a rest;
    // then the last change and every change together.
    private static void Print(List<ConvergenceSample> samples)
    {
        var table = new Table().AddColumns("after", "n", "settled", "virtual ms to settle (median / p99 / max)", "configurations on the way (median / p99 / max)", "of them, rings re-formed of the same members");
        var kinds = samples.GroupBy(s => s.NextChangeAfterMs < BurstMs ? $"{s.Change}, in a burst (next change within {BurstMs / 1000:N0} s)" : s.Change).ToList();
        if (kinds.Count <= MostKindsShown)
            foreach (var change in kinds)
                AddRow(table, Markup.Escape(change.Key), change.ToList());
        else
            AddRow(table, "the last (stop)", samples.Where(s => s.Change.StartsWith("stop", StringComparison.Ordinal)).ToList());
        AddRow(table, "[bold]every change[/]", samples);
        AnsiConsole.Write(table);
        int settled = samples.Count(s => s.ConvergedAfterMs is not null);
        AnsiConsole.MarkupLineInterpolated($"{samples.Count} changes of the world. Settled: every live process in a configuration whose members all hear each other both ways, no two of which could be one, and nothing installed after it until the next change. After {settled} the membership settled; after the {samples.Count - settled} others, the next change came first.");
    }

    private static void AddRow(Table table, string label, List<ConvergenceSample> samples)
    {
        var settled = samples.Where(s => s.ConvergedAfterMs is not null).ToList();
        if (settled.Count == 0)
        {
            table.AddRow(label, $"{samples.Count}", "0", "-", "-", "-");
            return;
        }
        table.AddRow(label, $"{samples.Count}", $"{settled.Count}",
            Spread(settled.Select(s => s.ConvergedAfterMs!.Value)),
            Spread(settled.Select(s => (double)s.RegularConfigurations)),
            Spread(settled.Select(s => (double)s.Reformations)));
    }

    private static string Spread(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return $"{Percentile(sorted, 0.5):N0} / {Percentile(sorted, 0.99):N0} / {sorted[^1]:N0}";
    }

    // Nearest-rank percentile of sorted values.
    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
