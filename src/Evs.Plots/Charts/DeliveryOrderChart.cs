// The delivery-order view (see DeliveryOrderLayout): columns side by side, each message a mark
// at its position, and a grey line joining the places where different processes delivered the
// same message in the same configuration — level lines where the orders agree.
using Evs.Plots.Layout;
using Plotly.NET;
using Trace = Evs.Reference.Tracing.Trace;
using Chart = Plotly.NET.Chart;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Evs.Plots.Charts;

/// <summary>Per configuration, the order in which each process delivered.</summary>
public static class DeliveryOrderChart
{
    /// <summary>Above this many rows, message names are left to the hover text, not written on the chart.</summary>
    private const int MostRowsWithNames = 40;

    /// <summary>The delivery-order chart of a trace.</summary>
    public static GenericChart Of(Trace trace, string? title = null) =>
        Draw(DeliveryOrderLayout.Of(PlotEvents.Of(trace)),
            title ?? $"{trace.Header.Scenario ?? "trace"}: delivery order per configuration");

    /// <summary>Draws a delivery-order layout.</summary>
    public static GenericChart Draw(DeliveryOrderLayout layout, string title)
    {
        int rows = layout.Columns.Select(c => c.Deliveries.Count).DefaultIfEmpty(0).Max();
        var charts = new List<GenericChart>();
        foreach (var configuration in layout.Columns.GroupBy(c => c.Configuration))
        {
            var same = new Polyline();
            var positions = configuration.SelectMany(c => c.Deliveries.Select((d, i) => (Column: c, Delivery: d, Row: i))).ToList();
            foreach (var message in positions.GroupBy(x => x.Delivery.Message).Where(g => g.Count() > 1))
                same.AddPiece(message.Select(x => (Index(layout, x.Column), (double)x.Row, message.Key!)));
            if (!same.IsEmpty)
                charts.Add(CSharpChart.Scatter<double, double, string>(same.X, same.Y, StyleParam.Mode.Lines, Name: "same message",
                    ShowLegend: false, MultiText: same.Text, LineColor: ChartStyle.ProcessLineColor, LineWidth: 1));
        }
        foreach (var service in ChartStyle.Services)
        {
            var marks = layout.Columns.SelectMany(c => c.Deliveries.Select((d, i) => (Column: c, Delivery: d, Row: i)))
                .Where(x => x.Delivery.Service == service).ToList();
            if (marks.Count == 0) continue;
            charts.Add(CSharpChart.Scatter<double, double, string>(
                marks.Select(x => Index(layout, x.Column)), marks.Select(x => (double)x.Row),
                rows <= MostRowsWithNames ? StyleParam.Mode.Markers_Text : StyleParam.Mode.Markers,
                Name: $"{service} delivery", MultiText: marks.Select(x => x.Delivery.Message!).ToList(),
                TextPosition: StyleParam.TextPosition.MiddleRight, MarkerColor: ChartStyle.ServiceColor(service)));
        }
        var chart = CSharpChart.Combine(charts);
        chart = Chart.withXAxis(ChartStyle.LabelledAxis(layout.Columns.Select((_, i) => (double)i), layout.Columns.Select(c => c.Label + (c.Transitional ? " (T)" : "")), "bottom"), null).Invoke(chart);
        chart = Chart.withYAxis(ChartStyle.DownwardAxis("position in the process's delivery order", wholeNumbers: rows <= MostRowsWithNames), null).Invoke(chart);
        chart = Chart.withTitle(title, null).Invoke(chart);
        return Chart.withSize((double)Math.Clamp(110 * layout.Columns.Count + 300, 600, 6000), Math.Clamp(18 * rows + 300, 450, 4000)).Invoke(chart);
    }

    private static double Index(DeliveryOrderLayout layout, DeliveryColumn column) => layout.Columns.ToList().IndexOf(column);
}
