// `evs demo`: the main job in one command — a short run in the simulator, drawn as a delivery
// diagram (one column per process, one row per logical event), then the checker's verdicts.
using System.CommandLine;
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using Evs.Reference.Visualization;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var scenario = new Option<string>("--scenario") { Description = "The scenario to run: built-in name or file.", DefaultValueFactory = _ => "steady" };
        var seed = new Option<long>("--seed") { Description = "The seed of the run.", DefaultValueFactory = _ => 1 };
        var stopAt = new Option<double?>("--stop-at") { Description = "Stop the traffic at this virtual time in ms (the demo's default keeps the diagram short).", DefaultValueFactory = _ => 60 };
        var command = new Command("demo", "Run a short scenario in the simulator, print its delivery diagram and the verdict on every specification.") { scenario, seed, stopAt };
        command.SetAction(parse =>
        {
            if (SimCommand.LoadAndRun(parse.GetValue(scenario)!, new SimulationOptions(parse.GetValue(seed), StopAtMs: parse.GetValue(stopAt))) is not var (loaded, result))
                return ExitCodes.BadInput;
            AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(loaded.Name)}[/], seed {parse.GetValue(seed)}: who delivered what, in which configuration").LeftJustified());
            AnsiConsole.Write(Diagram(DeliveryDiagram.Of(result.Trace)));
            var report = SpecificationChecker.Check(result.Trace);
            AnsiConsole.Write(Verdicts(report, result.Trace.Header.Quiescent));
            return report.AllPassed ? ExitCodes.Ok : ExitCodes.Violation;
        });
        return command;
    }

    private static Table Diagram(DeliveryDiagram diagram)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("t (ms)").AddColumn(new TableColumn("event").NoWrap());
        foreach (var p in diagram.Processes) table.AddColumn(new TableColumn(p.Name).Centered());
        foreach (var row in diagram.Rows)
        {
            string style = row.Kind switch
            {
                DiagramRowKind.RegularConfiguration => "bold green",
                DiagramRowKind.TransitionalConfiguration => "bold yellow",
                DiagramRowKind.Failure => "bold red",
                _ => "default",
            };
            var cells = new List<string> { $"{row.Time:0.0}", $"[{style}]{Markup.Escape(row.Label)}[/]" };
            cells.AddRange(diagram.Processes.Select(p => row.Cells.TryGetValue(p, out var c) ? $"[{style}]{Markup.Escape(c)}[/]" : "[grey]·[/]"));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    private static Table Verdicts(CheckReport report, bool quiescent)
    {
        var table = new Table().Title($"the specifications of the paper (trace quiescent: {quiescent})").AddColumns("spec", "what it says", "verdict");
        foreach (var v in report.Verdicts)
            table.AddRow(Markup.Escape(v.Spec), Markup.Escape(v.Title),
                v.Violation is { } x ? $"[red]FAIL {Markup.Escape(string.Join(", ", x.Events))}: {Markup.Escape(x.Message)}[/]" : "[green]pass[/]");
        return table;
    }
}
