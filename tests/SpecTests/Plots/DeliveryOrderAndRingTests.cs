// The delivery-order view (Specifications 4 and 6.3 at a glance) and the ring view (the token's
// seq and aru, derived from the trace): their layouts say what the charts show.
using Evs.Plots.Charts;
using Evs.Plots.Layout;
using Evs.Plots.Output;
using Plotly.NET;
using Xunit;

namespace SpecTests.Plots;

public class DeliveryOrderAndRingTests
{
    [Fact]
    public void Members_of_a_configuration_have_columns_side_by_side_and_identical_orders_there()
    {
        var events = PlotFixtures.Events(6);
        var layout = DeliveryOrderLayout.Of(events);

        foreach (var configuration in layout.Columns.GroupBy(c => c.Configuration))
        {
            var members = events.First(e => e.Kind == PlotEventKind.ConfigurationChange && e.Configuration == configuration.Key).Members!;
            Assert.Equal(members, configuration.Select(c => c.Process));
            // Specifications 4 and 6.3: members that go on together deliver the same messages in the same order.
            var orders = configuration.Select(c => string.Join(" ", c.Deliveries.Select(d => d.Message))).Distinct();
            Assert.Single(orders);
        }
        Assert.Contains(layout.Columns, c => c.Transitional && c.Label.EndsWith("· q", StringComparison.Ordinal));
    }

    [Fact]
    public void The_delivery_order_chart_has_a_column_label_per_process_and_configuration()
    {
        var run = PlotFixtures.Figure(4);
        var layout = DeliveryOrderLayout.Of(PlotEvents.Of(run.Trace));
        string html = GenericChart.toChartHTML(DeliveryOrderChart.Of(run.Trace));
        Assert.All(layout.Columns, c => Assert.Contains(c.Label, html));
        Assert.Contains("safe delivery", html);
    }

    [Fact]
    public void The_derived_aru_never_passes_seq_and_reaches_it_once_everyone_has_delivered()
    {
        var layout = RingLayout.Of(PlotFixtures.Events(6));

        Assert.NotEmpty(layout.Series);
        foreach (var series in layout.Series)
        {
            Assert.All(series.Samples, s => Assert.InRange(s.Aru, 0, s.Seq));
            Assert.Equal(series.Samples.Select(s => s.Seq).Order(), series.Samples.Select(s => s.Seq));
            Assert.Equal(series.Samples.Select(s => s.Aru).Order(), series.Samples.Select(s => s.Aru));
        }
        // The last regular configuration of a quiescent run: everything sent there was delivered by all.
        var last = layout.Series[^1].Samples[^1];
        Assert.Equal(last.Seq, last.Aru);
    }

    [Fact]
    public void A_long_delivery_order_opens_on_its_first_positions_with_names_written()
    {
        var run = PlotFixtures.Figure(6);
        var layout = DeliveryOrderLayout.Of(PlotEvents.Of(run.Trace));
        int rows = layout.Columns.Max(c => c.Deliveries.Count);
        Assert.True(rows > DeliveryOrderChart.MostRowsShown, $"Figure 6's run has only {rows} positions");

        var chart = DeliveryOrderChart.Of(run.Trace);
        string html = GenericChart.toChartHTML(chart);
        Assert.Contains($"\"range\":[{DeliveryOrderChart.MostRowsShown - 0.5},-0.5]", html); // downwards, the first positions only
        Assert.Contains($"of {rows} (drag the axis for the rest)", html);
        Assert.Contains("\"mode\":\"markers+text\"", html);
        Assert.InRange(ChartFiles.SizeOf(chart).Height, 450, 18 * DeliveryOrderChart.MostRowsShown + 300);
    }

    [Fact]
    public void The_ring_chart_has_a_seq_an_aru_and_an_in_flight_line_per_configuration()
    {
        var run = PlotFixtures.Figure(6);
        var layout = RingLayout.Of(PlotEvents.Of(run.Trace));
        var traces = GenericChart.getTraces(RingChart.Of(run.Trace)).ToList();
        Assert.Equal(3 * layout.Series.Count, traces.Count);

        string Name(int i) => (string)traces[i].TryGetPropertyValue("name").Value;
        for (int i = 0; i < layout.Series.Count; i++)
        {
            string configuration = layout.Series[i].Configuration;
            Assert.StartsWith($"seq {configuration} ", Name(3 * i));
            Assert.StartsWith($"aru {configuration} ", Name(3 * i + 1));
            Assert.StartsWith($"in flight {configuration}", Name(3 * i + 2));
        }
    }

    [Fact]
    public void A_long_run_is_zoomed_on_a_stretch_of_its_busiest_configuration_a_short_one_is_not()
    {
        var busy = RingLayout.Of(PlotFixtures.Events(6));
        var window = busy.Window(RingChart.WindowOrdinals);

        Assert.NotNull(window);
        var (from, to) = (window.Value.From, window.Value.To);
        var busiest = busy.Series.MaxBy(s => s.Samples[^1].Seq)!;
        Assert.True(from < to);
        int sent = busiest.Samples.Last(s => s.Time <= to).Seq - busiest.Samples.Last(s => s.Time <= from).Seq;
        Assert.InRange(sent, RingChart.WindowOrdinals - 5, RingChart.WindowOrdinals + 5);
        string html = GenericChart.toChartHTML(RingChart.Of(PlotFixtures.Figure(6).Trace));
        Assert.Contains($"zoomed on {from:0}–{to:0}", html);

        var quiet = RingLayout.Of(PlotFixtures.Events(1));
        Assert.True(quiet.Series.All(s => s.Samples[^1].Seq <= RingChart.WindowOrdinals));
        Assert.Null(quiet.Window(RingChart.WindowOrdinals));
    }
}
