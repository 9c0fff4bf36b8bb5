// `evs plot`: a trace as a picture — the paper's space-time diagram, the delivery order per
// configuration, the ring's seq and aru, or a virtual synchrony trace (Figure 7) — written as a
// standalone HTML page (plotly.js inside), or as PNG or SVG through a headless Chromium. Several
// files are one history, as for `evs check`: the traces of a class demo's nodes draw one picture.
// With --view lines the file is no trace but numbers against numbers (a benchmark's series, as
// JSON: LineChartFile), drawn as the notebooks draw them (LineChart).
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
        var traces = new Argument<FileInfo[]>("traces") { Description = "The trace files, one history (docs/TRACE.md; docs/VS-TRACE.md with --vs or --view vs): one file, or one per process (evs cluster's folder).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<FileInfo>("--out") { Description = "The picture to write: FILE.html (standalone, plotly.js inside), FILE.png or FILE.svg (need chromium).", Required = true };
        var view = new Option<string>("--view") { Description = "space-time (the paper's figures), delivery-order (per configuration, each process's order), ring (seq and aru over time), vs (a virtual synchrony trace), lines (not a trace: one JSON file of series, {\"Title\", \"XLabel\", \"YLabel\", \"Series\": [{\"Name\", \"X\": [..], \"Y\": [..]}]}).", DefaultValueFactory = _ => "space-time" };
        view.AcceptOnlyFromAmong(Views);
        var vs = new Option<bool>("--vs") { Description = "The trace is a virtual synchrony trace (the same as --view vs)." };
        var compact = new Option<bool>("--compact") { Description = "Space-time: leave out the messages delivered by every member of the configuration they were sent in." };
        var milliseconds = new Option<bool>("--ms") { Description = "Space-time: time in milliseconds instead of the paper's logical time." };
        var highlight = new Option<string[]>("--highlight") { Description = "Space-time: events to star, by witness name (p#3); repeat or separate with commas.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("plot", "Draw a trace: space-time diagram, delivery order, ring, or a virtual synchrony trace; or a benchmark's series as lines (--view lines). Exit 2: unreadable trace or series.") { traces, output, view, vs, compact, milliseconds, highlight };
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
                    "vs" => SpaceTimeChart.Of(TraceFiles.ReadAllVs(paths), options),
                    "delivery-order" => DeliveryOrderChart.Of(TraceFiles.ReadAll(paths)),
                    "ring" => RingChart.Of(TraceFiles.ReadAll(paths)),
                    "lines" => Lines(paths),
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
                Console.Error.WriteLine($"cannot read the trace: {ex.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException)
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

    // The chart of one LineChartFile; a second file, a file that is no such JSON, or a line whose
    // x and y counts differ is an ArgumentException or a JsonException naming what is wrong.
    private static GenericChart Lines(IReadOnlyList<string> paths)
    {
        if (paths.Count != 1) throw new ArgumentException($"--view lines draws one file of series, not {paths.Count}");
        var file = JsonSerializer.Deserialize<LineChartFile>(File.ReadAllText(paths[0]));
        if (file?.Series is null || file.Title is null || file.XLabel is null || file.YLabel is null)
            throw new ArgumentException($"{paths[0]}: a line chart needs Title, XLabel, YLabel and Series");
        if (file.Series.FirstOrDefault(s => s.Name is null || s.X is null || s.Y is null) is { } incomplete)
            throw new ArgumentException($"{paths[0]}: every series needs Name, X and Y{(incomplete.Name is null ? "" : $" (\"{incomplete.Name}\" has not)")}");
        return LineChart.Of(file.Title, file.XLabel, file.YLabel, file.Series);
    }
}
