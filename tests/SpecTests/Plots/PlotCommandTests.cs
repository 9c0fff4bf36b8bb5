// `evs plot` as a user meets it: a trace in, a page out; a bad trace refused with exit 2 and the
// file and line at fault on standard error, as `evs check` does. And a benchmark's series in
// (--view lines), a line chart out; a series with a point missing refused, by name.
using System.Diagnostics;
using Evs.Reference.Tracing;
using SpecTests.Cli;
using Xunit;

namespace SpecTests.Plots;

public class PlotCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evs-plot-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_trace_becomes_a_standalone_page_and_a_bad_trace_exits_2_naming_the_line()
    {
        string trace = WriteFigureOneTrace();

        var (exit, _) = Evs("plot", trace, "--out", Path.Combine(_directory, "t.html"), "--view", "delivery-order");
        Assert.Equal(0, exit);
        Assert.Contains("plotly.js v", File.ReadAllText(Path.Combine(_directory, "t.html")));

        string bad = Path.Combine(_directory, "bad.jsonl");
        File.WriteAllLines(bad, [File.ReadLines(trace).First(), "{\"p\":\"p\",\"i\":0,\"e\":\"deliver\"}"]);
        var (badExit, errors) = Evs("plot", bad, "--out", Path.Combine(_directory, "bad.html"));
        Assert.Equal(2, badExit);
        Assert.Contains("bad.jsonl:2:", errors);
        Assert.False(File.Exists(Path.Combine(_directory, "bad.html")));
    }

    [Fact]
    public void The_traces_of_several_processes_draw_one_history()
    {
        var run = PlotFixtures.Figure(1).Trace;
        var files = new List<string>();
        foreach (var process in run.Events.Select(e => e.Process).Distinct())
        {
            string file = Path.Combine(_directory, $"{process}.jsonl");
            using (var writer = new TraceWriter(File.Create(file)))
            {
                writer.WriteHeader(run.Header);
                foreach (var e in run.Events.Where(e => e.Process == process)) writer.Write(e);
            }
            files.Add(file);
        }
        Assert.True(files.Count >= 3, "the run has several processes");

        string page = Path.Combine(_directory, "all.html");
        var (exit, errors) = Evs(["plot", .. files, "--out", page]);
        Assert.True(exit == 0, errors);
        string html = File.ReadAllText(page);
        string columns = "\"ticktext\":[" + string.Join(",", run.Events.Select(e => e.Process.Name).Distinct().Order(StringComparer.Ordinal).Select(n => $"\"{n}\"")) + "]";
        Assert.Contains(columns, html); // one column per process: every file was read
    }

    [Fact]
    public void Without_Chromium_a_png_is_refused_with_exit_2_saying_what_to_install()
    {
        // EVS_CHROMIUM naming no file stands for a machine without Chromium, wherever the test runs.
        string trace = WriteFigureOneTrace();
        string nowhere = Path.Combine(_directory, "no-chromium-here");
        var (exit, errors) = Evs(new Dictionary<string, string> { ["EVS_CHROMIUM"] = nowhere }, "plot", trace, "--out", Path.Combine(_directory, "t.png"));
        Assert.Equal(2, exit);
        Assert.Contains($"EVS_CHROMIUM names {nowhere}, which does not exist", errors);
        Assert.Contains("apt-get install -y chromium", errors);
        Assert.False(File.Exists(Path.Combine(_directory, "t.png")));
    }

    [Fact]
    public void A_file_of_series_becomes_a_line_chart_and_a_series_with_a_point_missing_exits_2_naming_it()
    {
        string series = Path.Combine(_directory, "scaling.json");
        File.WriteAllText(series, """
            {"Title": "throughput", "XLabel": "nodes", "YLabel": "msgs/s per node",
             "Series": [{"Name": "evs", "X": [3, 5, 8], "Y": [30000, 20000, 11000]}, {"Name": "Corosync", "X": [3, 5], "Y": [15000, 9000]}]}
            """);
        var (exit, errors) = Evs("plot", series, "--view", "lines", "--out", Path.Combine(_directory, "s.html"));
        Assert.True(exit == 0, errors);
        string html = File.ReadAllText(Path.Combine(_directory, "s.html"));
        Assert.Contains("msgs/s per node", html);
        Assert.Contains("\"name\":\"Corosync\"", html);

        File.WriteAllText(series, """{"Title": "t", "XLabel": "x", "YLabel": "y", "Series": [{"Name": "short", "X": [1, 2], "Y": [1]}]}""");
        var (badExit, badErrors) = Evs("plot", series, "--view", "lines", "--out", Path.Combine(_directory, "bad.html"));
        Assert.Equal(2, badExit);
        Assert.Contains("series \"short\" has 2 x values and 1 y values", badErrors);
    }

    // The trace of Figure 1's run, as t.jsonl in this test's folder.
    private string WriteFigureOneTrace()
    {
        string trace = Path.Combine(_directory, "t.jsonl");
        using var writer = new TraceWriter(File.Create(trace));
        var run = PlotFixtures.Figure(1).Trace;
        writer.WriteHeader(run.Header);
        foreach (var e in run.Events) writer.Write(e);
        return trace;
    }

    private (int Exit, string Errors) Evs(params string[] arguments) => Evs(new Dictionary<string, string>(), arguments);

    private (int Exit, string Errors) Evs(Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(EvsProcess.Executable) { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(EvsProcess.Patience), $"evs {string.Join(' ', arguments)} did not finish");
        return (process.ExitCode, errors.Result);
    }
}
