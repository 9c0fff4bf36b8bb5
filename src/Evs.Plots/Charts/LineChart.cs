// Numbers against numbers: throughput against the number of processes, latency against the message
// size (notebook 07, from `evs bench`). Not a picture of a trace, but the notebooks need it and the
// student's kernel can only draw through KernelPlots, so it is drawn here, with the same Plotly.NET.
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Evs.Plots.Charts;

/// <summary>Lines with markers on one pair of axes.</summary>
public static class LineChart
{
    /// <summary>The chart of <paramref name="series"/>; a point count that differs between x and y is an error.</summary>
    /// <exception cref="ArgumentException">A series has more x than y values or the other way round.</exception>
    public static GenericChart Of(string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series)
    {
        foreach (var s in series)
            if (s.X.Count != s.Y.Count) throw new ArgumentException($"series \"{s.Name}\" has {s.X.Count} x values and {s.Y.Count} y values", nameof(series));
        var chart = CSharpChart.Combine(series.Select(s =>
            CSharpChart.Scatter<double, double, string>(s.X, s.Y, StyleParam.Mode.Lines_Markers, Name: s.Name)));
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: xLabel);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: yLabel);
        chart = Chart.withTitle(title, null).Invoke(chart);
        return Chart.withSize(900.0, 480.0).Invoke(chart);
    }
}
