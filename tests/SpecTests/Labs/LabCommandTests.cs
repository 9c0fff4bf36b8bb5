// `evs lab` as a student runs it: the list of labs; `evs lab check` from inside the repository,
// its exit code and what it prints when the work is the untouched starter; and a clear error, not
// a crash, outside it.
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
}
