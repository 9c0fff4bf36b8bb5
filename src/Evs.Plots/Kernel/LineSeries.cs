// One line of a line chart (KernelPlots.LinesHtml, LineChart): plain values, no Plotly.NET type,
// so that a notebook's kernel can build it whatever FSharp.Core it has loaded.
namespace Evs.Plots;

/// <summary>One line: its name in the legend and its points.</summary>
/// <param name="Name">The legend's entry.</param>
/// <param name="X">The x of each point.</param>
/// <param name="Y">The y of each point, as many as <paramref name="X"/>.</param>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);
