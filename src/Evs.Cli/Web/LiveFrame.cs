// One frame of the live view: the whole space-time diagram of the events so far, as `evs plot`
// draws it (SpaceTimeLayout places, SpaceTimeChart draws: the same picture, not a second one
// written for the browser), sent to the page as the Plotly figure's JSON, which the page hands
// to Plotly.react; and beside it the status line's facts. The page, not this class, sets fonts
// and colours for a projector, since the reader switches between dark and light there.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Evs.Plots.Charts;
using Evs.Plots.Layout;
using Evs.Reference.Tracing;
using Plotly.NET;

namespace Evs.Cli.Web;

/// <summary>Where one source of events stands: a node (running, killed) or a stream (connected, unreachable).</summary>
/// <param name="Name">The node or the URL.</param>
/// <param name="State">What the page says of it.</param>
/// <param name="Ok">False when something is wrong (a node killed, a stream unreachable): the page shows it in red.</param>
internal sealed record SourceState(string Name, string State, bool Ok);

/// <summary>What the status line says, sent with each frame.</summary>
internal sealed record LiveStatus(
    string Axis, int Shown, long LeftOut, IReadOnlyList<ProcessCount> Processes, IReadOnlyList<SourceState> Sources, double DrawMs);

/// <summary>Builds frames: the figure's JSON and the status, in one JSON object.</summary>
internal static class LiveFrame
{
    // Rows of a live diagram are taller than a file's (18 px): the page's fonts are large, for a projector;
    // the margins are the page's (the title is on the page, not in the picture).
    private const int RowHeight = 36, Margins = 120, LeastHeight = 480, MostHeight = 60_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The frame of <paramref name="snapshot"/> on <paramref name="axis"/>: <c>{"status":{…},"figure":{data,layout,config}}</c>.</summary>
    public static string Of(LiveSnapshot snapshot, TimeAxis axis, string title, IReadOnlyList<SourceState> sources)
    {
        var clock = Stopwatch.StartNew();
        string figure;
        try
        {
            figure = snapshot.Events.Count == 0 ? Empty("waiting for the first event") : Figure(snapshot, axis, title);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A history the diagram cannot place (a trace another tool wrote, cut anywhere) is said
            // on the page; the view goes on, and the next events may draw again.
            figure = Empty($"the picture cannot be drawn ({ex.Message})");
        }
        var status = new LiveStatus(AxisName(axis), snapshot.Events.Count, snapshot.LeftOut, snapshot.Processes, sources, clock.Elapsed.TotalMilliseconds);
        return $"{{\"status\":{JsonSerializer.Serialize(status, Json)},\"figure\":{figure}}}";
    }

    /// <summary>The name of an axis in a URL (<c>?axis=logical</c> or <c>?axis=ms</c>) and in the status.</summary>
    public static string AxisName(TimeAxis axis) => axis == TimeAxis.Logical ? "logical" : "ms";

    /// <summary>The axis a URL names; logical (the paper's order) unless it says ms.</summary>
    public static TimeAxis AxisOf(string? name) => name == "ms" ? TimeAxis.Milliseconds : TimeAxis.Logical;

    private static string Figure(LiveSnapshot snapshot, TimeAxis axis, string title)
    {
        var trace = new EvsTrace(new TraceHeader(Evs.Runtime.NodeTrace.Source, null, null, false), snapshot.Events);
        var layout = SpaceTimeLayout.Of(PlotEvents.Of(trace), new SpaceTimeOptions(axis));
        var chart = SpaceTimeChart.Draw(layout, title);
        return GenericChart.toJson(ForThePage(chart, Math.Clamp(RowHeight * layout.Rows + Margins, LeastHeight, MostHeight), axis));
    }

    // An empty diagram that says why it is empty, in its middle: before the first event, or when it cannot be drawn.
    private static string Empty(string why)
    {
        var chart = Plotly.NET.CSharp.Chart.Point<double, double, string>(Array.Empty<double>(), Array.Empty<double>());
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("annotations", new[] { new { text = why, showarrow = false, xref = "paper", yref = "paper", x = 0.5, y = 0.5, font = new { size = 24 } } });
        return GenericChart.toJson(ForThePage(GenericChart.setLayout(layout, chart), LeastHeight, TimeAxis.Logical));
    }

    // The page makes the picture as wide as its window (a projector's, a laptop's); the height is
    // what the run needs; uirevision keeps what the reader zoomed or panned from one frame to the next.
    private static GenericChart ForThePage(GenericChart chart, int height, TimeAxis axis)
    {
        var layout = GenericChart.getLayout(chart);
        layout.RemoveProperty("width");
        layout.SetProperty("height", height);
        layout.SetProperty("uirevision", AxisName(axis));
        return GenericChart.setLayout(layout, chart);
    }
}
