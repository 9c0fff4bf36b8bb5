// The progress of the commands people wait for, as a CI log or a pipe sees it (issue #14): with
// the output redirected, plain lines such as "schedule 50/200" instead of a progress bar, ending
// with where the count ended, and the command's own output after them unchanged. (That a run
// which lasts only a moment shows nothing is ProgressDisplayTests': a clock cannot tell it here.)
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class ProgressLinesTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evs-progress-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Liveness_counts_its_runs_in_plain_lines_up_to_the_last_then_prints_its_table()
    {
        var (code, text) = await EvsProcess.RunAsync(output, _directory, "liveness", "--scenario", "steady", "--runs", "12");
        Assert.Equal(0, code);
        var counts = Counts(text, "steady: run", 12);
        Assert.Equal(12, counts[^1]);
        Assert.True(LineIndex(text, "steady: run 12/12") < LineIndex(text, "changes of the world"), "the table comes after the progress");
    }

    [Fact]
    public async Task Figures_counts_the_figures_it_made_then_lists_each_figure_and_its_files()
    {
        var (code, text) = await EvsProcess.RunAsync(output, _directory, "figures", "--out", "f", "--no-png", "--figure", "1", "--figure", "2");
        Assert.Equal(0, code);
        Assert.Equal(2, Counts(text, "figure", 2)[^1]);
        Assert.Contains("Figure 1 (Basic Delivery Specifications): every specification passes", text);
        Assert.Contains("  f/figure-2.html", text);
    }

    [Fact]
    public async Task A_long_simulator_run_counts_its_virtual_time_up_to_its_stop()
    {
        var (code, text) = await EvsProcess.RunAsync(output, _directory, "sim", "--scenario", "steady", "--stop-at", "600000");
        Assert.Equal(0, code);
        Assert.Equal(600_000, Counts(text, "virtual time", 600_000, " ms")[^1]);
        Assert.Contains("quiescent True", text);
    }

    [Fact]
    public async Task Lab_check_says_when_the_library_is_compiled_and_counts_the_schedules()
    {
        var (code, text) = await EvsProcess.RunAsync(output, DotnetCli.Repository, "lab", "check", "2", "--against", "reference", "--schedules", "4");
        Assert.Equal(0, code);
        Assert.Contains("library compiled 1/1", text);
        Assert.Equal(4, Counts(text, "schedule", 4)[^1]);
        Assert.Contains("every specification held", text);
    }

    [Fact]
    public async Task Bench_counts_nodes_in_the_ring_milliseconds_of_sending_and_reports_before_its_report()
    {
        var (code, text) = await EvsProcess.RunAsync(output, _directory, "bench", "--nodes", "2", "--duration", "1", "--warmup", "0");
        Assert.Equal(0, code);
        Assert.Equal(2, Counts(text, "nodes in one ring", 2)[^1]);
        Assert.Equal(1_500, Counts(text, "warmup, 1 s window, cooldown:", 1_500, " ms")[^1]);
        Assert.Equal(2, Counts(text, "reports", 2)[^1]);
        Assert.True(LineIndex(text, "reports 2/2") < LineIndex(text, "same order on every node"), "the report comes after the progress");
    }

    // The counts of the lines "NOUN N/TOTAL UNIT" in order: at least one, never decreasing, each line
    // whole (no bar, no escape sequence).
    private static List<int> Counts(string text, string noun, int total, string unit = "")
    {
        var pattern = new Regex($"^{Regex.Escape(noun)} ([0-9,]+)/{total:N0}{Regex.Escape(unit)}$");
        var counts = text.Split('\n').Select(line => pattern.Match(line)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(counts.Count >= 1, $"no progress lines \"{noun} N/{total:N0}{unit}\" in:\n{text}");
        Assert.Equal(counts.Order(), counts);
        return counts;
    }

    private static int LineIndex(string text, string part) => Array.FindIndex(text.Split('\n'), line => line.Contains(part, StringComparison.Ordinal));
}
