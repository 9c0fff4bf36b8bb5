// `evs plot`: a trace as a picture — the paper's space-time diagram, the delivery order per
// configuration, the ring's seq and aru, or a virtual synchrony trace (Figure 7) — written as a
// standalone HTML page (plotly.js inside), or as PNG or SVG through a headless Chromium. Several
// files are one history, as for `evs check`: the traces of a class demo's nodes draw one picture.
// One view is not of a trace: `--view lines` draws the columns of a CSV table of numbers as lines
// (LineTable), the curves of a benchmark (benchmarks/scaling/).
using System.CommandLine;
using Evs.Plots.Charts;
using Evs.Plots.Layout;
using Evs.Plots.Output;
using Evs.Reference.Tracing;
using Evs.Runtime.Files;
using Plotly.NET;

namespace Evs.Cli.Commands;

internal static class PlotCommand
{
    private static readonly string[] Views = ["space-time", "delivery-order", "ring", "vs", "lines"];

    public static Command Create()
    {
        var traces = new Argument<FileInfo[]>("traces") { Description = "The trace files, one history (docs/TRACE.md; docs/VS-TRACE.md with --vs or --view vs): one file, or one per process (evs cluster's folder). With --view lines: one CSV table.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<FileInfo>("--out") { Description = "The picture to write: FILE.html (standalone, plotly.js inside), FILE.png or FILE.svg (need chromium).", Required = true };
        var view = new Option<string>("--view") { Description = "space-time (the paper's figures), delivery-order (per configuration, each process's order), ring (seq and aru over time), vs (a virtual synchrony trace), lines (a CSV table: the first column is x, each other column a line named by its header).", DefaultValueFactory = _ => "space-time" };
        view.AcceptOnlyFromAmong(Views);
        var vs = new Option<bool>("--vs") { Description = "The trace is a virtual synchrony trace (the same as --view vs)." };
        var compact = new Option<bool>("--compact") { Description = "Space-time: leave out the messages delivered by every member of the configuration they were sent in." };
        var milliseconds = new Option<bool>("--ms") { Description = "Space-time: time in milliseconds instead of the paper's logical time." };
        var highlight = new Option<string[]>("--highlight") { Description = "Space-time: events to star, by witness name (p#3); repeat or separate with commas.", AllowMultipleArgumentsPerToken = true };
        var yLabel = new Option<string>("--y-label") { Description = "Lines: the title of the y axis (the chart's title is the CSV file's name).", DefaultValueFactory = _ => "" };
        var command = new Command("plot", "Draw a trace: space-time diagram, delivery order, ring, or a virtual synchrony trace; or a CSV table as lines. Exit 2: unreadable trace or table.") { traces, output, view, vs, compact, milliseconds, highlight, yLabel };
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(traces)!.Select(f => f.FullName).ToList();
            string outPath = parse.GetValue(output)!.FullName;
            string chosen = parse.GetValue(vs) ? "vs" : parse.GetValue(view)!;
            var options = new SpaceTimeOptions(
                parse.GetValue(milliseconds) ? TimeAxis.Milliseconds : TimeAxis.Logical, parse.GetValue(compact),
                (parse.GetValue(highlight) ?? []).SelectMany(h => h.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList());
            GenericChart chart;
            try
            {
                chart = chosen switch
                {
                    "lines" => Lines(paths, parse.GetValue(yLabel)!),
                    "vs" => SpaceTimeChart.Of(TraceFiles.ReadAllVs(paths), options),
                    "delivery-order" => DeliveryOrderChart.Of(TraceFiles.ReadAll(paths)),
                    "ring" => RingChart.Of(TraceFiles.ReadAll(paths)),
                    _ => SpaceTimeChart.Of(TraceFiles.ReadAll(paths), options),
                };
            }
            catch (TraceFormatException ex)
            {
                Console.Error.WriteLine($"unreadable trace: {ex.Message}");
                return ExitCodes.BadInput;
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"cannot read the {(chosen == "lines" ? "table" : "trace")}: {ex.Message}");
                return ExitCodes.BadInput;
            }
            catch (FormatException ex) when (chosen == "lines")
            {
                Console.Error.WriteLine($"unreadable table: {ex.Message}");
                return ExitCodes.BadInput;
            }
            try
            {
                ChartFiles.Save(chart, outPath);
            }
            catch (ChromiumMissingException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return ExitCodes.BadInput;
            }
            Console.WriteLine($"wrote {outPath}");
            return ExitCodes.Ok;
        });
        return command;
    }

    // The lines of one CSV table, titled with the file's name.
    private static GenericChart Lines(IReadOnlyList<string> paths, string yLabel)
    {
        if (paths.Count != 1) throw new FormatException($"--view lines draws one CSV table, not {paths.Count} files");
        var table = LineTable.Parse(File.ReadAllText(paths[0]), paths[0]);
        return LineChart.Of(Path.GetFileNameWithoutExtension(paths[0]), table.XLabel, yLabel, table.Series);
    }
}
