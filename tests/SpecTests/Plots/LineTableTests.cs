// `evs plot --view lines` (LineTable): a CSV table of numbers becomes lines, one per column after
// the first, named by its header; an empty cell leaves its point out; a cell that is not a number
// is refused naming the file, the line and the column. Through the evs command, the page is written
// with every line in it (no browser needed to check that), and a bad table exits 2.
using System.Diagnostics;
using Evs.Plots.Charts;
using SpecTests.Cli;
using Xunit;

namespace SpecTests.Plots;

public class LineTableTests : IDisposable
{
    private const string Throughput = "processes,agreed,safe\n3,1.5,2.5\n5,1.25,\n8,1,3\n";

    private readonly string _directory = Directory.CreateTempSubdirectory("evs-lines-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Each_column_after_the_first_is_a_line_named_by_its_header_and_an_empty_cell_is_a_point_left_out()
    {
        var table = LineTable.Parse(Throughput, "t.csv");
        Assert.Equal("processes", table.XLabel);
        Assert.Equal(["agreed", "safe"], table.Series.Select(s => s.Name));
        Assert.Equal([3.0, 5, 8], table.Series[0].X);
        Assert.Equal([1.5, 1.25, 1], table.Series[0].Y);
        Assert.Equal([3.0, 8], table.Series[1].X);
        Assert.Equal([2.5, 3.0], table.Series[1].Y);
    }

    [Theory]
    [InlineData("processes,agreed\n3,fast\n", "t.csv:2: column \"agreed\": \"fast\" is not a number")]
    [InlineData("processes,agreed\n3,1,2\n", "t.csv:2: 3 cells, but the header names 2 columns")]
    [InlineData("processes\n3\n", "t.csv:1: at least two columns are needed, x and one line")]
    [InlineData("processes,agreed\n", "t.csv: a header row and at least one row of values are needed")]
    [InlineData("processes,agreed\n,1\n", "t.csv:2: the x value (processes) is empty")]
    public void A_table_that_is_not_one_of_numbers_is_refused_naming_the_line_and_column(string csv, string message)
    {
        var error = Assert.Throws<FormatException>(() => LineTable.Parse(csv, "t.csv"));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Evs_plot_view_lines_writes_a_page_with_every_line_and_refuses_a_bad_table_with_exit_2()
    {
        string csv = Path.Combine(_directory, "throughput.csv");
        File.WriteAllText(csv, Throughput);
        var (exit, _) = Evs("plot", csv, "--view", "lines", "--y-label", "messages per virtual second", "--out", Path.Combine(_directory, "t.html"));
        Assert.Equal(0, exit);
        string html = File.ReadAllText(Path.Combine(_directory, "t.html"));
        Assert.Contains("\"name\":\"agreed\"", html);
        Assert.Contains("\"name\":\"safe\"", html);
        Assert.Contains("messages per virtual second", html);
        Assert.Contains("throughput", html);

        string bad = Path.Combine(_directory, "bad.csv");
        File.WriteAllText(bad, "processes,agreed\n3,fast\n");
        var (badExit, errors) = Evs("plot", bad, "--view", "lines", "--out", Path.Combine(_directory, "bad.html"));
        Assert.Equal(2, badExit);
        Assert.Contains("bad.csv:2: column \"agreed\": \"fast\" is not a number", errors);
        Assert.False(File.Exists(Path.Combine(_directory, "bad.html")));
    }

    private (int Exit, string Errors) Evs(params string[] arguments)
    {
        var start = new ProcessStartInfo(EvsProcess.Executable) { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(EvsProcess.Patience), $"evs {string.Join(' ', arguments)} did not finish");
        return (process.ExitCode, errors.Result);
    }
}
