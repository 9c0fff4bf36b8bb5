// `evs sim --coverage` as a person runs it (docs/COVERAGE.md): after the run's summary, a table with
// one row per named situation, saying whether the run reached it and how often; the primary
// component row only applies with --primary. Without --coverage there is no such table.
using Evs.Reference.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class SimCoverageCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evs-coverage-").FullName;

    // The generator's opening of Section 3.2: safe messages just before a crash, then every process
    // alone while the ring of the others is in step 6.
    private const string Section32 = """
        {
          "name": "section-3.2",
          "processes": ["p1", "p2", "p3", "p4", "p5"],
          "traffic": { "rate": 30, "size": 16, "mix": { "agreed": 1, "safe": 1 } },
          "steps": [
            { "at": 700, "send": { "from": "p2", "svc": "safe", "count": 10 } },
            { "at": 702, "crash": "p5" },
            { "at": 710, "partition": [], "when": "step6", "within_ms": 1500 },
            { "at": 2500, "stop": true, "recover_all": true }
          ]
        }
        """;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(int Code, IReadOnlyList<string> Lines)> Sim(params string[] more)
    {
        File.WriteAllText(Path.Combine(_directory, "section-3.2.json"), Section32);
        string[] arguments = ["sim", "--scenario", "section-3.2.json", "--seed", "1", .. more];
        using var run = EvsProcess.Start("evs " + string.Join(' ', arguments), output, _directory, arguments);
        int code = await run.WaitForExitAsync();
        return (code, run.Lines);
    }

    private static string RowOf(IReadOnlyList<string> lines, Situation situation) =>
        Assert.Single(lines, l => l.Contains($" {situation.ToLabel()} ", StringComparison.Ordinal));

    [Fact]
    public async Task Sim_with_coverage_prints_a_row_for_every_situation_saying_whether_the_run_reached_it_and_how_often()
    {
        var (code, lines) = await Sim("--coverage");
        Assert.Equal(0, code);
        Assert.Contains(lines, l => l.Contains("situations the run went through", StringComparison.Ordinal));
        foreach (var situation in Enum.GetValues<Situation>())
            Assert.Matches(@"│ (yes, once|yes, \d+ times|no|n/a \(--primary\)) +│$", RowOf(lines, situation));
        Assert.Contains("│ yes", RowOf(lines, Situation.Section32Case));
        Assert.Contains("│ yes", RowOf(lines, Situation.FailureDuringStep6));
        Assert.Contains("│ no ", RowOf(lines, Situation.TokenLossInCommit));
        Assert.Contains("│ n/a (--primary)", RowOf(lines, Situation.PrimaryComponentLostAndRegained));
    }

    [Fact]
    public async Task With_a_primary_component_algorithm_the_primary_component_row_applies_and_without_coverage_there_is_no_table()
    {
        var (code, lines) = await Sim("--coverage", "--primary", "majority");
        Assert.Equal(0, code);
        Assert.DoesNotContain("n/a", RowOf(lines, Situation.PrimaryComponentLostAndRegained));

        var (plainCode, plain) = await Sim();
        Assert.Equal(0, plainCode);
        Assert.DoesNotContain(plain, l => l.Contains("situations the run went through", StringComparison.Ordinal));
    }
}
