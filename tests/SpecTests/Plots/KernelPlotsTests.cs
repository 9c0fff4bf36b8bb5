// The kernel-safe facade (KernelPlots) in this test process: each view comes back as one HTML
// fragment with the chart's div and the script that draws it with the page's plotly.js, drawn in
// the isolated load context; plotly.js itself comes once, from PlotlyJsHtml. (The proof that it
// works inside a real notebook kernel is KernelNotebookTests; that the charts draw in a browser,
// the notebook tests.)
using Evs.Plots;
using Evs.Plots.Figures;
using Evs.Plots.Layout;
using Evs.Reference.Model;
using Xunit;

namespace SpecTests.Plots;

public class KernelPlotsTests
{
    [Fact]
    public void Every_view_is_a_fragment_with_the_chart_and_no_copy_of_plotly_js()
    {
        foreach (var html in new[]
        {
            KernelPlots.SpaceTimeHtml(PlotFixtures.Figure(1).Trace, highlight: ["r#0"]),
            KernelPlots.DeliveryOrderHtml(PlotFixtures.Figure(1).Trace),
            KernelPlots.RingHtml(PlotFixtures.Figure(1).Trace),
            KernelPlots.VsSpaceTimeHtml(PlotFixtures.Figure(7).VirtualSynchrony!, compact: true),
        })
        {
            Assert.StartsWith("<div class=\"evs-plot\">", html);
            Assert.Contains("Plotly.newPlot(", html);
            Assert.Contains("if (window.Plotly)", html); // draws once the page's plotly.js is there
            Assert.DoesNotContain("plotly.js v", html);
            Assert.DoesNotContain("<script src=", html);
            Assert.True(html.Length < 200_000, $"a fragment of {html.Length} characters carries more than its chart");
        }
    }

    [Fact]
    public void Plotly_js_comes_once_for_the_page_with_require_js_define_set_aside_while_it_loads()
    {
        string html = KernelPlots.PlotlyJsHtml();
        Assert.Contains("plotly.js v", html);
        Assert.DoesNotContain("<script src=", html); // inside, not from a CDN
        int aside = html.IndexOf("window.define = undefined", StringComparison.Ordinal);
        int plotly = html.IndexOf("plotly.js v", StringComparison.Ordinal);
        int back = html.IndexOf("window.define = window.evsDefineAside", StringComparison.Ordinal);
        Assert.True(aside >= 0 && aside < plotly && plotly < back, "define is set aside before plotly.js and put back after it");
    }

    [Fact]
    public void The_stars_of_Figure_6_come_from_the_facade_as_evs_figures_picks_them()
    {
        var figure = PaperFigures.All.Single(f => f.Number == 6);
        var run = PlotFixtures.Figure(6);

        var stars = KernelPlots.TransitionalDeliveries(run.Trace);

        Assert.Equal(figure.Witnesses(PlotEvents.Of(run.Trace)), stars);
        // r's safe message n of Section 3.1: its send, and q's and r's deliveries in {q,r}.
        var n = run.Trace.Events.Where(e => e is Send { Message.Name: "r.1.58" } or Deliver { Message.Name: "r.1.58" }).Select(e => $"{e.Process}#{e.Index}").ToList();
        Assert.Equal(3, n.Count);
        Assert.All(n, witness => Assert.Contains(witness, stars));
        Assert.Contains("starred event (★)", KernelPlots.SpaceTimeHtml(run.Trace, stars, compact: true));
    }

    [Fact]
    public void Numbers_measured_rather_than_traced_draw_as_lines_with_their_names_and_axes()
    {
        var html = KernelPlots.LinesHtml("throughput against the ring's size", "processes", "deliveries/s per node",
            [new LineSeries("1000 B", [2, 3, 4], [21000, 19000, 15000]), new LineSeries("100 B", [2, 3, 4], [60000, 52000, 40000])]);
        Assert.StartsWith("<div class=\"evs-plot\">", html);
        Assert.Contains("throughput against the ring's size", html);
        Assert.Contains("deliveries/s per node", html);
        Assert.Contains("\"name\":\"100 B\"", html);
        Assert.Contains("21000", html);

        var uneven = Assert.Throws<InvalidOperationException>(() => KernelPlots.LinesHtml("t", "x", "y", [new LineSeries("s", [1, 2], [1])]));
        Assert.Contains("series \"s\" has 2 x values and 1 y values", uneven.Message);
    }

    [Fact]
    public void Whole_numbers_a_few_apart_get_one_tick_each_and_nothing_between()
    {
        // Processes: 2, 3, 4 and never 2.5.
        Assert.Contains("\"dtick\":1", KernelPlots.LinesHtml("t", "processes", "y", [new LineSeries("s", [2, 3, 4], [1, 2, 3])]));
        // Bytes: a tick per byte would be thousands; plotly.js picks its steps.
        Assert.DoesNotContain("\"dtick\"", KernelPlots.LinesHtml("t", "message size (bytes)", "y", [new LineSeries("s", [1000, 8000], [1, 2])]));
        // Measurements that are not whole numbers: plotly.js picks its steps.
        Assert.DoesNotContain("\"dtick\"", KernelPlots.LinesHtml("t", "x", "y", [new LineSeries("s", [0.5, 1.5], [1, 2])]));
    }

    [Fact]
    public void The_drawing_happens_in_a_load_context_of_its_own()
    {
        KernelPlots.RingHtml(PlotFixtures.Figure(1).Trace);
        var contexts = System.Runtime.Loader.AssemblyLoadContext.All
            .Where(c => c.Assemblies.Any(a => a.GetName().Name == "Plotly.NET"))
            .Select(c => c.Name).ToList();
        Assert.Contains("Evs.Plots isolated from the kernel's FSharp.Core", contexts);
    }
}
