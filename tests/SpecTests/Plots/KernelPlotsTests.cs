// The kernel-safe facade (KernelPlots) in this test process: each view comes back as one HTML
// fragment with plotly.js inside and the chart's div, drawn in the isolated load context.
// (The proof that it works inside a real notebook kernel is KernelNotebookTests.)
using Evs.Plots;
using Evs.Reference.Simulation;
using Xunit;

namespace SpecTests.Plots;

public class KernelPlotsTests
{
    private static readonly SimulationResult Figure6 =
        Simulator.Run(BuiltInScenarios.Get("figure6"), new SimulationOptions(69, Primary: "majority", VirtualSynchrony: true));

    [Fact]
    public void Every_view_is_a_fragment_with_plotly_inside_and_the_chart()
    {
        foreach (var html in new[]
        {
            KernelPlots.SpaceTimeHtml(Figure6.Trace, compact: true),
            KernelPlots.DeliveryOrderHtml(Figure6.Trace),
            KernelPlots.RingHtml(Figure6.Trace),
            KernelPlots.VsSpaceTimeHtml(Figure6.VirtualSynchrony!, compact: true),
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
        KernelPlots.RingHtml(Figure6.Trace);
        var contexts = System.Runtime.Loader.AssemblyLoadContext.All
            .Where(c => c.Assemblies.Any(a => a.GetName().Name == "Plotly.NET"))
            .Select(c => c.Name).ToList();
        Assert.Contains("Evs.Plots isolated from the kernel's FSharp.Core", contexts);
    }
}
