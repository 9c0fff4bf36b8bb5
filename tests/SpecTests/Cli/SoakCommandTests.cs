// `evs soak` as a person runs it (issue #16, item 2): a small soak of the reference passes, lists
// every row it judged and ends with its line; with --primary the rows of the filtered run are
// there too; a bad option is refused naming it; and the trace command a failure prints, run as
// printed, writes exactly the trace the soak judged.
using System.Text.RegularExpressions;
using SpecTests.Properties;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class SoakCommandTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly string _directory = Directory.CreateTempSubdirectory("evs-soak-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_small_soak_of_the_reference_passes_judging_every_specification_and_prints_its_line()
    {
        var (code, lines) = await Evs("soak", "--schedules", "6", "--seed", "3", "--workers", "2");
        Assert.Equal(0, code);
        Assert.Contains(lines, l => l.Contains("│ 7.1 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("│ settles ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("│ C1 ", StringComparison.Ordinal));
        Assert.Matches(new Regex(@"^6 schedules in [\d.,]+ s, [\d.,]+ schedules/s: every specification held$"), lines[^1]);
        Assert.False(Directory.Exists(Path.Combine(_directory, "soak-failures")), "nothing failed, nothing saved");
    }

    [Fact]
    public async Task With_a_primary_component_algorithm_the_soak_also_judges_the_filtered_run()
    {
        var (code, lines) = await Evs("soak", "--schedules", "3", "--seed", "5", "--primary", "majority");
        Assert.Equal(0, code);
        Assert.Contains(lines, l => l.Contains("│ C1 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("│ PC.2 (majority) ", StringComparison.Ordinal));
        Assert.EndsWith(": every specification held", lines[^1]);
    }

    [Theory]
    [InlineData("--schedules", "0", "--schedules must be a positive number of schedules, not 0.")]
    [InlineData("--workers", "-2", "--workers must be a positive number of workers, not -2.")]
    [InlineData("--from", "-1", "--from must be a schedule index, 0 or more, not -1.")]
    public async Task A_bad_number_is_refused_with_exit_2_naming_the_option(string option, string value, string message)
    {
        var (code, lines) = await Evs("soak", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, lines);
    }

    [Fact]
    public async Task An_unknown_primary_component_algorithm_is_refused_naming_the_ones_there_are()
    {
        using var run = EvsProcess.Start("evs soak --primary", output, _directory, "soak", "--primary", "plurality");
        int code = await run.WaitForExitAsync();
        Assert.NotEqual(0, code);
        string errors = string.Join('\n', run.Errors);
        Assert.Contains("plurality", errors);
        Assert.Contains("majority", errors);
    }

    [Fact]
    public async Task The_trace_command_a_failure_prints_writes_the_trace_the_soak_judged()
    {
        var judged = new Dictionary<long, string>();
        var soak = new SoakOptions(1, 9, From: 2, Workers: 1, Primary: null);
        var failure = Assert.Single(Soak.Run(soak, run =>
        {
            judged[run.Seed] = SoakTests.TraceText(run.Result.Trace);
            return [new SoakProblem("rejected", "by this test")];
        }).Failures);
        File.WriteAllText(Path.Combine(_directory, "failing.json"), failure.Run.Json + "\n");

        string command = failure.TraceCommand("failing.json");
        string[] sim = command[..command.IndexOf(" && ", StringComparison.Ordinal)].Split(' ');
        Assert.Equal(["evs", "sim"], sim[..2]);
        var (code, _) = await Evs(sim[1..]);
        Assert.Equal(0, code);
        Assert.Equal(judged[failure.Run.Seed], File.ReadAllText(Path.Combine(_directory, "t.jsonl")));
        Assert.EndsWith("&& evs check t.jsonl", command);
    }

    private async Task<(int Code, IReadOnlyList<string> Lines)> Evs(params string[] arguments)
    {
        using var run = EvsProcess.Start("evs " + string.Join(' ', arguments), output, _directory, arguments);
        int code = await run.WaitForExitAsync(Patience);
        return (code, run.Lines);
    }
}
