// The runs the plot tests draw, made once: the scenarios of the paper's figures (small, every
// event meaningful) and the Figure 6 run of Section 3.1 behind the virtual synchrony filter.
using Evs.Plots.Figures;
using Evs.Plots.Layout;
using Evs.Reference.Simulation;

namespace SpecTests.Plots;

internal static class PlotFixtures
{
    private static readonly Lazy<SimulationResult>[] Figures =
        PaperFigures.All.Select(f => new Lazy<SimulationResult>(() => PaperFigures.Run(f))).ToArray();

    /// <summary>The run of the paper's Figure <paramref name="number"/> (7 is Figure 6's run behind the virtual synchrony filter).</summary>
    public static SimulationResult Figure(int number) => Figures[number - 1].Value;

    /// <summary>The plotted events of Figure <paramref name="number"/>'s run.</summary>
    public static IReadOnlyList<PlotEvent> Events(int number) => PlotEvents.Of(Figure(number).Trace);
}
