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
    public void In_milliseconds_an_event_is_drawn_at_its_time_from_the_first_event_or_a_step_below_a_configuration_change()
    {
        var events = PlotFixtures.Events(3);
        var layout = SpaceTimeLayout.Of(events, new SpaceTimeOptions(Axis: TimeAxis.Milliseconds));
        var clock = ClockTime.Of(events);
        double first = events.Min(e => e.Time);

        Assert.Equal(first, clock.Origin);
        Assert.Equal(0, layout.Marks.Min(m => m.At.Y));
        Assert.All(layout.Marks, m => Assert.True(m.At.Y >= m.Event.Time - first, $"{m.Event.Witness} is drawn before its time"));
        foreach (var process in layout.Marks.GroupBy(m => m.Event.Process))
        {
            var marks = process.OrderBy(m => m.Event.Index).ToList();
            for (int k = 1; k < marks.Count; k++)
            {
                bool change = marks[k].Event.Kind is PlotEventKind.ConfigurationChange or PlotEventKind.Fail
                              || marks[k - 1].Event.Kind is PlotEventKind.ConfigurationChange or PlotEventKind.Fail;
                double least = marks[k - 1].At.Y + (change ? clock.Step : 0);
                Assert.True(marks[k].At.Y >= least - 1e-9, $"{marks[k].Event.Witness} is not below {marks[k - 1].Event.Witness}");
                if (marks[k].At.Y > marks[k].Event.Time - first + 1e-9) Assert.Equal(least, marks[k].At.Y, 9); // moved only as far as it must
            }
        }
        Assert.Equal("time (ms from the first event)", layout.AxisTitle);
    }

    [Fact]
    public void A_transitional_configuration_and_the_regular_one_installed_in_the_same_millisecond_are_drawn_apart_and_labelled_apart()
    {
        // A real node installs the transitional configuration, delivers in it, and installs the next
        // regular one in one step: one millisecond for all three, at every member.
        const double t = 1_796_598_808_715.29;
        List<PlotEvent> events =
        [
            new("p2", 0, t - 5000, PlotEventKind.ConfigurationChange, "R1.p1", false, Members: ["p2", "p3"]),
            new("p3", 0, t - 5000, PlotEventKind.ConfigurationChange, "R1.p1", false, Members: ["p2", "p3"]),
            new("p2", 1, t - 4000, PlotEventKind.Send, "R1.p1", false, "p2.1.1", "agreed", Text: "hello from p2"),
            new("p3", 1, t, PlotEventKind.ConfigurationChange, "T2.p3/R1.p1", true, Members: ["p3"]),
            new("p3", 2, t, PlotEventKind.Deliver, "T2.p3/R1.p1", true, "p2.1.1", "agreed", Text: "hello from p2"),
            new("p3", 3, t, PlotEventKind.ConfigurationChange, "R2.p2", false, Members: ["p2", "p3"]),
            new("p2", 2, t, PlotEventKind.ConfigurationChange, "R2.p2", false, Members: ["p2", "p3"]),
        ];
        var layout = SpaceTimeLayout.Of(events, new SpaceTimeOptions(Axis: TimeAxis.Milliseconds));
        double Y(string witness) => layout.Marks.Single(m => m.Event.Witness == witness).At.Y;

        Assert.Equal(0, Y("p2#0"));
        Assert.Equal(5000, Y("p3#1"));
        Assert.True(Y("p3#2") > Y("p3#1") && Y("p3#3") > Y("p3#2"), "the transitional configuration, its delivery and the regular one are not drawn apart");
        Assert.DoesNotContain(layout.Labels, l => l.Text.Contains("{p3} transitional", StringComparison.Ordinal) && l.Text.Contains("{p2,p3}", StringComparison.Ordinal));
        var heights = layout.Labels.Select(l => l.At.Y).Order().ToList();
        for (int k = 1; k < heights.Count; k++) Assert.True(heights[k] - heights[k - 1] >= 0.75 * ClockTime.Of(events).Step, "two labels overprint");
        Assert.Contains("“hello from p2”", layout.Marks.Single(m => m.Event.Witness == "p2#1").Hover);
        Assert.Equal("“hello from p2”", events[2].MessageLabel);
    }

    [Fact]
    public void Bars_at_one_height_share_one_label_after_the_rightmost_of_them()
    {
        // p1 and p3 are cut off from each other in the same millisecond: both transitional bars at
        // one height. Each label at its own bar's end would print over the other bar.
        const double t = 20_000;
        List<PlotEvent> events =
        [
            new("p1", 0, 0, PlotEventKind.ConfigurationChange, "R1.p1", false, Members: ["p1", "p2", "p3"]),
            new("p2", 0, 0, PlotEventKind.ConfigurationChange, "R1.p1", false, Members: ["p1", "p2", "p3"]),
            new("p3", 0, 0, PlotEventKind.ConfigurationChange, "R1.p1", false, Members: ["p1", "p2", "p3"]),
            new("p1", 1, t, PlotEventKind.ConfigurationChange, "T2.p1/R1.p1", true, Members: ["p1", "p2"]),
            new("p2", 1, t, PlotEventKind.ConfigurationChange, "T2.p1/R1.p1", true, Members: ["p1", "p2"]),
            new("p3", 1, t, PlotEventKind.ConfigurationChange, "T2.p3/R1.p1", true, Members: ["p3"]),
        ];
        var layout = SpaceTimeLayout.Of(events, new SpaceTimeOptions(Axis: TimeAxis.Milliseconds));

        Assert.Equal(2, layout.Labels.Count);
        var shared = layout.Labels.Single(l => l.At.Y > 0);
        Assert.Equal("{p1,p2} transitional  ·  {p3} transitional", shared.Text);
        Assert.Equal(2.35, shared.At.X, 9);
    }

    [Fact]
    public void The_paper_figures_labels_stay_at_their_bars_ends_in_logical_time()
    {
        var layout = SpaceTimeLayout.Of(PlotFixtures.Events(6), new SpaceTimeOptions());

        Assert.Equal(layout.Bands.Count, layout.Labels.Count);
        foreach (var band in layout.Bands)
            Assert.Contains(layout.Labels, l => l.Text == band.Label && l.At == band.Segments[^1][^1] with { X = band.Segments[^1][^1].X + 0.35 });
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
