// `evs liveness`: the membership's termination, measured. Runs a scenario for many seeds and
// reports, over every partition, heal, crash and recovery, the virtual time until every live
// process is in a regular configuration of exactly the processes it can reach (median, p99,
// max) and how many regular configurations were formed on the way. A run that never settles
// is a failure, reported with its seed.
using System.CommandLine;
using Evs.Reference.Simulation;
using Evs.Runtime.Files;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class LivenessCommand
{
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

    private static void Print(List<ConvergenceSample> samples)
    {
        var converged = samples.Where(s => s.ConvergedAfterMs is not null).ToList();
        var afterLast = converged.Where(s => s.Change.StartsWith("stop", StringComparison.Ordinal)).ToList();
        var table = new Table().AddColumns("after", "n", "virtual ms: median / p99 / max", "configurations: median / p99 / max");
        AddRow(table, "any change (next one later)", converged);
        AddRow(table, "the last (stop)", afterLast);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{samples.Count} changes of the world: {converged.Count} followed by the right configuration everywhere, {samples.Count - converged.Count} overtaken by the next change first");
    }

    private static void AddRow(Table table, string label, List<ConvergenceSample> samples)
    {
        if (samples.Count == 0) return;
        var times = samples.Select(s => s.ConvergedAfterMs!.Value).Order().ToList();
        var rounds = samples.Select(s => (double)s.RegularConfigurations).Order().ToList();
        table.AddRow(label, $"{samples.Count}",
            $"{Percentile(times, 0.5):N0} / {Percentile(times, 0.99):N0} / {times[^1]:N0}",
            $"{Percentile(rounds, 0.5):N0} / {Percentile(rounds, 0.99):N0} / {rounds[^1]:N0}");
    }

    // Nearest-rank percentile of sorted values.
    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
