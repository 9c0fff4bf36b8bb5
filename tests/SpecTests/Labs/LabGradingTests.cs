// The labs (labs/README.md), graded the way `evs lab check` grades a student: for every lab the
// reference (the library's own classes) passes, the untouched starter fails with the
// NotImplementedException of its first method to run, and a deliberately wrong version fails
// with the specification it breaks — the lesson each lab teaches. The wrong versions are the
// library's file with one line changed, so each reads as "the reference, except …".
using Evs.Grading.Labs;
using SpecTests.Cli;
using Xunit;

namespace SpecTests.Labs;

public class LabGradingTests
{
    private static readonly Repository Repository = Repository.Find(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"no {Repository.SolutionFile} above {AppContext.BaseDirectory}");

    // Fewer schedules than `evs lab check` runs (200): the specification properties already run
    // the reference on hundreds, and every wrong version below fails within these.
    private static readonly GradingOptions Options = new(ChildCommand.Evs(EvsProcess.Executable), Schedules: 40);

    public static TheoryData<int> Labs => [.. Lab.All.Select(l => l.Number)];

    private static LabReport Grade(int lab, Submission submission) => LabGrader.Grade(Repository, Lab.Find(lab)!, submission, Options);

    private static string Describe(LabReport report) =>
        string.Join("\n", report.CompileErrors.Concat(report.Failing.Select(r => $"{r.Spec}: {r.FirstFailure?.Message ?? "not judged"}")));

    [Theory, MemberData(nameof(Labs))]
    public void The_reference_which_is_the_librarys_own_class_passes_every_specification(int lab)
    {
        var report = Grade(lab, Submission.Reference);
        Assert.True(report.Passed, Describe(report));
        Assert.Equal(Options.Schedules, report.SchedulesRun);
    }

    [Theory, MemberData(nameof(Labs))]
    public void The_untouched_starter_compiles_and_fails_naming_the_NotImplementedException_and_the_starters_file(int lab)
    {
        var report = Grade(lab, Submission.Of(Submission.Kind.Starter, Lab.Find(lab)!, Repository));
        Assert.Empty(report.CompileErrors);
        Assert.False(report.Passed);
        var message = report[LabRunner.NoException]!.FirstFailure!.Message;
        Assert.Contains("threw NotImplementedException", message);
        Assert.Contains(Repository.StarterFolder(Lab.Find(lab)!), message);
    }

    [Fact]
    public void Lab1_delivering_safe_messages_as_agreed_breaks_Safe_Delivery_7_1()
    {
        var wrong = Submission.Mutant("safe as agreed", Repository, "Ordering/DeliveryRule.cs", source => Replace(source,
            "seq == deliveredUpTo + 1 && (service != DeliveryService.Safe || seq <= receivedByAll)",
            "seq == deliveredUpTo + 1"));
        var report = Grade(1, wrong);
        Assert.False(report["7.1"]!.Holds, Describe(report));
        Assert.False(report["7.2"]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab2_delivering_in_the_regular_configuration_a_safe_message_not_known_safe_there_breaks_7_1()
    {
        var wrong = Submission.Mutant("6.b without the safe condition", Repository, "Recovery/Step6Delivery.cs", source => Replace(source,
            "\n               && (next.Service != DeliveryService.Safe || next.Seq <= SafeInRegular))",
            ")"));
        var report = Grade(2, wrong);
        Assert.False(report["7.1"]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab3_forgetting_step_5c_fails_the_case_of_Section_3_2()
    {
        var wrong = Submission.Mutant("no 5.c", Repository, "Recovery/Step5Rebroadcast.cs", source => Replace(source,
            "Transitional.Aggregate(obligations.With(Transitional.Select(i => i.Process)), (o, i) => o.With(i.Obligations.Processes))",
            "obligations"));
        var report = Grade(3, wrong);
        Assert.Contains("5.c", report[Section32Case.Spec]!.FirstFailure?.Message);
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab3_an_obligation_set_that_forgets_what_it_is_given_fails_the_case_of_Section_3_2_by_Specification_7_1()
    {
        var wrong = Submission.Mutant("With forgets", Repository, "Recovery/ObligationSet.cs", source => Replace(source,
            "public bool Contains(ProcessId process) => Processes.Contains(process);",
            "public bool Contains(ProcessId process) => false;"));
        var report = Grade(3, wrong);
        Assert.Contains("Specification 7.1", report[Section32Case.Spec]!.FirstFailure?.Message);
    }

    [Fact]
    public void Lab4_blocking_outside_the_primary_component_without_stopping_the_identity_breaks_C3()
    {
        var wrong = Submission.Mutant("block without stop", Repository, "VirtualSynchrony/Rule2BlockOutsidePrimary.cs", source => Replace(source,
            "FilterState.Live live => new FilterStep(FilterState.Initial, [live.Identity.Stop(time)]),",
            "FilterState.Live => FilterStep.Nothing(FilterState.Initial),"));
        var report = Grade(4, wrong);
        Assert.False(report["C3"]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void A_file_that_does_not_compile_is_reported_with_its_path_and_line_and_nothing_runs()
    {
        var broken = Submission.Mutant("broken", Repository, "Ordering/DeliveryRule.cs", source => Replace(source, "seq == deliveredUpTo + 1", "seq == undeclared + 1"));
        var report = Grade(1, broken);
        Assert.False(report.Passed);
        Assert.Equal(0, report.SchedulesRun);
        Assert.Contains(report.CompileErrors, e => e.StartsWith("src/Evs.Reference/Ordering/DeliveryRule.cs(", StringComparison.Ordinal) && e.Contains("undeclared"));
    }

    [Fact]
    public void Every_lab_has_a_handout_a_starter_for_each_of_its_files_and_a_reference_in_the_library()
    {
        foreach (var lab in Lab.All)
        {
            Assert.True(File.Exists(Path.Combine(Repository.FolderOf(lab), "README.md")), $"lab {lab.Number} has no handout");
            foreach (var file in lab.LibraryFiles)
            {
                Assert.True(File.Exists(Path.Combine(Repository.StarterFolder(lab), Path.GetFileName(file))), $"lab {lab.Number} has no starter {file}");
                Assert.True(File.Exists(Repository.LibraryFile(file)), $"lab {lab.Number}'s reference {file} is not in the library");
            }
        }
    }

    // A wrong version must really differ from the reference: a change that no longer applies
    // (the library moved on) fails here instead of silently testing the reference.
    private static string Replace(string source, string from, string to)
    {
        Assert.Contains(from, source);
        return source.Replace(from, to);
    }
}
