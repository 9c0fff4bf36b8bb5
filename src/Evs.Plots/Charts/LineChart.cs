// Numbers against numbers: throughput against the number of processes, latency against the message
// size (notebook 07, from `evs bench`). Not a picture of a trace, but the notebooks need it and the
// student's kernel can only draw through KernelPlots, so it is drawn here, with the same Plotly.NET.
using DynamicObj;
using Plotly.NET;
using Plotly.NET.LayoutObjects;
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
        chart = Chart.withXAxis(XAxis(xLabel, series.SelectMany(s => s.X).ToList()), null).Invoke(chart);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: yLabel);
        chart = Chart.withTitle(title, null).Invoke(chart);
        return Chart.withSize(900.0, 480.0).Invoke(chart);
    }

    // The longest span of whole-number x values that still gets one tick per whole number.
    private const double WholeNumberTicksUpTo = 20;

    // The x axis, titled. When every x is a whole number and they span a few units (processes,
    // not bytes), one tick per whole number: plotly.js would otherwise put ticks at 2.5 and 3.5
    // processes. A wider span is left to plotly.js, whose steps are then whole numbers anyway.
    private static LinearAxis XAxis(string title, IReadOnlyList<double> xs)
    {
        var axis = new LinearAxis();
        axis.SetProperty("title", Title.init(Text: title, null, null, null, null, null, null, null, null, null, null, null));
        if (xs.Count > 0 && xs.All(x => x == Math.Floor(x)) && xs.Max() - xs.Min() <= WholeNumberTicksUpTo)
            axis.SetProperty("dtick", 1);
        return axis;
    }
}
