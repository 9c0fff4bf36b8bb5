// Issue #6: the paper's Figures 1-7 regenerated from real runs of the simulator, so that a
// student sees each specification exercised by the implementation rather than drawn by hand.
// Each figure is a scenario (figures/scenarios/figure-N.json, or the built-in figure6 of
// Section 3.1) and a seed; its trace must pass every specification, and its space-time diagram
// stars the events the specification talks about (FigureWitnesses).
using Evs.Plots.Charts;
using Evs.Plots.Layout;
using Evs.Plots.Output;
using Evs.Reference.Checking;
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;
using Plotly.NET;

namespace Evs.Plots.Figures;

/// <summary>One of the paper's figures: what it shows and the run that shows it.</summary>
/// <param name="Number">The figure's number in the paper.</param>
/// <param name="Title">The paper's caption.</param>
/// <param name="Shows">What the regenerated figure shows, in a sentence.</param>
/// <param name="Scenario">A scenario of figures/scenarios (<c>figure-1</c>) or a built-in one (<c>figure6</c>).</param>
/// <param name="Seed">The seed of the run.</param>
/// <param name="Compact">Leave out the messages delivered by everyone where they were sent (busy runs).</param>
/// <param name="VirtualSynchrony">Also run the virtual synchrony filter and draw its history beside (Figure 7).</param>
/// <param name="Witnesses">The rule that picks the events to star.</param>
public sealed record PaperFigure(
    int Number, string Title, string Shows, string Scenario, long Seed, bool Compact, bool VirtualSynchrony,
    Func<IReadOnlyList<PlotEvent>, IReadOnlyList<string>> Witnesses)
{
    /// <summary>The file name stem of the figure's files: <c>figure-3</c>.</summary>
    public string FileStem => $"figure-{Number}";
}

/// <summary>What regenerating a figure produced.</summary>
public sealed record FigureFiles(PaperFigure Figure, EvsTrace Trace, CheckReport Report, VsTrace? VsTrace, CheckReport? VsReport, IReadOnlyList<string> Files)
{
    /// <summary>Whether the trace passed every specification (and the filtered history every virtual synchrony condition).</summary>
    public bool Passed => Report.AllPassed && (VsReport?.AllPassed ?? true);
}

/// <summary>The paper's Figures 1-7 and how to regenerate them.</summary>
public static class PaperFigures
{
    private const string ResourcePrefix = "Evs.Plots.Figures.Scenarios.";

    /// <summary>Every figure, in the paper's order.</summary>
    public static IReadOnlyList<PaperFigure> All { get; } =
    [
        new(1, "Basic Delivery Specifications",
            "Specifications 1.1-1.4: every delivery follows its send, in the configuration it was sent in or the transitional one after it (r's last safe message, starred, in {q,r}).",
            "figure-1", 1, false, false, FigureWitnesses.TransitionalDeliveries),
        new(2, "Configuration Change Specifications",
            "Specifications 2.1-2.4: a partition of {p,q,r,s} into {p,q} and {r,s}; every member delivers the same configuration changes, transitional then regular (starred for the first half to change).",
            "figure-2", 1, false, false, FigureWitnesses.ConfigurationChange),
        new(3, "Self-Delivery Specification",
            "Specification 3: p sends two safe messages just before it is cut off and delivers them itself, in the transitional configuration {p} (starred).",
            "figure-3", 1, false, false, FigureWitnesses.SelfDelivery),
        new(4, "Failure Atomicity Specification",
            "Specification 4: the halves {p,q} and {r,s} each go together from {p,q,r,s} through a transitional configuration and deliver the same messages there (starred for the first half to change).",
            "figure-4", 1, false, false, FigureWitnesses.FailureAtomicity),
        new(5, "Causal Delivery Specification",
            "Specification 5: q delivers p's message before sending its own, so r delivers p's first (starred).",
            "figure-5", 1, false, false, FigureWitnesses.CausalDelivery),
        new(6, "An Example of Configuration Changes and Message Delivery",
            "Section 3.1: {p,q,r} splits, p alone, q and r merge with {s,t}; r's safe message n is delivered by q and r in the transitional {q,r}, p's l only by p (starred: every message delivered in a transitional configuration).",
            "figure6", 718, true, false, FigureWitnesses.TransitionalDeliveries),
        new(7, "Virtual Synchrony and Extended Virtual Synchrony",
            "Section 5: the Figure 6 run (majority primary component) under extended virtual synchrony, and below it what the virtual synchrony filter makes of it.",
            "figure6", 718, true, true, FigureWitnesses.TransitionalDeliveries),
    ];

    /// <summary>The scenario of a figure: from figures/scenarios (built into this assembly) or built into the library.</summary>
    public static Scenario ScenarioOf(PaperFigure figure)
    {
        using var stream = typeof(PaperFigures).Assembly.GetManifestResourceStream(ResourcePrefix + figure.Scenario + ".json");
        if (stream is null) return BuiltInScenarios.Get(figure.Scenario);
        using var reader = new StreamReader(stream);
        return ScenarioReader.Parse(reader.ReadToEnd(), $"figures/scenarios/{figure.Scenario}.json", figure.Scenario);
    }

    /// <summary>Runs the figure's scenario in the simulator (behind the virtual synchrony filter for Figure 7).</summary>
    public static SimulationResult Run(PaperFigure figure) =>
        Simulator.Run(ScenarioOf(figure), figure.VirtualSynchrony
            ? new SimulationOptions(figure.Seed, Primary: "majority", VirtualSynchrony: true)
            : new SimulationOptions(figure.Seed));

    /// <summary>The figure's charts: its space-time diagram with the witnesses starred, and for Figure 7 the filtered history's.</summary>
    public static IReadOnlyList<GenericChart> Charts(PaperFigure figure, SimulationResult run)
    {
        var witnesses = figure.Witnesses(PlotEvents.Of(run.Trace));
        string title = $"Figure {figure.Number}. {figure.Title} — {figure.Scenario}, seed {figure.Seed}";
        var charts = new List<GenericChart>
        {
            SpaceTimeChart.Of(run.Trace, new SpaceTimeOptions(TimeAxis.Logical, figure.Compact, witnesses.ToHashSet(),
                figure.VirtualSynchrony ? title + ": extended virtual synchrony" : title)),
        };
        if (run.VirtualSynchrony is { } vs)
            charts.Add(SpaceTimeChart.Of(vs, new SpaceTimeOptions(TimeAxis.Logical, figure.Compact, null, title + ": after the virtual synchrony filter")));
        return charts;
    }

    /// <summary>
    /// Regenerates a figure into <paramref name="folder"/>: its trace (figure-N.jsonl, and
    /// figure-N-vs.jsonl for Figure 7), its page (figure-N.html, plotly.js inside) and, when
    /// <paramref name="png"/>, its picture (figure-N.png, through Chromium). Files are written
    /// even when a check fails, so the failure can be looked at.
    /// </summary>
    public static FigureFiles Write(PaperFigure figure, string folder, bool png)
    {
        Directory.CreateDirectory(folder);
        var run = Run(figure);
        var files = new List<string>();
        string FileOf(string extension) => Path.Combine(folder, figure.FileStem + extension);

        using (var writer = new TraceWriter(File.Create(FileOf(".jsonl"))))
        {
            writer.WriteHeader(run.Trace.Header);
            foreach (var e in run.Trace.Events) writer.Write(e);
        }
        files.Add(FileOf(".jsonl"));
        if (run.VirtualSynchrony is { } vs)
        {
            using (var output = File.Create(FileOf("-vs.jsonl"))) VsTraceWriter.Write(output, vs);
            files.Add(FileOf("-vs.jsonl"));
        }

        var charts = Charts(figure, run);
        File.WriteAllText(FileOf(".html"), ChartHtml.Page(charts));
        files.Add(FileOf(".html"));
        if (png)
        {
            var sizes = charts.Select(ChartFiles.SizeOf).ToList();
            Chromium.SavePng(FileOf(".html"), FileOf(".png"), sizes.Max(s => s.Width), sizes.Sum(s => s.Height) + 16 * (sizes.Count - 1));
            files.Add(FileOf(".png"));
        }
        return new FigureFiles(figure, run.Trace, SpecificationChecker.Check(run.Trace),
            run.VirtualSynchrony, run.VirtualSynchrony is { } filtered ? VirtualSynchronyChecker.Check(filtered) : null, files);
    }
}
