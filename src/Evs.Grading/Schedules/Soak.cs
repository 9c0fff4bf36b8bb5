// The soak of `evs soak` (issue #16, item 2): many generated fault schedules through the simulator,
// on every core, each run judged (SoakJudges). Schedule i is drawn from a seed of its own, derived
// from the soak's seed and i alone, so that it can be drawn again without the schedules before it:
// `evs soak --schedules 1 --seed S --from i` reruns exactly schedule i of a soak with seed S. The
// schedules are those of the specification properties (FaultSchedules.WithFaultsAndAdversary, one
// in three with an adversary), drawn at the size the labs' grader draws them. The schedules run
// in any order on the workers; the report lists the failures in the order of the schedules, so the
// same soak gives the same report however many workers ran it.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;

namespace Evs.Grading.Schedules;

/// <summary>What to soak.</summary>
/// <param name="Schedules">How many schedules, at least 1.</param>
/// <param name="Seed">The soak's seed; schedule i's own seed is derived from it (<see cref="Soak.ScheduleSeed"/>).</param>
/// <param name="From">The index of the first schedule: the soak runs schedules From to From + Schedules - 1.</param>
/// <param name="Workers">How many schedules run at once, at least 1.</param>
/// <param name="Primary">The primary component algorithm of the filtered run (<see cref="SoakJudges.Specifications"/>), or null for none.</param>
public sealed record SoakOptions(long Schedules, ulong Seed, long From, int Workers, string? Primary);

/// <summary>A schedule whose run a judge rejected.</summary>
/// <param name="Index">The schedule's place in the soak.</param>
/// <param name="ScheduleSeed">The seed the schedule was drawn from.</param>
/// <param name="Run">The schedule: its scenario and the seed of its run.</param>
/// <param name="Problems">What the judge found wrong, at least one thing.</param>
public sealed record SoakFailure(long Index, ulong ScheduleSeed, GeneratedScenario Run, ImmutableArray<SoakProblem> Problems)
{
    /// <summary>The command that reruns exactly this schedule, judged as the soak judged it.</summary>
    public string SoakCommand(SoakOptions soak) =>
        $"evs soak --schedules 1 --seed {soak.Seed} --from {Index}" + (soak.Primary is { } primary ? $" --primary {primary}" : "");

    /// <summary>The commands that write this schedule's trace from its scenario saved as <paramref name="scenarioFile"/>, and check it.</summary>
    public string TraceCommand(string scenarioFile) =>
        $"evs sim --scenario {scenarioFile} --seed {Run.Seed} --trace t.jsonl && evs check t.jsonl";

    /// <summary>With a primary component algorithm: the commands that write and check the filtered run's traces.</summary>
    public string FilteredTraceCommand(string scenarioFile, string primary) =>
        $"evs sim --scenario {scenarioFile} --seed {Run.Seed} --primary {primary} --trace t.jsonl --vs-trace vs.jsonl && evs check t.jsonl && evs check --vs vs.jsonl";
}

/// <summary>What a soak found.</summary>
/// <param name="Options">What was soaked.</param>
/// <param name="Failures">The schedules rejected, in the order of their indices.</param>
/// <param name="Elapsed">The wall time the soak took.</param>
public sealed record SoakReport(SoakOptions Options, ImmutableArray<SoakFailure> Failures, TimeSpan Elapsed)
{
    /// <summary>Whether every schedule passed.</summary>
    public bool Passed => Failures.IsEmpty;

    /// <summary>Schedules judged per second of wall time.</summary>
    public double SchedulesPerSecond => Options.Schedules / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>How many schedules failed each row (a schedule counts once in a row, however often it broke it).</summary>
    public int FailuresOf(string row) => Failures.Count(f => f.Problems.Any(p => p.Row == row));
}

/// <summary>Runs a soak.</summary>
public static class Soak
{
    /// <summary>The size FsCheck draws the schedules at, as the labs' grader draws them (<see cref="Labs.LabRunner.Draw"/>).</summary>
    private const int Size = 10;

    /// <summary>
    /// Schedule <paramref name="index"/>'s own seed: SplitMix64's finalizer over the soak's seed
    /// plus the index times the golden ratio, SplitMix64's own way of making far-apart seeds of
    /// neighbouring numbers, so that schedules i and i + 1 have unrelated seeds.
    /// </summary>
    public static ulong ScheduleSeed(ulong seed, long index)
    {
        ulong z = seed + (ulong)index * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Schedule <paramref name="index"/> of a soak with seed <paramref name="seed"/>, drawn from its own seed alone.</summary>
    public static GeneratedScenario Draw(ulong seed, long index) =>
        FaultSchedules.WithFaultsAndAdversary.Generator.Sample(1, new Rnd(ScheduleSeed(seed, index)), Size)[0];

    /// <summary>
    /// Runs and judges the soak's schedules on <see cref="SoakOptions.Workers"/> threads, calling
    /// <paramref name="judged"/> (from any thread) with how many are judged so far after each one.
    /// A schedule whose simulation or judge throws fails in the row <see cref="SoakJudges.Runs"/>:
    /// one broken schedule does not end a soak of a hundred thousand.
    /// </summary>
    public static SoakReport Run(SoakOptions options, SoakJudge judge, Action<long>? judged = null)
    {
        var clock = Stopwatch.StartNew();
        var failures = new ConcurrentBag<SoakFailure>();
        long done = 0;
        Parallel.For(options.From, options.From + options.Schedules, new ParallelOptions { MaxDegreeOfParallelism = options.Workers }, index =>
        {
            if (JudgeOne(options.Seed, index, judge) is { } failure) failures.Add(failure);
            judged?.Invoke(Interlocked.Increment(ref done));
        });
        return new SoakReport(options, [.. failures.OrderBy(f => f.Index)], clock.Elapsed);
    }

    private static SoakFailure? JudgeOne(ulong seed, long index, SoakJudge judge)
    {
        var run = Draw(seed, index);
        ImmutableArray<SoakProblem> problems;
        try
        {
            problems = judge(run);
        }
        catch (Exception e)
        {
            problems = [new SoakProblem(SoakJudges.Runs, $"{e.GetType().Name}: {e.Message}")];
        }
        // The failure keeps the schedule, not its run: a soak where every schedule fails must not keep every trace.
        return problems.IsEmpty ? null : new SoakFailure(index, ScheduleSeed(seed, index), new GeneratedScenario(run.Json, run.Seed), problems);
    }
}
