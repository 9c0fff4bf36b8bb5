// `evs check` on traces with named groups (docs/TRACE.md, "Groups"): after the ring's verdicts, a
// block per group with the same specifications, judged on the group's projected history; --json
// gains a "groups" object; a group's violation alone makes the exit code 1. A simulated run of the
// group workload passes; a hand-written trace whose ring is legal but whose group is not is caught.
using System.Text.Json;
using Evs.Reference.Groups;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
using SpecTests.Checking;
using SpecTests.Groups;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class GroupCheckCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evs-check-groups-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string IllegalGroup => Path.Combine(TraceFiles.Folder("groups"), "kv-safe-not-delivered-by-member.jsonl");

    private async Task<(int Code, IReadOnlyList<string> Lines)> Evs(params string[] arguments)
    {
        using var run = EvsProcess.Start("evs " + string.Join(' ', arguments), output, _directory, arguments);
        int code = await run.WaitForExitAsync();
        return (code, run.Lines);
    }

    /// <summary>The group workload over a partition and a merge, written as a trace file.</summary>
    private string SimulatedTraceWithGroups()
    {
        var scenario = ScenarioReader.Parse(GroupAgreementTests.PartitionAndMerge, "groups.json");
        var trace = Simulator.Run(scenario, new SimulationOptions(18, Application: new GroupWorkload(GroupProperties.Groups, 18))).Trace;
        string path = Path.Combine(_directory, "groups.jsonl");
        using var writer = new TraceWriter(File.Create(path));
        writer.WriteHeader(trace.Header);
        foreach (var e in trace.Events) writer.Write(e);
        return path;
    }

    [Fact]
    public async Task A_simulated_run_of_two_groups_passes_and_each_group_has_a_block_of_every_specification_after_the_ring()
    {
        string path = SimulatedTraceWithGroups();
        var (code, lines) = await Evs("check", path);

        Assert.Equal(0, code);
        int ringSpecs = lines.TakeWhile(l => l.Length > 0).Count();
        Assert.All(lines.Take(ringSpecs), l => Assert.Matches("^Spec [^ ]+ +pass  ", l));
        foreach (var group in GroupProperties.Groups)
        {
            int at = lines.ToList().IndexOf($"group {group}:");
            Assert.True(at > ringSpecs, $"no block for group {group}");
            Assert.Equal("", lines[at - 1]);
            Assert.All(lines.Skip(at + 1).Take(ringSpecs), l => Assert.Matches("^  Spec [^ ]+ +pass  ", l));
        }
    }

    [Fact]
    public async Task A_trace_whose_ring_is_legal_but_whose_group_is_not_exits_1_naming_the_group_and_its_violation()
    {
        var (code, lines) = await Evs("check", IllegalGroup);

        Assert.Equal(1, code);
        int block = lines.ToList().IndexOf("group kv:");
        Assert.True(block > 0);
        Assert.All(lines.Take(block - 1), l => Assert.DoesNotContain("FAIL", l));
        Assert.Contains(lines.Skip(block), l => l.StartsWith("  Spec 7.1 ", StringComparison.Ordinal) && l.Contains("  FAIL  ", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(block), l => l.Contains("p1 delivers the safe message p1.1.4 in F:p1.1.3{p1,p2}, but its member p2 neither delivers it nor fails", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_json_verdict_has_a_groups_object_with_the_specs_and_violations_of_each_group()
    {
        var (code, lines) = await Evs("check", "--json", IllegalGroup);

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(Assert.Single(lines));
        Assert.Empty(json.RootElement.GetProperty("violations").EnumerateArray());
        var kv = json.RootElement.GetProperty("groups").GetProperty("kv");
        Assert.Equal("fail", kv.GetProperty("specs").GetProperty("7.1").GetString());
        Assert.Equal("pass", kv.GetProperty("specs").GetProperty("1.1").GetString());
        Assert.Contains(kv.GetProperty("violations").EnumerateArray(), v => v.GetProperty("spec").GetString() == "7.1");
    }

    [Fact]
    public async Task A_trace_without_groups_has_no_group_block_and_no_groups_object()
    {
        var steady = Path.Combine(TraceFiles.Folder("legal"), "steady-ring.jsonl");
        var (code, lines) = await Evs("check", steady);
        var (_, json) = await Evs("check", "--json", steady);

        Assert.Equal(0, code);
        Assert.DoesNotContain(lines, l => l.Length == 0 || l.StartsWith("group ", StringComparison.Ordinal));
        using var parsed = JsonDocument.Parse(Assert.Single(json));
        Assert.False(parsed.RootElement.TryGetProperty("groups", out _));
    }
}
