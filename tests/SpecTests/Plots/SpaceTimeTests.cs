// The space-time diagram (SpaceTimeLayout, SpaceTimeChart): it places what the paper's figures
// show where they show it — deliveries of one message on one logical row (Specification 6.2),
// each process's events downwards in its own order (1.2), sends above their deliveries (1.3),
// configuration changes as labelled bars, regular and transitional apart — and draws it.
using Evs.Plots.Charts;
using Evs.Plots.Layout;
using Plotly.NET;
using SpecTests.Checking;
using Xunit;

namespace SpecTests.Plots;

public class SpaceTimeTests
{
    [Fact]
    public void Deliveries_of_a_message_share_a_row_below_its_send_and_each_process_reads_downwards()
    {
        var events = PlotFixtures.Events(1);
        var rows = LogicalTime.Rows(events);
        foreach (var message in events.Where(e => e.Kind == PlotEventKind.Deliver).GroupBy(e => e.Message))
        {
            Assert.Single(message.Select(d => rows[d.Witness]).Distinct());
            var send = events.Single(e => e.Kind == PlotEventKind.Send && e.Message == message.Key);
            Assert.True(rows[send.Witness] < rows[message.First().Witness], $"{message.Key} is delivered above its send");
        }
        foreach (var process in events.GroupBy(e => e.Process))
        {
            var ordered = process.OrderBy(e => e.Index).Select(e => rows[e.Witness]).ToList();
            Assert.Equal(ordered.Order(), ordered);
        }
    }

    [Fact]
    public void A_delivery_is_drawn_below_its_send_even_when_the_receivers_clock_is_behind_the_senders()
    {
        // p sends m at 110 ms by its clock and fails before delivering it; q delivers m at 21 ms
        // by its own. Rows follow ord, which grows along send -> deliver whatever the clocks say.
        var events = PlotEvents.Of(TraceFiles.Read("legal", "sender-fails-before-self-delivery-receiver-clock-behind.jsonl"));
        var rows = LogicalTime.Rows(events);

        Assert.True(rows["p#1"] < rows["q#2"], "m is delivered above its send");
    }

    [Fact]
    public void The_layout_has_a_line_per_process_a_mark_per_event_a_line_per_message_and_labelled_bands()
    {
        var events = PlotFixtures.Events(1);
        var layout = SpaceTimeLayout.Of(events, new SpaceTimeOptions());

        Assert.Equal(["p", "q", "r"], layout.Processes.Select(p => p.Process));
        Assert.Equal(events.Count, layout.Marks.Count);
        Assert.Equal(events.Where(e => e.Message is not null).Select(e => e.Message).Distinct().Count(), layout.Messages.Count);
        Assert.Contains(layout.Bands, b => b.Transitional && b.Label == "{q,r} transitional");
        Assert.Contains(layout.Bands, b => !b.Transitional && b.Label == "{p,q,r}");
        Assert.Equal("logical time (ord)", layout.AxisTitle);
    }

    [Fact]
    public void Highlighted_events_are_marked_and_compact_leaves_out_messages_delivered_by_all_where_sent()
    {
        var events = PlotFixtures.Events(6);
        var transitional = events.Where(e => e.Kind == PlotEventKind.Deliver && e.Transitional).Select(e => e.Witness).ToHashSet();
        var layout = SpaceTimeLayout.Of(events, new SpaceTimeOptions(Compact: true, Highlight: transitional));

        Assert.Equal(transitional.Order(), layout.Marks.Where(m => m.Highlighted).Select(m => m.Event.Witness).Order());
        Assert.True(layout.Messages.Count < events.Select(e => e.Message).Distinct().Count() / 10, "compact kept most messages");
        Assert.All(transitional, w => Assert.Contains(layout.Marks, m => m.Event.Witness == w));
    }

    [Fact]
    public void In_milliseconds_an_event_is_drawn_at_its_time()
    {
        var events = PlotFixtures.Events(3);
        var layout = SpaceTimeLayout.Of(events, new SpaceTimeOptions(Axis: TimeAxis.Milliseconds));
        Assert.All(layout.Marks, m => Assert.Equal(m.Event.Time, m.At.Y));
        Assert.Equal("time (ms)", layout.AxisTitle);
    }

    [Fact]
    public void The_chart_draws_bands_marks_by_service_message_lines_and_stars()
    {
        var run = PlotFixtures.Figure(1);
        var star = new HashSet<string> { "r#0" };
        var chart = SpaceTimeChart.Of(run.Trace, new SpaceTimeOptions(Highlight: star));
        var names = GenericChart.getTraces(chart).Select(t => (string?)t.TryGetPropertyValue("name")?.Value).ToList();

        Assert.Contains("regular configuration", names);
        Assert.Contains("transitional configuration", names);
        foreach (var service in new[] { "causal", "agreed", "safe" })
        {
            Assert.Contains($"{service} send", names);
            Assert.Contains($"{service} delivery", names);
            Assert.Contains($"{service} message", names);
        }
        Assert.Contains("starred event (★)", names);
        string html = GenericChart.toChartHTML(chart);
        Assert.Contains("{q,r} transitional", html);
        Assert.Contains("\"autorange\":\"reversed\"", html); // time runs downwards
    }

    [Fact]
    public void A_virtual_synchrony_trace_is_drawn_with_views_as_bands_and_stops_as_failures()
    {
        var vs = PlotFixtures.Figure(7).VirtualSynchrony!;
        var layout = SpaceTimeLayout.Of(PlotEvents.Of(vs), new SpaceTimeOptions(Compact: true));

        Assert.Equal(vs.Events.OfType<Evs.Reference.VirtualSynchrony.ViewChange>().Select(v => v.View).Distinct().Count(), layout.Bands.Count);
        Assert.All(layout.Bands, b => Assert.False(b.Transitional));
        Assert.Equal(vs.Events.OfType<Evs.Reference.VirtualSynchrony.Stop>().Count(), layout.Marks.Count(m => m.Event.Kind == PlotEventKind.Fail));
        string html = GenericChart.toChartHTML(SpaceTimeChart.Of(vs));
        Assert.Contains("after the virtual synchrony filter", html);
    }
}
