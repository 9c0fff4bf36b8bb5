// The delivery-order view (see DeliveryOrderLayout): columns side by side, each message a mark
// at its position, and a grey line joining the places where different processes delivered the
// same message in the same configuration — level lines where the orders agree. A long run has a
// thousand positions per column, which no page shows readably at once: the chart opens on the
// first few dozen, names written, and the rest is a pan down the axis away.
using Evs.Plots.Layout;
using Evs.Reference.Tracing;
using Plotly.NET;
using Chart = Plotly.NET.Chart;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Evs.Plots.Charts;

/// <summary>Per configuration, the order in which each process delivered.</summary>
public static class DeliveryOrderChart
{
    /// <summary>The chart opens on at most this many positions; more are a pan (or the toolbar's autoscale) away.</summary>
    public const int MostRowsShown = 30;

    /// <summary>Above this many deliveries, message names are left to the hover text, not written on the chart: the page stays light.</summary>
    private const int MostNamedDeliveries = 6000;

    /// <summary>The delivery-order chart of a trace.</summary>
    public static GenericChart Of(EvsTrace trace, string? title = null) =>
        Draw(DeliveryOrderLayout.Of(PlotEvents.Of(trace)),
            title ?? $"{trace.Header.Scenario ?? "trace"}: delivery order per configuration");

    /// <summary>Draws a delivery-order layout.</summary>
    public static GenericChart Draw(DeliveryOrderLayout layout, string title)
    {
        int rows = layout.Columns.Select(c => c.Deliveries.Count).DefaultIfEmpty(0).Max();
        int shown = Math.Min(rows, MostRowsShown);
        bool named = layout.Columns.Sum(c => c.Deliveries.Count) <= MostNamedDeliveries;
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
                named ? StyleParam.Mode.Markers_Text : StyleParam.Mode.Markers,
                Name: $"{service} delivery", MultiText: marks.Select(x => x.Delivery.Message!).ToList(),
                TextPosition: StyleParam.TextPosition.MiddleRight, MarkerColor: ChartStyle.ServiceColor(service)));
        }
        var chart = CSharpChart.Combine(charts);
        chart = Chart.withXAxis(ChartStyle.LabelledAxis(layout.Columns.Select((_, i) => (double)i), layout.Columns.Select(c => c.Label + (c.Transitional ? " (T)" : "")), "bottom",
            (-0.4, layout.Columns.Count - 1 + 0.7)), null).Invoke(chart); // room on the right for the last column's names
        var order = rows > shown
            ? ChartStyle.DownwardAxis($"position in the delivery order: 0–{shown - 1} of {rows} (drag the axis for the rest)", wholeNumbers: false, range: (-0.5, shown - 0.5))
            : ChartStyle.DownwardAxis("position in the process's delivery order", wholeNumbers: true);
        chart = Chart.withYAxis(order, null).Invoke(chart);
        chart = Chart.withTitle(title, null).Invoke(chart);
        return Chart.withSize((double)Math.Clamp(110 * layout.Columns.Count + 300, 600, 6000), Math.Max(18 * shown + 300, 450)).Invoke(chart);
    }

    private static double Index(DeliveryOrderLayout layout, DeliveryColumn column) => layout.Columns.ToList().IndexOf(column);
}
