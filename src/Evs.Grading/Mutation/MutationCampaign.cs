// Measuring a lab's grading by mutation (issue 15, item 2): compile the lab's mutant schema once,
// grade the reference to know that it passes, then grade every mutant as a student's file would be
// graded — in the sandbox's grading children, with the lab's own schedules — stopping each at its
// first failing row. A mutant that loops, overflows its stack or runs out of memory is caught as
// the grader would catch a student's code that does. What survives is either equivalent to the
// reference — listed, with the reason, in the lab's equivalent-mutants.md — or a mistake the
// grading lets through.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Evs.Grading.Labs;

namespace Evs.Grading.Mutation;

/// <summary>What grading one mutant found: caught or not, by which row, on which schedule.</summary>
/// <param name="Id">The mutant's number (0: the reference).</param>
/// <param name="Caught">Whether some row failed.</param>
/// <param name="Row">The first failing row (a specification, "runs", "settles"), or why the grade gave up.</param>
/// <param name="Schedule">The index of the schedule it failed on, or -1.</param>
/// <param name="Seconds">How long grading it took.</param>
public sealed record MutantOutcome(int Id, bool Caught, string? Row, int Schedule, double Seconds);

/// <summary>What a mutation campaign found for one lab.</summary>
/// <param name="Lab">The lab.</param>
/// <param name="Mutants">Every mutant that compiles.</param>
/// <param name="NotCompiling">The mutants that do not compile (not counted).</param>
/// <param name="Outcomes">The outcome of each compiling mutant.</param>
/// <param name="Equivalent">The lab's mutants listed as equivalent to the reference, by key, with the reason.</param>
/// <param name="ReferenceSeconds">How long the reference's passing grade took.</param>
public sealed record MutationReport(Lab Lab, ImmutableArray<Mutant> Mutants, ImmutableArray<Mutant> NotCompiling,
    ImmutableDictionary<int, MutantOutcome> Outcomes, ImmutableDictionary<string, string> Equivalent, double ReferenceSeconds)
{
    /// <summary>The mutants some row caught.</summary>
    public IEnumerable<Mutant> Caught => Mutants.Where(m => Outcomes[m.Id].Caught);

    /// <summary>The mutants no row caught and that are listed as equivalent.</summary>
    public IEnumerable<Mutant> EquivalentSurvivors => Mutants.Where(m => !Outcomes[m.Id].Caught && Equivalent.ContainsKey(m.Key));

    /// <summary>The mutants no row caught and that are not listed as equivalent: mistakes the grading lets through.</summary>
    public IEnumerable<Mutant> Survivors => Mutants.Where(m => !Outcomes[m.Id].Caught && !Equivalent.ContainsKey(m.Key));

    /// <summary>The mutation score: caught among the mutants that are not equivalent, in percent.</summary>
    public double Score
    {
        get
        {
            int counted = Mutants.Length - EquivalentSurvivors.Count();
            return counted == 0 ? 100 : 100.0 * Caught.Count() / counted;
        }
    }
}

/// <summary>Runs a lab's mutants through its grading.</summary>
public static partial class MutationCampaign
{
    /// <summary>The file, in a lab's folder, that lists its equivalent mutants.</summary>
    public const string EquivalentFile = "equivalent-mutants.md";

    /// <summary>
    /// Grades every mutant of <paramref name="lab"/> within <paramref name="options"/> (its child,
    /// schedules, seed and limits), <paramref name="workers"/> at a time; <paramref name="progress"/>
    /// hears each mutant as it is graded.
    /// </summary>
    /// <exception cref="InvalidOperationException">The reference does not pass its own grading, or the lab's list of equivalent mutants names one twice.</exception>
    public static MutationReport Run(Repository repository, Lab lab, GradingOptions options, int workers, Action<MutantOutcome>? progress = null)
    {
        var equivalent = EquivalentMutants(Path.Combine(repository.FolderOf(lab), EquivalentFile));
        var library = MutantLibrary.Build(repository, lab);
        var classes = LabGrader.StudentClasses(lab);
        var reference = Grade(library, lab, options, classes, 0);
        if (reference.Caught)
            throw new InvalidOperationException($"the reference of lab {lab.Number} fails its own grading ({reference.Row} on schedule {reference.Schedule}): fix that first");
        var queue = new ConcurrentQueue<Mutant>(library.Mutants);
        var outcomes = new ConcurrentDictionary<int, MutantOutcome>();
        var pool = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(() =>
        {
            while (queue.TryDequeue(out var mutant))
            {
                var outcome = Grade(library, lab, options, classes, mutant.Id);
                outcomes[mutant.Id] = outcome;
                progress?.Invoke(outcome);
            }
        })).ToArray();
        Task.WaitAll(pool);
        return new MutationReport(lab, library.Mutants, library.NotCompiling, outcomes.ToImmutableDictionary(),
            equivalent, reference.Seconds);
    }

    // One mutant (0: the reference) graded as a student's file is, in grading children; a mutant
    // stops at its first failing row, the reference runs every schedule.
    private static MutantOutcome Grade(MutantLibrary library, Lab lab, GradingOptions options, IReadOnlyCollection<string> classes, int id)
    {
        var clock = Stopwatch.StartNew();
        var request = new LabRequest(lab.Judge, options.Schedules, options.Seed, [], lab.Cases, StopAtFirstFailingSchedule: id != 0, Mutant: id);
        try
        {
            var rows = Sandbox.Run(library.Compiled, request, options, classes, _ => { }).Rows;
            var failed = rows.FirstOrDefault(r => r.FirstFailure is not null);
            return new MutantOutcome(id, failed is not null, failed?.Spec, failed?.FirstFailure?.Index ?? -1, clock.Elapsed.TotalSeconds);
        }
        catch (TimeoutException)
        {
            return new MutantOutcome(id, true, "time limit", -1, clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// The equivalent mutants a lab lists: lines <c>- `KEY` reason</c> (the key as <see cref="Mutant.Key"/>
    /// prints it), other lines being prose. None when the file does not exist.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file lists a mutant twice.</exception>
    public static ImmutableDictionary<string, string> EquivalentMutants(string path)
    {
        if (!File.Exists(path)) return ImmutableDictionary<string, string>.Empty;
        var listed = File.ReadLines(path).Select(line => EquivalentLine().Match(line)).Where(m => m.Success).ToList();
        if (listed.GroupBy(m => m.Groups["key"].Value).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidOperationException($"{path} lists `{twice.Key}` more than once: list each equivalent mutant once, with its reason");
        return listed.ToImmutableDictionary(m => m.Groups["key"].Value, m => m.Groups["why"].Value.Trim());
    }

    [GeneratedRegex(@"^- `(?<key>[^`]+)`(?<why>.*)$")]
    private static partial Regex EquivalentLine();
}
