// `evs lab` as a student runs it: the list of labs; `evs lab check` from inside the repository,
// its exit code and what it prints when the work is the untouched starter, or a student's file
// whose recursion never ends (in a repository of the test's own, the library's sources linked
// into it, so that the real repository's student folder is never touched); and a clear error, not
// a crash, outside it or with a limit that is not one.
using Evs.Grading.Labs;
using SpecTests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Labs;

[Collection(CliCollection.Name)]
public class LabCommandTests(ITestOutputHelper output)
{
    private static readonly Repository Repository = Repository.Find(AppContext.BaseDirectory)!;

    [Fact]
    public async Task Checking_the_starter_exits_1_saying_in_how_many_schedules_it_failed_naming_the_method_that_threw_its_line_and_how_to_replay_the_schedule()
    {
        var lab = Lab.Find(1)!;
        bool hadFailures = Directory.Exists(Repository.FailuresFolder(lab));
        try
        {
            var (code, text) = await EvsProcess.RunAsync(output, Repository.Root, "lab", "check", "1", "--against", "starter");
            Assert.Equal(1, code);
            Assert.Matches(@"your AruRule\.\w+ threw NotImplementedException", text);
            Assert.Contains("at labs/01-delivery-rules/starter/AruRule.cs:", text);
            Assert.Contains("evs lab check 1 --replay labs/01-delivery-rules/failures/seed-", text);
            Assert.Matches(@"runs\s*│\s*failed in 1 of 1 schedule\s", text);
            Assert.DoesNotContain("FAILS", text);
        }
        finally
        {
            if (!hadFailures && Directory.Exists(Repository.FailuresFolder(lab))) Directory.Delete(Repository.FailuresFolder(lab), recursive: true);
        }
    }

    [Fact]
    public async Task Listing_the_labs_shows_all_eight_with_their_folders_and_what_judges_them()
    {
        var (code, text) = await EvsProcess.RunAsync(output, Repository.Root, "lab", "list");
        Assert.Equal(0, code);
        Assert.Equal(8, Lab.All.Length);
        foreach (var lab in Lab.All) Assert.Contains(lab.Folder, text);
        Assert.Contains("PC.1, PC.2", text);
        Assert.Contains("C1-C3, L1-L5", text);
    }

    [Fact]
    public async Task A_students_recursion_that_never_ends_fails_the_runs_row_on_its_schedule_exit_1_and_the_replay_printed_shows_it_again()
    {
        var student = StudentRepository(aruRule => aruRule.Replace("        bool mayChange =",
            "        if (me.Name == \"p5\") return Apply(token, myAru, me) with { Aru = myAru };\n        bool mayChange ="));
        try
        {
            var (code, text) = await EvsProcess.RunAsync(output, student, "lab", "check", "1", "--schedules", $"{SandboxTests.Schedules}", "--seed", $"{SandboxTests.Seed}");
            Assert.Equal(1, code);
            int first = SandboxTests.WithP5[0];
            Assert.Matches($@"runs\s*│\s*failed in {SandboxTests.WithP5.Length} of {SandboxTests.Schedules} schedules\s", text);
            Assert.Contains($"schedule {first} ended the grading process: stack overflow in your AruRule.Apply (a recursion that never ends?)", text);
            Assert.Matches(@"7\.1\s*│\s*held in", text);
            var replay = Assert.Single(text.Split('\n'), l => l.Contains("your code on it:", StringComparison.Ordinal)).Split(':', 2)[1].Trim();

            var (replayCode, replayText) = await EvsProcess.RunAsync(output, student, [.. replay.Split(' ').Skip(1)]);
            Assert.Equal(1, replayCode);
            Assert.Contains("schedule 0 ended the grading process: stack overflow in your AruRule.Apply", replayText);
            Assert.Matches(@"runs\s*│\s*failed in 1 of 1 schedule\s", replayText);
        }
        finally
        {
            Directory.Delete(student, recursive: true);
        }
    }

    [Theory]
    [InlineData("--schedule-time-limit", "0", "--schedule-time-limit must be a positive number of seconds, not 0")]
    [InlineData("--memory-limit", "-5", "--memory-limit must be a positive number of megabytes, not -5")]
    public async Task A_limit_that_is_not_positive_exits_2_naming_the_option(string option, string value, string message)
    {
        var (code, text) = await EvsProcess.RunAsync(output, Repository.Root, "lab", "check", "1", "--against", "reference", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, text);
    }

    [Fact]
    public async Task The_hidden_grading_child_started_by_hand_with_no_request_exits_2_saying_what_starts_it()
    {
        using var child = EvsProcess.Start("evs lab grade-child", output, Repository.Root, [.. ChildCommand.Subcommand]);
        await child.WriteLineAsync("not a request");
        Assert.Equal(2, await child.WaitForExitAsync());
        Assert.Contains(child.Errors, l => l.StartsWith("no grading request on standard input: evs lab check starts this command", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outside_the_repository_it_exits_2_saying_where_it_looked()
    {
        var elsewhere = Directory.CreateTempSubdirectory("evs-lab-").FullName;
        try
        {
            var (code, text) = await EvsProcess.RunAsync(output, elsewhere, "lab", "check", "1");
            Assert.Equal(2, code);
            Assert.Contains($"no {Repository.SolutionFile} here or above", text);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    // A repository for a student's lab 1: the solution file that marks it, the library's sources
    // linked (not copied), and the student's AruRule, the reference changed by `aruRule`, beside
    // the reference DeliveryRule. Returns its root.
    private static string StudentRepository(Func<string, string> aruRule)
    {
        var root = Directory.CreateTempSubdirectory("evs-lab-student-").FullName;
        File.WriteAllText(Path.Combine(root, Repository.SolutionFile), "");
        Directory.CreateDirectory(Path.Combine(root, "src"));
        Directory.CreateSymbolicLink(Path.Combine(root, "src", "Evs.Reference"), Repository.LibrarySources);
        var lab = Lab.Find(1)!;
        var student = new Repository(root).StudentFolder(lab);
        Directory.CreateDirectory(student);
        foreach (var file in lab.LibraryFiles)
        {
            var text = File.ReadAllText(Repository.LibraryFile(file));
            File.WriteAllText(Path.Combine(student, Path.GetFileName(file)), file.EndsWith("AruRule.cs", StringComparison.Ordinal) ? Changed(text, aruRule) : text);
        }
        return root;
    }

    private static string Changed(string text, Func<string, string> change)
    {
        var changed = change(text);
        Assert.NotEqual(text, changed);
        return changed;
    }
}
