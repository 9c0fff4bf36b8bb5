// Grading in a sandbox (labs/README.md, "How the grading works"): a student's code that never
// ends, overflows its stack, fills its memory or throws in a constructor gives a graded row that
// names what happened and the schedule, and the grading goes on with the next schedule in a new
// grading child, as `evs lab check` runs it. The wrong versions are the library's file with one
// line added, which misbehaves only where a fifth process, p5, is in the run; the schedules are
// drawn from a seed whose schedules have p5 in some runs but not in the first, so that there
// are schedules judged before and after them.
using System.Collections.Immutable;
using Evs.Grading.Labs;
using SpecTests.Cli;
using Xunit;

namespace SpecTests.Labs;

// With the Cli tests, alone: the loop's time limit is a few seconds, and the schedules around it
// must not come near it for want of a core.
[Collection(CliCollection.Name)]
public class SandboxTests
{
    private static readonly Repository Repository = Repository.Find(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"no {Repository.SolutionFile} above {AppContext.BaseDirectory}");

    /// <summary>How many schedules each grade here runs: few, to be quick.</summary>
    public const int Schedules = 5;

    /// <summary>
    /// The first seed from the default on whose schedules p5 runs in some, not in the first, and
    /// not only in the last: a seed rather than a schedule index written here, so that a change to
    /// the schedule generator picks another seed instead of leaving nothing to judge after.
    /// </summary>
    public static ulong Seed { get; } = FindSeed();

    /// <summary>The indices of <see cref="Seed"/>'s schedules in which p5 runs.</summary>
    public static ImmutableArray<int> WithP5 { get; } = SchedulesWithP5(Seed);

    private static readonly GradingOptions Options = new(ChildCommand.Evs(EvsProcess.Executable), Schedules, Seed);

    // A schedule's time limit of seconds, not a minute, for the loop: the reference runs a schedule
    // in well under one second even on a loaded machine (measured at a load of 12 on two cores).
    private static readonly TimeSpan ShortLimit = TimeSpan.FromSeconds(5);

    private const string AruRuleFile = "Ordering/AruRule.cs";
    private const string AruRuleStart = "        bool mayChange =";

    [Fact]
    public void A_loop_that_never_ends_is_stopped_at_the_schedules_time_limit_reported_on_its_schedule_and_the_later_schedules_are_judged()
    {
        var report = LabGrader.Grade(Repository, Lab.Find(1)!, Mutant(AruRuleFile, AruRuleStart, "        if (me.Name == \"p5\") while (true) { }\n"),
            Options with { ScheduleTimeLimit = ShortLimit });

        AssertEndedOnSchedule(report, "it did not finish within 5 s and was stopped (a loop that never ends?)");
    }

    [Fact]
    public void A_recursion_that_never_ends_is_a_stack_overflow_in_the_students_method_reported_on_its_schedule_and_the_later_schedules_are_judged()
    {
        var report = Grade(1, AruRuleFile, AruRuleStart, "        if (me.Name == \"p5\") return Apply(token, myAru, me) with { Aru = myAru };\n");

        AssertEndedOnSchedule(report, "stack overflow in your AruRule.Apply (a recursion that never ends?)");
    }

    [Fact]
    public void A_collection_that_grows_without_end_runs_out_of_the_memory_limit_and_is_reported_with_it_on_its_schedule()
    {
        var report = LabGrader.Grade(Repository, Lab.Find(1)!, Mutant(AruRuleFile, AruRuleStart,
            "        if (me.Name == \"p5\") { var hoard = new List<byte[]>(); while (true) hoard.Add(new byte[1 << 20]); }\n"), Options with { MemoryLimitMegabytes = 256 });

        var runs = report[LabRunner.NoException]!;
        Assert.Equal(WithP5[0], runs.FirstFailure?.Index);
        Assert.Contains("OutOfMemoryException", runs.FirstFailure!.Message);
        Assert.Contains("the grading process may use 256 MB", runs.FirstFailure.Message);
        AssertJudgedAround(report);
    }

    [Fact]
    public void An_exception_in_a_students_constructor_names_the_constructor_and_its_line_and_the_later_schedules_are_judged()
    {
        var report = Grade(2, "Recovery/Step6Delivery.cs", "        _old = old;\n",
            "        if (transitional.Any(i => i.Process.Name == \"p5\")) throw new InvalidOperationException(\"p5 is not welcome\");\n");

        var runs = report[LabRunner.NoException]!;
        Assert.NotNull(runs.FirstFailure?.Schedule);
        Assert.Contains("your Step6Delivery constructor threw InvalidOperationException: p5 is not welcome\n  at ", runs.FirstFailure.Message);
        Assert.Contains("Step6Delivery.cs:", runs.FirstFailure.Message);
        Assert.Equal(Schedules, runs.Judged);
        Assert.InRange(runs.Held, 1, Schedules - 1);
    }

    [Fact]
    public void An_exception_in_a_students_static_constructor_names_the_static_constructor_not_the_runtimes_TypeInitializationException()
    {
        var report = LabGrader.Grade(Repository, Lab.Find(1)!, Submission.Mutant("throwing static constructor", Repository, AruRuleFile, source => Replace(source,
            "public static class AruRule\n{\n",
            "public static class AruRule\n{\n    static AruRule() => throw new InvalidOperationException(\"the aru rule keeps no state\");\n\n")), Options);

        var failure = report[LabRunner.NoException]!.FirstFailure;
        Assert.Equal(0, failure?.Index);
        Assert.Contains("your AruRule's static constructor threw InvalidOperationException: the aru rule keeps no state\n  at ", failure!.Message);
        Assert.DoesNotContain("TypeInitializationException", failure.Message);
    }

    [Fact]
    public void A_schedule_that_ended_the_grading_process_replays_alone_to_the_same_row()
    {
        var wrong = Mutant(AruRuleFile, AruRuleStart, "        if (me.Name == \"p5\") return Apply(token, myAru, me) with { Aru = myAru };\n");
        var failure = LabGrader.Grade(Repository, Lab.Find(1)!, wrong, Options)[LabRunner.NoException]!.FirstFailure!;

        var replayed = LabGrader.Grade(Repository, Lab.Find(1)!, wrong, Options, replay: failure.Schedule);

        var runs = replayed[LabRunner.NoException]!;
        Assert.Equal("failed in 1 of 1 schedule", runs.Verdict);
        Assert.Equal("schedule 0 ended the grading process: stack overflow in your AruRule.Apply (a recursion that never ends?)", runs.FirstFailure?.Message);
    }

    [Fact]
    public void A_grading_child_that_is_not_one_stops_the_grade_with_its_exit_code_and_last_words_instead_of_failing_the_students_code()
    {
        var notEvs = new ChildCommand("/bin/sh", ["-c", "echo this is not evs >&2; exit 3"]);

        var e = Assert.Throws<GradingChildException>(() => LabGrader.Grade(Repository, Lab.Find(1)!, Submission.Reference, Options with { Child = notEvs }));

        Assert.StartsWith("the grading child ended with exit code 3 before schedule 0 started:", e.Message);
        Assert.Contains("this is not evs", e.Message);
    }

    [Fact]
    public void A_grading_child_program_that_does_not_exist_stops_the_grade_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-evs-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<GradingChildException>(() => LabGrader.Grade(Repository, Lab.Find(1)!, Submission.Reference, Options with { Child = ChildCommand.Evs(missing) }));

        Assert.StartsWith($"the grading child {missing} could not be started", e.Message);
    }

    // The "runs" row failed first on the first schedule with p5, saying that it ended the child.
    private static void AssertEndedOnSchedule(LabReport report, string how)
    {
        var failure = report[LabRunner.NoException]!.FirstFailure;
        Assert.Equal(WithP5[0], failure?.Index);
        Assert.Equal($"schedule {WithP5[0]} ended the grading process: {how}", failure!.Message);
        Assert.Contains("\"p5\"", failure.Schedule?.Json);
        AssertJudgedAround(report);
    }

    // Every schedule ran, each with p5 failed the "runs" row, and the specifications were judged,
    // and held, on every other one, before and after.
    private static void AssertJudgedAround(LabReport report)
    {
        var runs = report[LabRunner.NoException]!;
        Assert.Equal(Schedules, report.SchedulesRun);
        Assert.Equal(Schedules, runs.Judged);
        Assert.Equal(Schedules - WithP5.Length, runs.Held);
        Assert.Equal(runs.Held, report["7.1"]!.Judged);
        Assert.True(report["7.1"]!.Holds, Describe(report));
    }

    private static ulong FindSeed()
    {
        for (ulong seed = GradingOptions.DefaultSeed; seed < GradingOptions.DefaultSeed + 100; seed++)
            if (SchedulesWithP5(seed) is [> 0 and var first, ..] && first < Schedules - 1) return seed;
        throw new InvalidOperationException("no seed of the hundred after the default has schedules with p5 after the first and before the last");
    }

    private static ImmutableArray<int> SchedulesWithP5(ulong seed) =>
        [.. LabRunner.Draw(Schedules, seed).Index().Where(s => s.Item.Json.Contains("\"p5\"", StringComparison.Ordinal)).Select(s => s.Index)];

    private static LabReport Grade(int lab, string libraryFile, string before, string inserted) =>
        LabGrader.Grade(Repository, Lab.Find(lab)!, Mutant(libraryFile, before, inserted), Options);

    // The reference with `inserted` put in just before `before`.
    private static Submission Mutant(string libraryFile, string before, string inserted) =>
        Submission.Mutant(inserted.Trim(), Repository, libraryFile, source => Replace(source, before, inserted + before));

    // A wrong version must really differ from the reference: a change that no longer applies
    // (the library moved on) fails here instead of silently testing the reference.
    private static string Replace(string source, string from, string to)
    {
        Assert.Contains(from, source);
        return source.Replace(from, to);
    }

    private static string Describe(LabReport report) =>
        string.Join("\n", report.CompileErrors.Concat(report.Failing.Select(r => $"{r.Spec}: {r.FirstFailure?.Message ?? "not judged"}")));
}
