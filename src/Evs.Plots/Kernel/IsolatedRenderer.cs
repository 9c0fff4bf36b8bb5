// The far side of the kernel-safe facade (KernelPlots): this class runs inside the isolated
// load context, where Evs.Plots, Evs.Reference, Plotly.NET and FSharp.Core 10.1 are loaded from
// Evs.Plots's own folder. Only strings and booleans cross the border, because types of the
// same name in two load contexts are different types.
using Evs.Plots.Charts;
using Evs.Plots.Layout;
using Evs.Plots.Output;
using Evs.Reference.Tracing;

namespace Evs.Plots.Kernel;

/// <summary>Renders a trace given as text to an HTML fragment; called by reflection from <see cref="IsolatedPlotting"/>.</summary>
internal static class IsolatedRenderer
{
    /// <summary>The views <see cref="Render"/> knows.</summary>
    public const string SpaceTime = "space-time", DeliveryOrder = "delivery-order", Ring = "ring", VsSpaceTime = "vs", Lines = "lines", PlotlyJs = "plotly.js";

    /// <summary>
    /// Renders <paramref name="traceText"/> (docs/TRACE.md, or docs/VS-TRACE.md for <see cref="VsSpaceTime"/>,
    /// or for <see cref="Lines"/> a <see cref="LinesText"/> as JSON) as <paramref name="view"/>. <paramref name="highlight"/> lists witness names (<c>p#3</c>) separated
    /// by commas; <paramref name="title"/> may be empty for the default title.
    /// </summary>
    public static string Render(string view, string traceText, string highlight, bool compact, bool milliseconds, string title)
    {
        if (view == PlotlyJs) return ChartHtml.PlotlyLoader();
        string? customTitle = title.Length > 0 ? title : null;
        var options = new SpaceTimeOptions(
            milliseconds ? TimeAxis.Milliseconds : TimeAxis.Logical, compact,
            highlight.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), customTitle);
        var chart = view switch
        {
            SpaceTime => SpaceTimeChart.Of(TraceReader.ReadText(traceText), options),
            DeliveryOrder => DeliveryOrderChart.Of(TraceReader.ReadText(traceText), customTitle),
            Ring => RingChart.Of(TraceReader.ReadText(traceText), customTitle),
            VsSpaceTime => SpaceTimeChart.Of(VsTraceReader.ReadText(traceText), options),
            Lines => LinesChart(traceText, title),
            _ => throw new ArgumentException($"unknown view \"{view}\"", nameof(view)),
        };
        return ChartHtml.Fragment(chart);
    }

    private static Plotly.NET.GenericChart LinesChart(string json, string title)
    {
        var lines = LinesText.Parse(json);
        return LineChart.Of(title, lines.XLabel, lines.YLabel, lines.Series);
    }
}

/// <summary>A line chart's axes and series as they cross into the isolated context: JSON text.</summary>
internal sealed record LinesText(string XLabel, string YLabel, IReadOnlyList<LineSeries> Series)
{
    /// <summary>This chart as JSON.</summary>
    public string Json() => System.Text.Json.JsonSerializer.Serialize(this);

    /// <summary>The chart in <paramref name="json"/>.</summary>
    public static LinesText Parse(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<LinesText>(json) ?? throw new ArgumentException("no line chart in the text", nameof(json));
}
