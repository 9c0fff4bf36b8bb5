// The kernel-safe facade (KernelPlots) in this test process: each view comes back as one HTML
// fragment with plotly.js inside and the chart's div, drawn in the isolated load context.
// (The proof that it works inside a real notebook kernel is KernelNotebookTests.)
using Evs.Plots;
using Xunit;

namespace SpecTests.Plots;

public class KernelPlotsTests
{
    [Fact]
    public void Every_view_is_a_fragment_with_plotly_inside_and_the_chart()
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
            Assert.Contains("plotly.js v", html);
            Assert.Contains("Plotly.newPlot(", html);
            Assert.DoesNotContain("<script src=", html); // plotly.js is inside, not loaded from a CDN
        }
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
