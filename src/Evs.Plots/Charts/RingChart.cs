// The ring view: Totem's token seq and aru per regular configuration over time, as RingLayout
// derives them from the trace (the trace does not record the token). The gap between the two
// lines is what is sent but not yet delivered by everyone — what a configuration change could
// leave to the transitional configuration.
using Evs.Plots.Layout;
using Plotly.NET;
using Trace = Evs.Reference.Tracing.Trace;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Evs.Plots.Charts;

/// <summary>seq and aru over time, one pair of lines per regular configuration.</summary>
public static class RingChart
{
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The ring chart of a trace.</summary>
    public static GenericChart Of(Trace trace, string? title = null) =>
        Draw(RingLayout.Of(PlotEvents.Of(trace)),
            title ?? $"{trace.Header.Scenario ?? "trace"}: the ring's seq and aru, derived from sends and deliveries");

    /// <summary>Draws a ring layout: seq solid, aru dashed, in the configuration's colour.</summary>
    public static GenericChart Draw(RingLayout layout, string title)
    {
        var charts = new List<GenericChart>();
        for (int i = 0; i < layout.Series.Count; i++)
        {
            var s = layout.Series[i];
            var color = Color.fromHex(Palette[i % Palette.Length]);
            string members = "{" + string.Join(",", s.Members) + "}";
            charts.Add(CSharpChart.Scatter<double, int, string>(s.Samples.Select(x => x.Time), s.Samples.Select(x => x.Seq), StyleParam.Mode.Lines,
                Name: $"seq {s.Configuration} {members}", LineColor: color, LineWidth: 2));
            charts.Add(CSharpChart.Scatter<double, int, string>(s.Samples.Select(x => x.Time), s.Samples.Select(x => x.Aru), StyleParam.Mode.Lines,
                Name: $"aru {s.Configuration}", LineColor: color, LineWidth: 2, LineDash: StyleParam.DrawingStyle.Dash));
        }
        var chart = CSharpChart.Combine(charts);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: "time (ms)");
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: "message ordinal in the configuration");
        chart = Chart.withTitle(title, null).Invoke(chart);
        return Chart.withSize(1000.0, 560.0).Invoke(chart);
    }
}
