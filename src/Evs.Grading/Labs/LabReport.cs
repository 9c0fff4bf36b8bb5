// What grading a lab finds, in plain data: the request and the judgements cross from the grader
// to the grading child, which runs the student's compiled library in a process of its own, and
// back, as JSON lines (ChildProtocol.cs), so they hold only strings and numbers.
using System.Collections.Immutable;

namespace Evs.Grading.Labs;

/// <summary>
/// What to run: <paramref name="Schedules"/> random fault schedules drawn from
/// <paramref name="BaseSeed"/>, or, when <paramref name="Replay"/> is given, that one schedule.
/// </summary>
/// <param name="Judge">Which checker judges the runs.</param>
/// <param name="Schedules">How many random schedules to run.</param>
/// <param name="BaseSeed">The seed the schedules are drawn with: the same seed, the same schedules.</param>
/// <param name="StudentFiles">The full paths of the replaced files, to find the student's code in a stack trace.</param>
/// <param name="Cases">The cases to play by hand before the schedules (<see cref="HandCase"/>); a child started again after one ended the last has only those left.</param>
/// <param name="Replay">One schedule (scenario JSON and its seed) to run instead; its trace is written to <paramref name="TracePath"/>.</param>
/// <param name="TracePath">Where a replayed run's trace goes (and, for the filter lab, its virtual synchrony trace beside it).</param>
/// <param name="StopAtFirstFailingSchedule">Whether to stop after the first schedule on which a row failed: a test needs one witness, and the mutation grader only whether a mutant is caught, not a count.</param>
/// <param name="From">The first schedule to run: a child started again after schedule i ended the last one starts at i + 1.</param>
/// <param name="Mutant">The mutant the library behaves as, when it was compiled with a mutant schema (Mutation/MutantSchema); 0 for none.</param>
public sealed record LabRequest(Judge Judge, int Schedules, ulong BaseSeed, ImmutableArray<string> StudentFiles, ImmutableArray<HandCase> Cases, Schedule? Replay = null, string? TracePath = null,
    bool StopAtFirstFailingSchedule = false, int From = 0, int Mutant = 0)
{
    /// <summary>How many schedules there are in all: the one replayed, or those drawn.</summary>
    public int Count => Replay is null ? Schedules : 1;
}

/// <summary>One fault schedule: a scenario (docs/SCENARIOS.md) and the seed of the run's random choices.</summary>
public sealed record Schedule(string Json, long Seed);

/// <summary>The first schedule on which a row of the report failed, and what went wrong there.</summary>
/// <param name="Index">The schedule's position among those drawn from the base seed (from 0); a case played by hand's (<see cref="HandCases.Index"/>, negative) for a case.</param>
/// <param name="Schedule">The schedule, to save and replay; null for a case played out by hand without one (Section 3.2, the filter's partition case).</param>
/// <param name="Message">What went wrong, in the specification's terms.</param>
public sealed record Failure(int Index, Schedule? Schedule, string Message);

/// <summary>
/// One row of the grade: a specification (or "runs without throwing", "settles") — on how many
/// schedules it was judged and held, on how many cases played by hand (<see cref="PartitionCase"/>)
/// it was judged and held, and the first failure.
/// </summary>
public sealed record Row(string Spec, string Title, int Judged, int Held, Failure? FirstFailure, int CasesJudged = 0, int CasesHeld = 0)
{
    /// <summary>A row holds when it was judged at least once and never failed.</summary>
    public bool Holds => Judged + CasesJudged > 0 && FirstFailure is null;

    /// <summary>
    /// The verdict in words that count what happened: "held in 200 of 200 schedules", "failed in 2
    /// of 200 schedules" (a bug seen twice reads as twice, not as 198/200), "not judged"; a row
    /// also judged on cases played by hand counts them apart ("held in 200 of 200 schedules and 1
    /// of 1 case played by hand", "failed in 1 of 1 case played by hand"); the case of Section 3.2,
    /// played out once without a schedule, just "held" or "failed".
    /// </summary>
    public string Verdict =>
        Judged + CasesJudged == 0 ? "not judged"
        : Spec is Section32Case.Spec or MembershipCase.Spec ? (Holds ? "held" : "failed")
        : Holds ? $"held in {Counts(Held, Judged, CasesHeld, CasesJudged)}"
        : $"failed in {Counts(Judged - Held, Judged, CasesJudged - CasesHeld, CasesJudged)}";

    // The schedules and the cases a verdict counts; a failing row names only where it failed.
    private string Counts(int schedules, int ofSchedules, int cases, int ofCases)
    {
        bool failing = !Holds;
        var parts = new List<string>();
        if (ofSchedules > 0 && (!failing || schedules > 0)) parts.Add(Schedules(schedules, ofSchedules));
        if (ofCases > 0 && (!failing || cases > 0)) parts.Add($"{cases} of {ofCases} case{(ofCases == 1 ? "" : "s")} played by hand");
        return string.Join(" and ", parts);
    }

    private static string Schedules(int count, int of) => $"{count} of {of} schedule{(of == 1 ? "" : "s")}";
}

/// <summary>What the runs found: the rows, and how many schedules ran (fewer than asked when every row had failed already).</summary>
public sealed record RunOutcome(ImmutableArray<Row> Rows, int SchedulesRun);

/// <summary>The grade of one submission of one lab.</summary>
/// <param name="Submission">The submission's name (student, starter, reference, or a test's).</param>
/// <param name="CompileErrors">Why the submission did not compile; empty when it did.</param>
/// <param name="Rows">One row per judged property, in the paper's order.</param>
/// <param name="SchedulesRun">How many schedules ran (fewer than asked when every row had failed already).</param>
/// <param name="Elapsed">The wall time of compiling and running.</param>
public sealed record LabReport(string Submission, ImmutableArray<string> CompileErrors, ImmutableArray<Row> Rows, int SchedulesRun, TimeSpan Elapsed)
{
    /// <summary>Whether the submission compiled and every row holds: the lab is done.</summary>
    public bool Passed => CompileErrors.IsEmpty && Rows.Length > 0 && Rows.All(r => r.Holds);

    /// <summary>The rows that do not hold.</summary>
    public IEnumerable<Row> Failing => Rows.Where(r => !r.Holds);

    /// <summary>The row of one specification, by its number (<c>7.1</c>, <c>C3</c>), or null.</summary>
    public Row? this[string spec] => Rows.FirstOrDefault(r => r.Spec == spec);
}
