// The proof that the FSharp.Core clash is solved where it happens (TOOLCHAIN.md, "Known break"):
// a real notebook, run by dotnet repl in the kernel's own process (FSharp.Core 10.0), draws a
// space-time diagram through KernelPlots — and, beside it, the same kernel fails to draw with
// Plotly.NET directly, so the facade is what makes the difference.
using System.Reflection;
using Xunit;

namespace SpecTests.Plots;

public class KernelNotebookTests
{
    private static string Dll(string name) => Path.Combine(NotebookKernel.PlotsOutput, name).Replace("\\", "/");

    [Fact]
    public void The_build_output_of_Evs_Plots_holds_FSharp_Core_10_1_and_Plotly_beside_it()
    {
        foreach (var dll in new[] { "Evs.Plots.dll", "Evs.Reference.dll", "Plotly.NET.dll", "Plotly.NET.CSharp.dll", "DynamicObj.dll", "Giraffe.ViewEngine.dll", "Newtonsoft.Json.dll" })
            Assert.True(File.Exists(Dll(dll)), $"{dll} is missing from {NotebookKernel.PlotsOutput}");
        Assert.Equal(new Version(10, 1, 0, 0), AssemblyName.GetAssemblyName(Dll("FSharp.Core.dll")).Version);
    }

    [Fact]
    public void A_notebook_in_the_students_kernel_draws_a_space_time_diagram_through_KernelPlots()
    {
        var run = NotebookKernel.Run(
            $"""
            #r "{Dll("Evs.Reference.dll")}"
            #r "{Dll("Evs.Plots.dll")}"
            using Evs.Plots;
            using Evs.Reference.Simulation;
            KernelPlots.PlotlyJsHtml().DisplayAs("text/html");
            var run = Simulator.Run(BuiltInScenarios.Get("figure6"), new SimulationOptions(718));
            KernelPlots.SpaceTimeHtml(run.Trace, compact: true).DisplayAs("text/html");
            """);

        Assert.True(run.ExitCode == 0, $"dotnet repl exited with {run.ExitCode}:\n{run.Log}\n{run.OutputsOf(0)[..Math.Min(3000, run.OutputsOf(0).Length)]}");
        string outputs = run.OutputsOf(0);
        Assert.Contains("evs-plot", outputs);
        Assert.Contains("Plotly.newPlot(", outputs);
        Assert.Contains("plotly.js v", outputs);
    }
}

/// <summary>The other half of the proof, in a class of its own so that xunit runs the two notebooks side by side.</summary>
public class KernelWithoutFacadeTests
{
    private static string Dll(string name) => Path.Combine(NotebookKernel.PlotsOutput, name).Replace("\\", "/");

    [Fact]
    public void The_same_kernel_fails_to_draw_with_Plotly_NET_directly()
    {
        var run = NotebookKernel.Run(
            $$"""
            #r "{{Dll("Plotly.NET.dll")}}"
            #r "{{Dll("Plotly.NET.CSharp.dll")}}"
            var chart = Plotly.NET.CSharp.Chart.Point<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 });
            display(HTML(Plotly.NET.GenericChart.toChartHTML(chart)));
            """);

        Assert.Equal(2, run.ExitCode); // dotnet repl: a cell failed
        string outputs = run.OutputsOf(0);
        Assert.Contains("\"error\"", outputs);
        Assert.DoesNotContain("Plotly.newPlot(", outputs);
    }
}
