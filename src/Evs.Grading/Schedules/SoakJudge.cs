// How `evs soak` judges one generated schedule (issue #16, item 2): as the specification properties
// do (tests/SpecTests/Properties), but every judgement at once. The run must become quiescent and
// satisfy every specification of the paper (1.1-7.2, PC.1, PC.2, M.1, M.2); with a primary
// component algorithm, the same schedule runs a second time with every application behind the
// virtual synchrony filter over that algorithm, and that run too must become quiescent, keep the
// primary component properties PC.1 and PC.2, and give a history that the virtual synchrony
// checker finds complete (C1-C3) and legal (L1-L5). A judge is a plain function, so that a test can
// hand the soak one that rejects and see what a failure looks like.
using System.Collections.Immutable;
using Evs.Reference.Checking;
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.Simulation;

namespace Evs.Grading.Schedules;

/// <summary>One thing wrong with a schedule's run: the row it counts in and what the checker said.</summary>
/// <param name="Row">The specification or condition broken ("7.1", "C3", "PC.1 (majority)"), or <see cref="SoakJudges.Settles"/>, or <see cref="SoakJudges.Runs"/>.</param>
/// <param name="Message">What is wrong, with the trace events that show it.</param>
public sealed record SoakProblem(string Row, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Row}: {Message}";
}

/// <summary>Judges one schedule: the empty list when every judgement passed.</summary>
public delegate ImmutableArray<SoakProblem> SoakJudge(GeneratedScenario run);

/// <summary>The judges of <c>evs soak</c>.</summary>
public static class SoakJudges
{
    /// <summary>The row of runs that did not become quiescent.</summary>
    public const string Settles = "settles";

    /// <summary>The row of runs that ended with an exception instead of a trace.</summary>
    public const string Runs = "runs";

    /// <summary>
    /// Every specification and quiescence on the plain run; with <paramref name="primary"/>, also
    /// the filtered run over that algorithm (<see cref="FilteredRun"/>).
    /// </summary>
    public static SoakJudge Specifications(string? primary) => run =>
        primary is null ? PlainRun(run) : [.. PlainRun(run), .. FilteredRun(run, primary)];

    /// <summary>The rows a judge of <see cref="Specifications"/> may fail, in the order a report lists them.</summary>
    public static ImmutableArray<string> RowsOf(string? primary) =>
    [
        Runs, Settles, .. SpecificationChecker.SpecNames,
        .. primary is null ? [] : FilteredRows(primary),
    ];

    // The filtered run's rows: its quiescence, the primary component properties, the eight conditions.
    private static ImmutableArray<string> FilteredRows(string primary) =>
        [WithPrimary(Settles, primary), WithPrimary("PC.1", primary), WithPrimary("PC.2", primary), .. VirtualSynchronyChecker.ConditionNames];

    private static string WithPrimary(string row, string primary) => $"{row} ({primary})";

    // The run the specification properties judge: quiescent, and every specification held.
    private static ImmutableArray<SoakProblem> PlainRun(GeneratedScenario run)
    {
        if (!run.Result.Summary.Quiescent) return [new(Settles, NeverQuiescent)];
        return [.. Broken(run.Report.Verdicts)];
    }

    // The same schedule behind the virtual synchrony filter over primary: quiescent, PC.1 and PC.2
    // on its trace, C1-C3 and L1-L5 on its filtered history.
    private static ImmutableArray<SoakProblem> FilteredRun(GeneratedScenario run, string primary)
    {
        var result = Simulator.Run(run.Scenario, new SimulationOptions(run.Seed, Primary: primary, VirtualSynchrony: true));
        if (!result.Summary.Quiescent) return [new(WithPrimary(Settles, primary), NeverQuiescent)];
        var primaryComponent = SpecificationChecker.Check(result.Trace).Verdicts
            .Where(v => v.Spec is "PC.1" or "PC.2")
            .Select(v => v with { Spec = WithPrimary(v.Spec, primary) });
        return [.. Broken(primaryComponent), .. Broken(VirtualSynchronyChecker.Check(result.VirtualSynchrony!).Verdicts)];
    }

    private const string NeverQuiescent = "the run never became quiescent: some message stayed undelivered, or the processes never agreed on one ring";

    private static IEnumerable<SoakProblem> Broken(IEnumerable<SpecVerdict> verdicts) =>
        verdicts.Where(v => v.Violation is not null)
            .Select(v => new SoakProblem(v.Spec, $"{v.Violation!.Message} (trace events {string.Join(", ", v.Violation.Events)})"));
}
