// `evs demo`: the main job in one command — a short run in the simulator, drawn as a delivery
// diagram (one column per process, one row per logical event), then the checker's verdicts.
using System.CommandLine;
using Evs.Reference.Checking;
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using Evs.Reference.Visualization;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var scenario = new Option<string>("--scenario") { Description = "The scenario to run: built-in name or file.", DefaultValueFactory = _ => "figure6" };
        var seed = new Option<long>("--seed") { Description = "The seed of the run (718 shows the paper's l and n in figure6).", DefaultValueFactory = _ => 718 };
        var stopAt = new Option<double?>("--stop-at") { Description = "Move the scenario's stop step to this virtual time in ms." };
        var full = new Option<bool>("--full") { Description = "Show every message, not only those delivered in a transitional configuration or not by all." };
        var primary = SimCommand.PrimaryOption();
        var vs = new Option<bool>("--vs") { Description = "Also run every application behind the virtual synchrony filter and show, beside the diagram, what the filter makes of it: views, sends and deliveries (the paper's Figure 7)." };
        var command = new Command("demo", "Run the paper's Figure 6 example (or another scenario) in the simulator, print its delivery diagram and the verdict on every specification.") { scenario, seed, stopAt, full, primary, vs };
        command.SetAction(parse =>
        {
            bool filter = parse.GetValue(vs);
            if (SimCommand.LoadAndRun(parse.GetValue(scenario)!, SimCommand.Options(parse.GetValue(seed), parse.GetValue(stopAt), parse.GetValue(primary), filter)) is not var (loaded, result))
                return ExitCodes.BadInput;
            bool compact = !parse.GetValue(full);
            AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(loaded.Name)}[/], seed {parse.GetValue(seed)}: who delivered what, in which configuration").LeftJustified());
            var evsDiagram = Diagram(DeliveryDiagram.Of(result.Trace, compact));
            if (result.VirtualSynchrony is { } filtered)
                AnsiConsole.Write(new Columns(
                    evsDiagram.Title("extended virtual synchrony"),
                    Diagram(DeliveryDiagram.Of(filtered, compact)).Title("after the virtual synchrony filter")).Collapse());
            else AnsiConsole.Write(evsDiagram);
            AnsiConsole.MarkupLineInterpolated($"[grey]{DeliveryDiagram.Legend}[/]");
            var report = SpecificationChecker.Check(result.Trace);
            AnsiConsole.Write(Verdicts(report, result.Trace.Header.Quiescent));
            bool passed = report.AllPassed;
            if (result.VirtualSynchrony is { } history)
            {
                var vsReport = VirtualSynchronyChecker.Check(history);
                AnsiConsole.Write(Verdicts(vsReport, history.Header.Quiescent, "the virtual synchrony conditions of Section 4 on the filtered history"));
                passed &= vsReport.AllPassed;
            }
            return passed ? ExitCodes.Ok : ExitCodes.Violation;
        });
        return command;
    }

    private static Table Diagram(DeliveryDiagram diagram)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn(new TableColumn("t (ms)").NoWrap()).AddColumn("event");
        foreach (var p in diagram.Processes) table.AddColumn(new TableColumn(p.Name).Centered());
        foreach (var row in diagram.Rows)
        {
            string style = row.Kind switch
            {
                DiagramRowKind.RegularConfiguration => "bold green",
                DiagramRowKind.TransitionalConfiguration => "bold yellow",
                DiagramRowKind.Failure => "bold red",
                DiagramRowKind.Elided => "grey",
                _ => "default",
            };
            var cells = new List<string> { $"{row.Time:0}", $"[{style}]{Markup.Escape(row.Label)}[/]" };
            cells.AddRange(diagram.Processes.Select(p => row.Cells.TryGetValue(p, out var c) ? $"[{style}]{Markup.Escape(c)}[/]" : $"[grey]{DeliveryDiagram.NothingCell}[/]"));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    private static Table Verdicts(CheckReport report, bool quiescent, string title = "the specifications of the paper")
    {
        var table = new Table().Title($"{title} (trace quiescent: {quiescent})").AddColumns("spec", "what it says", "verdict");
        foreach (var v in report.Verdicts)
            table.AddRow(Markup.Escape(v.Spec), Markup.Escape(v.Title),
                v.Violation is { } x ? $"[red]FAIL {Markup.Escape(string.Join(", ", x.Events))}: {Markup.Escape(x.Message)}[/]" : "[green]pass[/]");
        return table;
    }
}
