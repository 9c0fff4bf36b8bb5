// `evs plot`: a trace as a picture — the paper's space-time diagram, the delivery order per
// configuration, the ring's seq and aru, or a virtual synchrony trace (Figure 7) — written as a
// standalone HTML page (plotly.js inside), or as PNG or SVG through a headless Chromium. Several
// files are one history, as for `evs check`: the traces of a class demo's nodes draw one picture.
// One view is not of a trace: `--view lines` draws numbers against numbers, the curves of a
// benchmark, from a CSV table (LineTable: benchmarks/scaling/) or a JSON file of series
// (LineChartFile: benchmarks/corosync/), as the notebooks draw them (LineChart).
using System.CommandLine;
using System.Text.Json;
using Evs.Plots;
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

    /// <summary>
    /// A line chart as `evs plot --view lines` reads it: its title, the axes' titles and the lines,
    /// e.g. {"Title": "...", "XLabel": "nodes", "YLabel": "msgs/s", "Series": [{"Name": "evs", "X": [3, 5], "Y": [9000, 7000]}]}.
    /// </summary>
    private sealed record LineChartFile(string Title, string XLabel, string YLabel, IReadOnlyList<LineSeries> Series);

    public static Command Create()
    {
        var traces = new Argument<FileInfo[]>("traces") { Description = "The trace files, one history (docs/TRACE.md; docs/VS-TRACE.md with --vs or --view vs): one file, or one per process (evs cluster's folder). With --view lines: one CSV table.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<FileInfo>("--out") { Description = "The picture to write: FILE.html (standalone, plotly.js inside), FILE.png or FILE.svg (need chromium).", Required = true };
        var view = new Option<string>("--view") { Description = "space-time (the paper's figures), delivery-order (per configuration, each process's order), ring (seq and aru over time), vs (a virtual synchrony trace), lines (not a trace: a CSV table, whose first column is x and each other column a line named by its header, or a JSON file of series, {\"Title\", \"XLabel\", \"YLabel\", \"Series\": [{\"Name\", \"X\": [..], \"Y\": [..]}]}).", DefaultValueFactory = _ => "space-time" };
        view.AcceptOnlyFromAmong(Views);
        var vs = new Option<bool>("--vs") { Description = "The trace is a virtual synchrony trace (the same as --view vs)." };
        var compact = new Option<bool>("--compact") { Description = "Space-time: leave out the messages delivered by every member of the configuration they were sent in." };
        var milliseconds = new Option<bool>("--ms") { Description = "Space-time: time in milliseconds instead of the paper's logical time." };
        var highlight = new Option<string[]>("--highlight") { Description = "Space-time: events to star, by witness name (p#3); repeat or separate with commas.", AllowMultipleArgumentsPerToken = true };
        var yLabel = new Option<string>("--y-label") { Description = "Lines from a CSV table: the title of the y axis (the chart's title is the file's name).", DefaultValueFactory = _ => "" };
        var command = new Command("plot", "Draw a trace: space-time diagram, delivery order, ring, or a virtual synchrony trace; or a benchmark's curves as lines (--view lines). Exit 2: unreadable trace, table or series.") { traces, output, view, vs, compact, milliseconds, highlight, yLabel };
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
            catch (Exception ex) when (chosen == "lines" && ex is JsonException or ArgumentException)
            {
                Console.Error.WriteLine($"unreadable series: {ex.Message}");
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

    // The lines of one file: a CSV table (titled with the file's name), or a JSON LineChartFile.
    private static GenericChart Lines(IReadOnlyList<string> paths, string yLabel)
    {
        if (paths.Count != 1) throw new FormatException($"--view lines draws one CSV table or one JSON file of series, not {paths.Count} files");
        if (paths[0].EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return Series(paths[0]);
        var table = LineTable.Parse(File.ReadAllText(paths[0]), paths[0]);
        return LineChart.Of(Path.GetFileNameWithoutExtension(paths[0]), table.XLabel, yLabel, table.Series);
    }

    // The chart of one LineChartFile; a file that is no such JSON, or a line whose x and y counts
    // differ, is an ArgumentException or a JsonException naming what is wrong.
    private static GenericChart Series(string path)
    {
        var file = JsonSerializer.Deserialize<LineChartFile>(File.ReadAllText(path));
        if (file?.Series is null || file.Title is null || file.XLabel is null || file.YLabel is null)
            throw new ArgumentException($"{path}: a line chart needs Title, XLabel, YLabel and Series");
        if (file.Series.FirstOrDefault(s => s.Name is null || s.X is null || s.Y is null) is { } incomplete)
            throw new ArgumentException($"{path}: every series needs Name, X and Y{(incomplete.Name is null ? "" : $" (\"{incomplete.Name}\" has not)")}");
        return LineChart.Of(file.Title, file.XLabel, file.YLabel, file.Series);
    }
}
