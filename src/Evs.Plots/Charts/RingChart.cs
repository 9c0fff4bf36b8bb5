// The ring view: Totem's token seq and aru per regular configuration over time, as RingLayout
// derives them from the trace (the trace does not record the token). The gap between the two
// lines is what is sent but not yet delivered by everyone — what a configuration change could
// leave to the transitional configuration. On a busy ring that gap is a few ordinals out of
// hundreds, so the chart shows it twice: above, seq and aru as steps with the gap shaded between
// them, zoomed on a stretch of a long run where the shading can be seen; below, the gap itself
// (seq − aru, "in flight") over the whole run, the zoomed stretch marked on it.
using Evs.Plots.Layout;
using Evs.Reference.Tracing;
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.LayoutObjects;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Evs.Plots.Charts;

/// <summary>seq and aru over time, one pair of lines per regular configuration, and what is in flight between them.</summary>
public static class RingChart
{
    /// <summary>A run sending more than this many messages in one configuration is shown zoomed on a stretch of this many.</summary>
    public const int WindowOrdinals = 80;

    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The ring chart of a trace.</summary>
    public static GenericChart Of(EvsTrace trace, string? title = null) =>
        Draw(RingLayout.Of(PlotEvents.Of(trace)),
            title ?? $"{trace.Header.Scenario ?? "trace"}: the ring's seq and aru, derived from sends and deliveries");

    /// <summary>
    /// Draws a ring layout: above, per configuration, seq solid and aru dotted in the configuration's
    /// colour with the gap between them shaded (zoomed on <see cref="RingLayout.Window"/> for a long run);
    /// below, the gap, seq − aru, over the whole run.
    /// </summary>
    public static GenericChart Draw(RingLayout layout, string title)
    {
        var window = layout.Window(WindowOrdinals);
        var charts = new List<GenericChart>();
        for (int i = 0; i < layout.Series.Count; i++)
        {
            var s = layout.Series[i];
            // Several events happen at one virtual instant; the last of them is where the counts stand.
            var samples = s.Samples.GroupBy(x => x.Time).Select(g => g.Last()).ToList();
            var color = Color.fromHex(Palette[i % Palette.Length]);
            var shade = Translucent(Palette[i % Palette.Length]);
            string members = "{" + string.Join(",", s.Members) + "}";
            var times = samples.Select(x => x.Time).ToList();
            charts.Add(InGroup(s.Configuration, CSharpChart.Scatter<double, int, string>(times, samples.Select(x => x.Seq), StyleParam.Mode.Lines,
                Name: $"seq {s.Configuration} {members}", LineColor: color, LineWidth: 2)));
            // Filled back to the trace before it, the seq line: the shaded band is what is in flight.
            charts.Add(InGroup(s.Configuration, CSharpChart.Scatter<double, int, string>(times, samples.Select(x => x.Aru), StyleParam.Mode.Lines,
                Name: $"aru {s.Configuration} (shaded: in flight)", LineColor: color, LineWidth: 2, LineDash: StyleParam.DrawingStyle.Dot,
                Fill: StyleParam.Fill.ToNext_y, FillColor: shade)));
            charts.Add(InGroup(s.Configuration, OnOverview(CSharpChart.Scatter<double, int, string>(times, samples.Select(x => x.InFlight), StyleParam.Mode.Lines,
                Name: $"in flight {s.Configuration}: seq − aru", LineColor: color, LineWidth: 1.5, Fill: StyleParam.Fill.ToZero_y, FillColor: shade))));
        }
        var chart = Steps(CSharpChart.Combine(charts));
        chart = Chart.withXAxis(Axis(window is { } w ? $"time (ms), zoomed on {w.From:0}–{w.To:0}: the grey stretch below (the toolbar's autoscale shows the whole run)" : "time (ms)",
            window is { } range ? (range.From, range.To) : null, anchor: "y"), null).Invoke(chart);
        chart = Chart.withYAxis(Axis("message ordinal in the configuration", window is { } zoom ? OrdinalsIn(layout, zoom) : null, anchor: "x", domain: (0.42, 1.0)), null).Invoke(chart);
        chart = Chart.withXAxis(Axis("time (ms), the whole run", null, anchor: "y2"), Id(StyleParam.SubPlotId.NewXAxis(2))).Invoke(chart);
        chart = Chart.withYAxis(Axis("in flight", null, anchor: "x2", domain: (0.0, 0.25)), Id(StyleParam.SubPlotId.NewYAxis(2))).Invoke(chart);
        if (window is { } marked) chart = Chart.withShape(Stretch(marked), null).Invoke(chart);
        chart = Chart.withLegend(InItsOrder(), null).Invoke(chart);
        chart = Chart.withTitle(title, null).Invoke(chart);
        return Chart.withSize(1000.0, 680.0).Invoke(chart);
    }

    // The ordinals the window spans, seq at its top and aru at its bottom, with a little room.
    private static (double From, double To) OrdinalsIn(RingLayout layout, RingWindow window)
    {
        var inside = layout.Series.SelectMany(s => s.Samples).Where(x => x.Time >= window.From && x.Time <= window.To).ToList();
        double low = inside.Min(x => x.Aru), high = inside.Max(x => x.Seq);
        double room = Math.Max(1, (high - low) * 0.05);
        return (low - room, high + room);
    }

    private static LinearAxis Axis(string title, (double From, double To)? range, string anchor, (double From, double To)? domain = null)
    {
        var axis = new LinearAxis();
        axis.SetProperty("title", Title.init(Text: title, null, null, null, null, null, null, null, null, null, null, null));
        axis.SetProperty("anchor", anchor);
        if (range is var (from, to)) axis.SetProperty("range", new[] { from, to });
        if (domain is var (bottom, top)) axis.SetProperty("domain", new[] { bottom, top });
        return axis;
    }

    // The zoomed stretch, marked on the overview: a grey band over the whole height of its panel.
    private static Shape Stretch(RingWindow window)
    {
        var shape = new Shape();
        shape.SetProperty("type", "rect");
        shape.SetProperty("xref", "x2");
        shape.SetProperty("yref", "y2 domain");
        shape.SetProperty("x0", window.From);
        shape.SetProperty("x1", window.To);
        shape.SetProperty("y0", 0);
        shape.SetProperty("y1", 1);
        shape.SetProperty("fillcolor", "#7f7f7f");
        shape.SetProperty("opacity", 0.25);
        shape.SetProperty("line", new Dictionary<string, object> { ["width"] = 0 });
        shape.SetProperty("layer", "below");
        return shape;
    }

    // Plotly lists filled traces bottom-up; seq, aru, in flight read better top-down, as drawn.
    private static Legend InItsOrder()
    {
        var legend = new Legend();
        legend.SetProperty("traceorder", "grouped");
        return legend;
    }

    // A configuration's three lines are shown and hidden together from the legend.
    private static GenericChart InGroup(string configuration, GenericChart chart)
    {
        foreach (var trace in GenericChart.getTraces(chart)) trace.SetProperty("legendgroup", configuration);
        return chart;
    }

    private static GenericChart OnOverview(GenericChart chart)
    {
        foreach (var trace in GenericChart.getTraces(chart))
        {
            trace.SetProperty("xaxis", "x2");
            trace.SetProperty("yaxis", "y2");
        }
        return chart;
    }

    // The counts change at events and stay put between them: steps, not slopes.
    private static GenericChart Steps(GenericChart chart)
    {
        foreach (var trace in GenericChart.getTraces(chart))
            if (trace.TryGetTypedPropertyValue<Line>("line") is { } line) line.Value.SetProperty("shape", "hv");
        return chart;
    }

    // The colour #rrggbb at a quarter of its strength, for the shaded gap: the lines stay readable through it.
    private static Color Translucent(string hex) =>
        Color.fromString($"rgba({Convert.ToInt32(hex[1..3], 16)},{Convert.ToInt32(hex[3..5], 16)},{Convert.ToInt32(hex[5..7], 16)},0.25)");

    private static FSharpOption<StyleParam.SubPlotId> Id(StyleParam.SubPlotId id) => FSharpOption<StyleParam.SubPlotId>.Some(id);
}
