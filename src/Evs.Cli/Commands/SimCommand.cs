// `evs sim`: run a scenario (built-in or a file, docs/SCENARIOS.md) in the deterministic simulator
// and write its trace (docs/TRACE.md). The same scenario and seed give the same trace, byte for byte.
// With --coverage it also prints the named situations the run went through (docs/COVERAGE.md).
using System.CommandLine;
using Evs.Reference.Model;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;
using Evs.Runtime.Files;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class SimCommand
{
    public static Command Create()
    {
        var scenario = new Option<string>("--scenario") { Description = $"A built-in scenario ({string.Join(", ", BuiltInScenarios.Names)}) or a scenario file (docs/SCENARIOS.md).", Required = true };
        var seed = new Option<long>("--seed") { Description = "The seed of every random choice of the run.", DefaultValueFactory = _ => 1 };
        var trace = new Option<FileInfo?>("--trace") { Description = "Write the trace (docs/TRACE.md, JSON Lines) to this file." };
        var stopAt = new Option<double?>("--stop-at") { Description = "Move the scenario's stop step to this virtual time in ms (a longer or shorter run)." };
        var primary = PrimaryOption();
        var vsTrace = new Option<FileInfo?>("--vs-trace") { Description = "Put every application behind the virtual synchrony filter (Section 5) and write the filtered history (docs/VS-TRACE.md) to this file; the primary component algorithm is majority unless --primary says otherwise." };
        var coverage = new Option<bool>("--coverage") { Description = "Print the named situations of the recovery algorithm the run went through, and how often (docs/COVERAGE.md)." };
        var command = new Command("sim", "Run a scenario in the deterministic simulator and write its trace.") { scenario, seed, trace, stopAt, primary, vsTrace, coverage };
        command.SetAction(parse =>
        {
            var options = Options(parse.GetValue(seed), parse.GetValue(stopAt), parse.GetValue(primary), filter: parse.GetValue(vsTrace) is not null) with { Coverage = parse.GetValue(coverage) };
            var wall = System.Diagnostics.Stopwatch.StartNew();
            if (LoadAndRun(parse.GetValue(scenario)!, options) is not var (loaded, result))
                return ExitCodes.BadInput;
            var wallTime = wall.Elapsed;
            if (parse.GetValue(trace) is { } file) Write(result.Trace, file.FullName);
            if (parse.GetValue(vsTrace) is { } vsFile) Write(result.VirtualSynchrony!, vsFile.FullName);
            PrintSummary(loaded, parse.GetValue(seed), result, wallTime, parse.GetValue(trace)?.FullName, parse.GetValue(vsTrace)?.FullName);
            if (result.Coverage is { } reached) PrintCoverage(reached);
            return result.Summary.Quiescent ? ExitCodes.Ok : ExitCodes.Violation;
        });
        return command;
    }

    /// <summary>The --primary option: which primary component algorithm the nodes run, if any.</summary>
    public static Option<string?> PrimaryOption()
    {
        var option = new Option<string?>("--primary") { Description = "Run a primary component algorithm and write its decision as \"primary\" on regular configurations." };
        option.AcceptOnlyFromAmong([.. PrimaryComponentAlgorithms.Names]);
        return option;
    }

    /// <summary>
    /// The options of a run; behind the virtual synchrony <paramref name="filter"/>, the primary
    /// component algorithm defaults to majority, the paper's "simple primary component algorithm".
    /// </summary>
    public static SimulationOptions Options(long seed, double? stopAt, string? primary, bool filter) =>
        new(seed, StopAtMs: stopAt, Primary: primary ?? (filter ? "majority" : null), VirtualSynchrony: filter);

    /// <summary>How long a run may take before it shows its progress: most runs end sooner, and need no bar.</summary>
    private static readonly TimeSpan Moment = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Loads a scenario (built-in or file) and runs it, showing its progress in virtual time if it
    /// lasts more than a moment; on a bad or unrunnable scenario prints a clear error (file, line,
    /// step) and returns null, having run nothing.
    /// </summary>
    public static (Scenario Scenario, SimulationResult Result)? LoadAndRun(string nameOrPath, SimulationOptions options)
    {
        try
        {
            var scenario = ScenarioFiles.Load(nameOrPath);
            var result = ProgressDisplay.Show(display =>
            {
                var virtualTime = display.Count("virtual time", options.StopAtMs ?? scenario.Stop.At, " ms");
                return Simulator.Run(scenario, options, virtualTime.Set);
            }, after: Moment);
            return (scenario, result);
        }
        catch (ScenarioException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]bad scenario:[/] {ex.Message}");
            return null;
        }
    }

    public static void Write(EvsTrace trace, string path)
    {
        using var writer = new TraceWriter(File.Create(path));
        writer.WriteHeader(trace.Header);
        foreach (var e in trace.Events) writer.Write(e);
    }

    public static void Write(VsTrace trace, string path)
    {
        using var writer = new VsTraceWriter(File.Create(path));
        writer.WriteHeader(trace.Header);
        foreach (var e in trace.Events) writer.Write(e);
    }

    // One row per named situation: whether the run reached it, and how many times.
    private static void PrintCoverage(SimulationCoverage coverage)
    {
        var table = new Table().Title("situations the run went through (docs/COVERAGE.md)").AddColumns("situation", "reached");
        foreach (var situation in Enum.GetValues<Situation>())
            table.AddRow(situation.ToLabel(), Reached(coverage, situation));
        AnsiConsole.Write(table);
    }

    private static string Reached(SimulationCoverage coverage, Situation situation) =>
        !coverage.Applies(situation) ? "n/a (--primary)"
        : coverage[situation] switch
        {
            0 => "no",
            1 => "yes, once",
            var n => $"yes, {n} times",
        };

    private static void PrintSummary(Scenario scenario, long seed, SimulationResult result, TimeSpan wall, string? tracePath, string? vsTracePath)
    {
        var s = result.Summary;
        var table = new Table().Title($"{scenario.Name}, seed {seed}").AddColumns("", "causal", "agreed", "safe", "all");
        string Row(IReadOnlyDictionary<DeliveryService, long> counts, DeliveryService? svc) =>
            (svc is { } x ? counts.GetValueOrDefault(x) : counts.Values.Sum()).ToString("N0");
        foreach (var (label, counts) in new[] { ("sent", s.Sent), ("delivered", s.Delivered) })
            table.AddRow(label, Row(counts, DeliveryService.Causal), Row(counts, DeliveryService.Agreed), Row(counts, DeliveryService.Safe), Row(counts, null));
        AnsiConsole.Write(table);
        double wallSeconds = Math.Max(wall.TotalSeconds, 1e-9);
        AnsiConsole.MarkupLineInterpolated($"processes {scenario.Processes.Length}, configurations {s.Configurations}, quiescent {s.Quiescent}");
        AnsiConsole.MarkupLineInterpolated($"virtual time {s.VirtualMs:N1} ms, wall time {wall.TotalMilliseconds:N0} ms, {s.Delivered.Values.Sum() / wallSeconds:N0} simulated deliveries per wall second");
        AnsiConsole.MarkupLineInterpolated($"packets {s.PacketsSent:N0} sent, {s.PacketsLost:N0} lost, {s.PacketsDuplicated:N0} duplicated; {s.Retransmissions:N0} retransmissions, {s.TokenRetransmissions:N0} token retransmissions, {s.Ordering.TokenHolds:N0} idle tokens held");
        if (scenario.Adversary is { } adversary)
            AnsiConsole.MarkupLineInterpolated($"adversary ({adversary}): {s.PacketsInjected:N0} packets injected that reached a live process");
        if (tracePath is not null) AnsiConsole.MarkupLineInterpolated($"trace: {tracePath} ({result.Trace.Events.Count:N0} events)");
        if (result.VirtualSynchrony is { } vs)
        {
            AnsiConsole.MarkupLineInterpolated($"virtual synchrony filter: {vs.Events.OfType<ViewChange>().Select(v => v.View).Distinct().Count():N0} views, {s.SendsRefusedByFilter:N0} sends refused outside the primary component (rule 2)");
            if (vsTracePath is not null) AnsiConsole.MarkupLineInterpolated($"virtual synchrony trace: {vsTracePath} ({vs.Events.Count:N0} events)");
        }
    }
}
