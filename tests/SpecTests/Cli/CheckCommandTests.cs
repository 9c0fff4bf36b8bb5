// `evs check` as a student meets it: each verdict beside the one-line meaning of its
// specification (the specification's own Title, which `evs demo` shows too), a violation's
// witnesses on the line under it, and a trace cut short refused with exit 2 and the file named
// instead of judged as a broken protocol.
using Evs.Reference.Checking.VirtualSynchrony;
using SpecTests.Checking;
using SpecTests.VirtualSynchrony;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class CheckCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evs-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(int Code, IReadOnlyList<string> Lines, string Errors)> Evs(params string[] arguments)
    {
        using var run = EvsProcess.Start("evs " + string.Join(' ', arguments), output, _directory, arguments);
        int code = await run.WaitForExitAsync();
        return (code, run.Lines, string.Join('\n', run.Errors));
    }

    [Fact]
    public async Task Every_verdict_is_printed_beside_the_meaning_of_its_specification_and_a_violation_lists_its_witnesses_under_it()
    {
        const string name = "spec-7.1-safe-not-delivered-by-member.jsonl";
        var report = TraceFiles.Check("illegal", name);
        var (code, lines, _) = await Evs("check", Path.Combine(TraceFiles.Folder("illegal"), name));

        Assert.Equal(1, code);
        foreach (var verdict in report.Verdicts.Where(v => v.Passed))
            Assert.Contains(lines, l => l.StartsWith($"Spec {verdict.Spec} ", StringComparison.Ordinal) && l.EndsWith($"  pass  {verdict.Title}", StringComparison.Ordinal));
        var failed = report.Verdicts.Single(v => v.Spec == "7.1");
        int at = lines.ToList().FindIndex(l => l.StartsWith("Spec 7.1 ", StringComparison.Ordinal));
        Assert.EndsWith($"  FAIL  {failed.Title}", lines[at]);
        Assert.Equal($"{string.Join(", ", failed.Violation!.Events)}: {failed.Violation.Message}", lines[at + 1].Trim());
        Assert.StartsWith(new string(' ', lines[at].IndexOf("FAIL", StringComparison.Ordinal)), lines[at + 1]);
    }

    [Fact]
    public async Task The_verdicts_line_up_whatever_the_length_of_the_specifications_names()
    {
        var (_, lines, _) = await Evs("check", Path.Combine(TraceFiles.Folder("legal"), "steady-ring.jsonl"));
        Assert.Single(lines.Select(l => l.IndexOf("  pass  ", StringComparison.Ordinal)).Distinct());
        Assert.Contains(lines, l => l.StartsWith("Spec PC.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_virtual_synchrony_conditions_are_printed_beside_their_meanings_too()
    {
        var path = Path.Combine(VsTraceFiles.Folder("legal"), "three-processes-cbcast-and-abcast.jsonl");
        var report = VirtualSynchronyChecker.Check(global::Evs.Runtime.Files.TraceFiles.ReadVs(path));
        var (code, lines, _) = await Evs("check", "--vs", path);

        Assert.Equal(0, code);
        Assert.Equal(report.Verdicts.Select(v => $"VS {v.Spec}  pass  {v.Title}"), lines);
    }

    [Fact]
    public async Task A_quiescent_simulator_trace_cut_to_its_first_300_lines_exits_2_naming_the_file_and_saying_it_is_cut_short()
    {
        var (simulated, _, _) = await Evs("sim", "--scenario", "figure6", "--seed", "718", "--trace", "whole.jsonl");
        Assert.Equal(0, simulated);
        var whole = Path.Combine(_directory, "whole.jsonl");
        var cut = Path.Combine(_directory, "cut.jsonl");
        File.WriteAllLines(cut, File.ReadLines(whole).Take(300));

        var (code, lines, errors) = await Evs("check", cut);

        Assert.Equal(2, code);
        Assert.Empty(lines);
        Assert.Contains($"{cut}:300:", errors);
        Assert.Contains("the trace is cut short", errors);
        Assert.Equal(0, (await Evs("check", whole)).Code);
    }
}
