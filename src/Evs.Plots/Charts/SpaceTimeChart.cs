// The paper's Figures 1-7 as interactive charts: one vertical line per process, time running
// downwards, configuration changes as bars across their members' lines (regular solid,
// transitional dashed), sends and deliveries as marks coloured by service, each send joined to
// its deliveries, and — for a figure — the events a specification talks about marked with the
// paper's star. SpaceTimeLayout has placed everything; this class only draws it.
using Evs.Plots.Layout;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;
using Plotly.NET;
using Plotly.NET.LayoutObjects;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Evs.Plots.Charts;

/// <summary>Space-time diagrams of extended virtual synchrony and virtual synchrony histories.</summary>
public static class SpaceTimeChart
{
    /// <summary>Up to this many messages, each send is labelled with its message's name.</summary>
    private const int MostLabelledMessages = 30;

    /// <summary>The space-time diagram of an extended virtual synchrony trace (docs/TRACE.md).</summary>
    public static GenericChart Of(EvsTrace trace, SpaceTimeOptions? options = null) =>
        Draw(SpaceTimeLayout.Of(PlotEvents.Of(trace), options ?? new()), options?.Title ?? DefaultTitle(trace.Header.Scenario, trace.Header.Seed, "extended virtual synchrony"));

    /// <summary>The space-time diagram of a virtual synchrony trace (docs/VS-TRACE.md): views are drawn as regular configurations, a stop as a failure.</summary>
    public static GenericChart Of(VsTrace trace, SpaceTimeOptions? options = null) =>
        Draw(SpaceTimeLayout.Of(PlotEvents.Of(trace), options ?? new()), options?.Title ?? DefaultTitle(trace.Header.Scenario, trace.Header.Seed, "after the virtual synchrony filter"));

    /// <summary>Draws a placed diagram.</summary>
    public static GenericChart Draw(SpaceTimeLayout layout, string title)
    {
        var charts = new List<GenericChart> { ProcessLines(layout) };
        charts.AddRange(Bands(layout));
        charts.AddRange(Messages(layout));
        charts.AddRange(Marks(layout));
        if (layout.Marks.Any(m => m.Highlighted)) charts.Add(Highlights(layout));
        int height = Math.Clamp(18 * layout.Rows + 220, 480, 4000);
        double labels = layout.Labels.Select(l => l.At.X + SpaceTimeLayout.Width(l.Text)).DefaultIfEmpty(0).Max();
        double right = Math.Max(layout.Processes.Count - 1 + 1.6, labels + 0.2); // room on the right for the configurations' labels
        double sends = SendLabels(layout).Select(m => m.At.X - SpaceTimeLayout.Width(m.Event.MessageLabel!)).DefaultIfEmpty(0).Min();
        double left = Math.Min(-0.6, sends - 0.2); // and on the left for the labels of the first column's sends
        int width = (int)(160 * (right - left) + 180);
        var chart = ChartStyle.HoverTextOnly(CSharpChart.Combine(charts));
        var columns = ChartStyle.LabelledAxis(layout.Processes.Select(p => p.X), layout.Processes.Select(p => p.Process), "top", (left, right));
        chart = Chart.withXAxis(columns, null).Invoke(chart);
        chart = Chart.withYAxis(ChartStyle.DownwardAxis(layout.AxisTitle), null).Invoke(chart);
        chart = Chart.withTitle(title, null).Invoke(chart);
        return Chart.withSize((double)width, height).Invoke(chart);
    }

    private static string DefaultTitle(string? scenario, long? seed, string model) =>
        $"{scenario ?? "trace"}{(seed is { } s ? $", seed {s}" : "")}: {model}";

    private static GenericChart ProcessLines(SpaceTimeLayout layout)
    {
        var line = new Polyline();
        foreach (var p in layout.Processes)
            foreach (var (from, to) in p.Lives)
                line.AddPiece([(p.X, from, p.Process), (p.X, to, p.Process)]);
        return CSharpChart.Scatter<double, double, string>(line.X, line.Y, StyleParam.Mode.Lines, Name: "process", ShowLegend: false,
            MultiText: line.Text, LineColor: ChartStyle.ProcessLineColor, LineWidth: 1.5);
    }

    // A configuration change is a bar across the columns of the members that install it,
    // reaching a little beyond the outer ones so that a singleton shows too. The labels are placed
    // by the layout (at a bar's right end, or shared by bars at one height) and drawn in one trace.
    private static IEnumerable<GenericChart> Bands(SpaceTimeLayout layout)
    {
        foreach (bool transitional in new[] { false, true })
        {
            var bands = layout.Bands.Where(b => b.Transitional == transitional).ToList();
            if (bands.Count == 0) continue;
            var bars = new Polyline();
            foreach (var band in bands)
            {
                string hover = $"{(transitional ? "transitional" : "regular")} configuration {band.Configuration}<br>members {{{string.Join(",", band.Members)}}}"
                               + (band.Primary is { } primary ? primary ? "<br>primary component" : "<br>not a primary component" : "");
                foreach (var segment in band.Segments)
                    bars.AddPiece([(segment[0].X - 0.3, segment[0].Y, hover), .. segment.Select(p => (p.X, p.Y, hover)), (segment[^1].X + 0.3, segment[^1].Y, hover)]);
            }
            var color = transitional ? ChartStyle.TransitionalColor : ChartStyle.RegularColor;
            string name = transitional ? "transitional configuration" : "regular configuration";
            yield return CSharpChart.Scatter<double, double, string>(bars.X, bars.Y, StyleParam.Mode.Lines, Name: name,
                MultiText: bars.Text, LineColor: color, LineWidth: transitional ? 5 : 7,
                LineDash: transitional ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Solid, Opacity: 0.75);
        }
        if (layout.Labels.Count == 0) yield break;
        yield return CSharpChart.Scatter<double, double, string>(layout.Labels.Select(l => l.At.X), layout.Labels.Select(l => l.At.Y), StyleParam.Mode.Text,
            Name: "configuration members", ShowLegend: false, MultiText: layout.Labels.Select(l => l.Text).ToList(), TextPosition: StyleParam.TextPosition.MiddleRight);
    }

    // Each message: a thin line from its send to every delivery, in its service's colour.
    private static IEnumerable<GenericChart> Messages(SpaceTimeLayout layout)
    {
        foreach (var service in ChartStyle.Services)
        {
            var line = new Polyline();
            foreach (var m in layout.Messages.Where(m => m.Service == service && m.From is not null))
                foreach (var to in m.To)
                    line.AddPiece([(m.From!.Value.X, m.From.Value.Y, m.Message), (to.X, to.Y, m.Message)]);
            if (line.IsEmpty) continue;
            yield return CSharpChart.Scatter<double, double, string>(line.X, line.Y, StyleParam.Mode.Lines, Name: $"{service} message",
                ShowLegend: false, MultiText: line.Text, LineColor: ChartStyle.ServiceColor(service), LineWidth: 1, Opacity: 0.45);
        }
    }

    // The sends labelled with their message, to the left of their mark: every send of a small diagram.
    private static IEnumerable<SpaceTimeMark> SendLabels(SpaceTimeLayout layout) =>
        layout.Messages.Count <= MostLabelledMessages ? layout.Marks.Where(m => m.Event.Kind == PlotEventKind.Send) : [];

    // Sends are open circles, deliveries filled ones, both in the service's colour; a failure is
    // a black cross; a configuration change a small square on its bar. In a small diagram each
    // send is labelled with its message, as the paper names l, m and n.
    private static IEnumerable<GenericChart> Marks(SpaceTimeLayout layout)
    {
        bool labelSends = layout.Messages.Count <= MostLabelledMessages;
        var groups = layout.Marks.GroupBy(m => (m.Event.Kind, m.Event.Service))
            .OrderBy(g => g.Key.Kind).ThenBy(g => g.Key.Service is { } s ? ChartStyle.Services.ToList().IndexOf(s) : -1);
        foreach (var group in groups)
        {
            var (kind, service) = group.Key;
            (string name, StyleParam.MarkerSymbol symbol, Color color, int size) = kind switch
            {
                PlotEventKind.Send => ($"{service} send", StyleParam.MarkerSymbol.NewModified(StyleParam.MarkerSymbol.Circle, StyleParam.SymbolStyle.Open), ChartStyle.ServiceColor(service), 10),
                PlotEventKind.Deliver => ($"{service} delivery", StyleParam.MarkerSymbol.Circle, ChartStyle.ServiceColor(service), 7),
                PlotEventKind.Fail => ("failure", StyleParam.MarkerSymbol.X, Color.fromHex("#000000"), 13),
                _ => ("configuration change", StyleParam.MarkerSymbol.Square, ChartStyle.RegularColor, 6),
            };
            bool labelled = labelSends && kind == PlotEventKind.Send;
            var chart = CSharpChart.Scatter<double, double, string>(group.Select(m => m.At.X), group.Select(m => m.At.Y),
                labelled ? StyleParam.Mode.Markers_Text : StyleParam.Mode.Markers, TextPosition: StyleParam.TextPosition.MiddleLeft,
                Name: name, ShowLegend: kind != PlotEventKind.ConfigurationChange, MultiText: group.Select(m => labelled ? System.Net.WebUtility.HtmlEncode(m.Event.MessageLabel!) : m.Hover).ToList(),
                MarkerSymbol: symbol, MarkerColor: color, Marker: Plotly.NET.TraceObjects.Marker.init(
                    null, null, null, null, null, null, null, color, null, null, null, null, null, null, null, null, null, null, null, null, null, size,
                    null, null, null, null, null, null, symbol, null, null, null, null, null));
            yield return labelled ? ChartStyle.WithHoverTexts(chart, group.Select(m => m.Hover)) : chart;
        }
    }

    private static GenericChart Highlights(SpaceTimeLayout layout)
    {
        var marks = layout.Marks.Where(m => m.Highlighted).ToList();
        return CSharpChart.Scatter<double, double, string>(marks.Select(m => m.At.X), marks.Select(m => m.At.Y), StyleParam.Mode.Markers,
            Name: "starred event (★)", MultiText: marks.Select(m => m.Hover).ToList(), MarkerSymbol: StyleParam.MarkerSymbol.Star,
            Marker: Plotly.NET.TraceObjects.Marker.init(
                null, null, null, null, null, null, null, ChartStyle.HighlightColor, null, null, null, null, null, null,
                Line.init(null, null, null, null, null, null, Color.fromHex("#000000"), null, null, null, null, null, null, null, null, null, 1.0, null, null, null),
                null, null, null, null, null, null, 16, null, null, null, null, null, null, StyleParam.MarkerSymbol.Star, null, null, null, null, null));
    }
}
