// The plots for notebooks. A student's kernel (dotnet-interactive, dotnet repl) cannot run
// Plotly.NET 6 in its own process (it carries FSharp.Core 10.0; Plotly.NET 6 needs 10.1), so this
// facade never touches a Plotly.NET or FSharp type: its methods take paths, Evs.Reference traces
// and plain values, and return HTML as a string, which a notebook shows with
// .DisplayAs("text/html") (the kernel's HTML(...) helper makes Jupyter's .NET kernel print a
// compiler warning under the cell). The charts are drawn in an isolated load context
// (IsolatedPlotting). plotly.js comes once per page, from PlotlyJsHtml, in the first cell:
//
//     #r "/path/to/Evs.Reference.dll"
//     #r "/path/to/Evs.Plots.dll"
//     KernelPlots.PlotlyJsHtml().DisplayAs("text/html");
//     var run = Simulator.Run(BuiltInScenarios.Get("figure6"), new SimulationOptions(718));
//     KernelPlots.SpaceTimeHtml(run.Trace, KernelPlots.TransitionalDeliveries(run.Trace), compact: true).DisplayAs("text/html");
using Evs.Plots.Figures;
using Evs.Plots.Kernel;
using Evs.Plots.Layout;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;
using Evs.Runtime.Files;

namespace Evs.Plots;

/// <summary>
/// Kernel-safe plots: each method returns an HTML fragment (the chart's &lt;div&gt; and the script that
/// draws it with the page's plotly.js, from <see cref="PlotlyJsHtml"/>; no CDN) for a notebook's
/// HTML output. Safe in any process, whichever FSharp.Core it has loaded.
/// </summary>
public static class KernelPlots
{
    /// <summary>
    /// plotly.js, for the page: show it once, in a notebook's first cell, and every chart of the
    /// notebook draws with it (each chart's fragment waits for it rather than carrying 3.6 MB of its
    /// own). Works with and without require.js on the page (classic Jupyter, nbconvert, JupyterLab,
    /// VS Code, <c>evs notebook run --html</c>).
    /// </summary>
    public static string PlotlyJsHtml() =>
        IsolatedPlotting.Render(IsolatedRenderer.PlotlyJs, "", "", false, false, "");

    /// <summary>
    /// The space-time diagram of an extended virtual synchrony trace: one vertical line per process,
    /// time downwards, configuration changes as bars (regular solid, transitional dashed), sends and
    /// deliveries coloured by service, each send joined to its deliveries.
    /// </summary>
    /// <param name="trace">The history, e.g. <c>Simulator.Run(...).Trace</c> or <c>TraceFiles.Read(path)</c>.</param>
    /// <param name="highlight">Events to star, by witness name (<c>"p#3"</c>, as the checker names them).</param>
    /// <param name="compact">Leave out the messages delivered by every member of the configuration they were sent in.</param>
    /// <param name="milliseconds">Time in milliseconds instead of the paper's logical time.</param>
    /// <param name="title">The title; null for one naming the scenario and seed.</param>
    public static string SpaceTimeHtml(EvsTrace trace, IEnumerable<string>? highlight = null, bool compact = false, bool milliseconds = false, string? title = null) =>
        IsolatedPlotting.Render(IsolatedRenderer.SpaceTime, Text(trace), Join(highlight), compact, milliseconds, title ?? "");

    /// <summary>
    /// The events the paper's Figures 1 and 6 star, as <c>evs figures</c> picks them
    /// (FigureWitnesses.TransitionalDeliveries): every message delivered in a transitional
    /// configuration — its send and each of its deliveries — by witness name, for
    /// <see cref="SpaceTimeHtml(EvsTrace, IEnumerable{string}?, bool, bool, string?)"/>'s highlight.
    /// Plain strings, computed in this process: nothing of Plotly.NET is involved.
    /// </summary>
    public static IReadOnlyList<string> TransitionalDeliveries(EvsTrace trace) =>
        FigureWitnesses.TransitionalDeliveries(PlotEvents.Of(trace));

    /// <summary>The space-time diagram of the trace file at <paramref name="tracePath"/> (see the other overload).</summary>
    /// <exception cref="TraceFormatException">The file is not a trace; the message names the file and line.</exception>
    public static string SpaceTimeHtml(string tracePath, IEnumerable<string>? highlight = null, bool compact = false, bool milliseconds = false, string? title = null) =>
        SpaceTimeHtml(TraceFiles.Read(tracePath), highlight, compact, milliseconds, title);

    /// <summary>Per configuration, the order in which each process delivered, side by side: identical orders line up.</summary>
    public static string DeliveryOrderHtml(EvsTrace trace, string? title = null) =>
        IsolatedPlotting.Render(IsolatedRenderer.DeliveryOrder, Text(trace), "", false, false, title ?? "");

    /// <summary>The delivery order of the trace file at <paramref name="tracePath"/>.</summary>
    /// <exception cref="TraceFormatException">The file is not a trace; the message names the file and line.</exception>
    public static string DeliveryOrderHtml(string tracePath, string? title = null) =>
        DeliveryOrderHtml(TraceFiles.Read(tracePath), title);

    /// <summary>
    /// The ring's seq and aru over time, per regular configuration, derived from the trace's sends
    /// and deliveries (the trace does not record the token; see RingLayout).
    /// </summary>
    public static string RingHtml(EvsTrace trace, string? title = null) =>
        IsolatedPlotting.Render(IsolatedRenderer.Ring, Text(trace), "", false, false, title ?? "");

    /// <summary>The ring view of the trace file at <paramref name="tracePath"/>.</summary>
    /// <exception cref="TraceFormatException">The file is not a trace; the message names the file and line.</exception>
    public static string RingHtml(string tracePath, string? title = null) =>
        RingHtml(TraceFiles.Read(tracePath), title);

    /// <summary>
    /// The space-time diagram of a virtual synchrony trace (docs/VS-TRACE.md; <c>Simulator.Run(...)</c>
    /// with <c>VirtualSynchrony: true</c> gives one): views as bars, stops as crosses (the paper's Figure 7).
    /// </summary>
    public static string VsSpaceTimeHtml(VsTrace trace, bool compact = false, bool milliseconds = false, string? title = null) =>
        IsolatedPlotting.Render(IsolatedRenderer.VsSpaceTime, Text(trace), "", compact, milliseconds, title ?? "");

    /// <summary>The virtual synchrony space-time diagram of the file at <paramref name="vsTracePath"/>.</summary>
    /// <exception cref="TraceFormatException">The file is not a virtual synchrony trace; the message names the file and line.</exception>
    public static string VsSpaceTimeHtml(string vsTracePath, bool compact = false, bool milliseconds = false, string? title = null) =>
        VsSpaceTimeHtml(TraceFiles.ReadVs(vsTracePath), compact, milliseconds, title);

    /// <summary>
    /// Lines with markers on one pair of axes, for numbers measured rather than traced: throughput
    /// against the number of processes, latency against the message size (notebook 07).
    /// </summary>
    /// <exception cref="InvalidOperationException">A series has more x than y values, or the other way round.</exception>
    public static string LinesHtml(string title, string xLabel, string yLabel, IEnumerable<LineSeries> series) =>
        IsolatedPlotting.Render(IsolatedRenderer.Lines, new LinesText(xLabel, yLabel, series.ToList()).Json(), "", false, false, title);

    // The trace crosses into the isolated context as the text of its file.
    private static string Text(EvsTrace trace)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TraceWriter(buffer, ownsStream: false))
        {
            writer.WriteHeader(trace.Header);
            foreach (var e in trace.Events) writer.Write(e);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Text(VsTrace trace)
    {
        using var buffer = new MemoryStream();
        VsTraceWriter.Write(buffer, trace);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Join(IEnumerable<string>? witnesses) => witnesses is null ? "" : string.Join(",", witnesses);
}
