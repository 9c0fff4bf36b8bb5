// Grading a lab from end to end: compile the library with the submission's files, run the lab's
// schedules on it in grading children (Sandbox: a process of its own, with a time limit per
// schedule and a memory limit, so that no student's code can stop the grader), and give back the
// report. The same checks run whatever the caller: evs starts itself as the child, a test starts
// the evs it built.
using System.Collections.Immutable;
using System.Diagnostics;

namespace Evs.Grading.Labs;

/// <summary>How to grade: how many schedules, from which seed, in which child, within which limits.</summary>
/// <param name="Child">How to start a grading child (<see cref="ChildCommand.Evs"/>).</param>
/// <param name="Schedules">How many random fault schedules to run.</param>
/// <param name="Seed">The seed the schedules are drawn from: the same seed, the same schedules.</param>
/// <param name="TimeLimit">How long all the runs may take before the grade gives up.</param>
/// <param name="ScheduleTimeLimit">How long one schedule may run before its child is stopped (a loop that never ends).</param>
/// <param name="MemoryLimitMegabytes">The heap a grading child may use.</param>
/// <param name="StopAtFirstFailingSchedule">Stop after the first schedule on which a row failed: a test needs one witness, not a count.</param>
public sealed record GradingOptions(ChildCommand Child, int Schedules = GradingOptions.DefaultSchedules, ulong Seed = GradingOptions.DefaultSeed,
    TimeSpan? TimeLimit = null, TimeSpan? ScheduleTimeLimit = null, int MemoryLimitMegabytes = GradingOptions.DefaultMemoryLimitMegabytes,
    bool StopAtFirstFailingSchedule = false)
{
    /// <summary>Schedules per lab unless told otherwise: enough to catch the usual mistakes in well under a minute.</summary>
    public const int DefaultSchedules = 200;

    /// <summary>The base seed unless told otherwise.</summary>
    public const ulong DefaultSeed = 2026;

    /// <summary>The seconds one schedule may take unless told otherwise: the reference takes a fraction of one.</summary>
    public const int DefaultScheduleSeconds = 60;

    /// <summary>A grading child's heap unless told otherwise: the whole process of the reference peaks near 130 MB.</summary>
    public const int DefaultMemoryLimitMegabytes = 1024;

    /// <summary>The time limit of all the runs, five minutes unless told otherwise.</summary>
    public TimeSpan Limit => TimeLimit ?? TimeSpan.FromMinutes(5);

    /// <summary>The time limit of one schedule, <see cref="DefaultScheduleSeconds"/> unless told otherwise.</summary>
    public TimeSpan ScheduleLimit => ScheduleTimeLimit ?? TimeSpan.FromSeconds(DefaultScheduleSeconds);
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
    /// <exception cref="GradingChildException">A grading child could not start, or ended while no schedule ran.</exception>
    public static LabReport Grade(Repository repository, Lab lab, Submission submission, GradingOptions options,
        Action<int>? progress = null, Schedule? replay = null, string? tracePath = null)
    {
        var clock = Stopwatch.StartNew();
        var compiled = LibraryCompiler.Compile(repository, submission);
        if (!compiled.Succeeded) return new LabReport(submission.Name, compiled.Errors, [], 0, clock.Elapsed);
        var request = new LabRequest(lab.Judge, options.Schedules, options.Seed,
            [.. submission.Replacements.Values.Select(f => f.Path)], lab.Cases, replay, tracePath, options.StopAtFirstFailingSchedule);
        var outcome = Sandbox.Run(compiled, request, options, StudentClasses(lab), progress ?? (_ => { }));
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
            var request = new LabRequest(lab.Judge, options.Schedules, seed, [.. submission.Replacements.Values.Select(f => f.Path)], lab.Cases,
                StopAtFirstFailingSchedule: options.StopAtFirstFailingSchedule);
            var outcome = Sandbox.Run(compiled, request, options, StudentClasses(lab), _ => { });
            return new LabReport(submission.Name, [], outcome.Rows, outcome.SchedulesRun, clock.Elapsed);
        })];
    }

    /// <summary>The simple names of the classes a student writes in <paramref name="lab"/> (<c>AruRule</c>): where a stack overflow is looked for.</summary>
    public static ImmutableArray<string> StudentClasses(Lab lab) => [.. lab.FileNames.Select(Path.GetFileNameWithoutExtension).OfType<string>()];
}
