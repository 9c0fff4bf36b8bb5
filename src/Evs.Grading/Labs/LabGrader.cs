// Grading a lab from end to end: compile the library with the submission's files, load it in a
// context of its own, run the lab's schedules there (LabRunner), and give back the report.
// Students' code may loop forever; the grade runs on a thread of its own and gives up after a
// time limit, naming the schedule it was on.
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;

namespace Evs.Grading.Labs;

/// <summary>How to grade: how many schedules, from which seed, within how long.</summary>
/// <param name="Schedules">How many random fault schedules to run.</param>
/// <param name="Seed">The seed the schedules are drawn from: the same seed, the same schedules.</param>
/// <param name="TimeLimit">How long the runs may take before the grade gives up (a loop that never ends).</param>
/// <param name="StopAtFirstFailingSchedule">Stop after the first schedule on which a row failed: a test needs one witness, not a count.</param>
public sealed record GradingOptions(int Schedules = GradingOptions.DefaultSchedules, ulong Seed = GradingOptions.DefaultSeed, TimeSpan? TimeLimit = null, bool StopAtFirstFailingSchedule = false)
{
    /// <summary>Schedules per lab unless told otherwise: enough to catch the usual mistakes in well under a minute.</summary>
    public const int DefaultSchedules = 200;

    /// <summary>The base seed unless told otherwise.</summary>
    public const ulong DefaultSeed = 2026;

    /// <summary>The time limit, five minutes unless told otherwise.</summary>
    public TimeSpan Limit => TimeLimit ?? TimeSpan.FromMinutes(5);
}

/// <summary>Grades a submission of a lab.</summary>
public static class LabGrader
{
    /// <summary>
    /// Compiles <paramref name="submission"/> into the library and runs <paramref name="lab"/>'s
    /// schedules on it (or only <paramref name="replay"/>, writing its trace to <paramref name="tracePath"/>).
    /// <paramref name="progress"/> hears each schedule's index as it starts.
    /// </summary>
    /// <exception cref="TimeoutException">The runs took longer than the time limit.</exception>
    public static LabReport Grade(Repository repository, Lab lab, Submission submission, GradingOptions options,
        Action<int>? progress = null, Schedule? replay = null, string? tracePath = null)
    {
        var clock = Stopwatch.StartNew();
        var compiled = LibraryCompiler.Compile(repository, submission);
        if (!compiled.Succeeded) return new LabReport(submission.Name, compiled.Errors, [], 0, clock.Elapsed);
        var request = new LabRequest(lab.Judge, options.Schedules, options.Seed,
            [.. submission.Replacements.Values.Select(f => f.Path)], replay, tracePath, lab.Section32, lab.PartitionCase, options.StopAtFirstFailingSchedule);
        var outcome = RunIsolated(compiled, request, options.Limit, progress ?? (_ => { }));
        return new LabReport(submission.Name, [], outcome.Rows, outcome.SchedulesRun, clock.Elapsed);
    }

    /// <summary>
    /// The grade of <paramref name="submission"/> on the schedules of each of <paramref name="seeds"/>
    /// (instead of the seed of <paramref name="options"/>), compiled once: how a test sees whether a
    /// wrong solution is caught whatever the seed, without compiling it again for each.
    /// </summary>
    /// <exception cref="TimeoutException">The runs of one seed took longer than the time limit.</exception>
    public static IReadOnlyList<LabReport> GradeOnSeeds(Repository repository, Lab lab, Submission submission, GradingOptions options, IEnumerable<ulong> seeds)
    {
        var compiled = LibraryCompiler.Compile(repository, submission);
        if (!compiled.Succeeded) return [new LabReport(submission.Name, compiled.Errors, [], 0, TimeSpan.Zero)];
        return [.. seeds.Select(seed =>
        {
            var clock = Stopwatch.StartNew();
            var request = new LabRequest(lab.Judge, options.Schedules, seed,
                [.. submission.Replacements.Values.Select(f => f.Path)], Section32: lab.Section32, PartitionCase: lab.PartitionCase, StopAtFirstFailingSchedule: options.StopAtFirstFailingSchedule);
            var outcome = RunIsolated(compiled, request, options.Limit, _ => { });
            return new LabReport(submission.Name, [], outcome.Rows, outcome.SchedulesRun, clock.Elapsed);
        })];
    }

    // The runner is called by name, with strings, because its types in the grading context are
    // not this context's types even though they come from the same file.
    private static RunOutcome RunIsolated(CompiledLibrary compiled, LabRequest request, TimeSpan limit, Action<int> progress)
    {
        var context = new GradingLoadContext(compiled);
        try
        {
            var run = context.Grading.GetType(typeof(LabRunner).FullName!, throwOnError: true)!
                .GetMethod(nameof(LabRunner.Run))!;
            int current = -1;
            string? json = null;
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try { json = (string)run.Invoke(null, [JsonSerializer.Serialize(request), (Action<int>)(i => progress(current = i))])!; }
                catch (Exception e) { failure = e; }
            }) { IsBackground = true, Name = "evs-lab-grading" };
            thread.Start();
            if (!thread.Join(limit))
                throw new TimeoutException($"the runs did not finish within {limit.TotalSeconds:N0} s; schedule {current} was still running: does a loop never end?");
            if (failure is not null) throw failure;
            return JsonSerializer.Deserialize<RunOutcome>(json!)!;
        }
        finally
        {
            context.Unload();
        }
    }
}
