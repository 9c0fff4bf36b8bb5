// `evs figures` (PaperFigures): the paper's Figures 1-7 regenerated from simulator runs. Each
// run must pass every specification, its page must be written with plotly.js inside, and each
// figure must star the events of its specification. A PNG is made where Chromium is installed;
// where it is not, the request fails saying what to install. Each of those two tests can run only
// on its own kind of machine and reports skipped on the other (.ci/run installs Chromium).
using Evs.Plots.Figures;
using Evs.Plots.Output;
using Xunit;

namespace SpecTests.Plots;

public class FigureTests
{
    [Fact]
    public void Every_figure_is_regenerated_its_trace_passes_every_specification_and_its_page_is_written()
    {
        string folder = Directory.CreateTempSubdirectory("evs-figures-").FullName;
        try
        {
            foreach (var figure in PaperFigures.All)
            {
                var made = PaperFigures.Write(figure, folder, png: false);
                Assert.True(made.Report.AllPassed, $"Figure {figure.Number}: {string.Join("; ", made.Report.Verdicts.Where(v => !v.Passed))}");
                Assert.True(made.VsReport?.AllPassed ?? true, $"Figure {figure.Number} (virtual synchrony): {made.VsReport}");
                Assert.True(made.Trace.Header.Quiescent, $"Figure {figure.Number}'s run did not settle");
                string html = File.ReadAllText(Path.Combine(folder, figure.FileStem + ".html"));
                Assert.Contains("plotly.js v", html);
                Assert.Contains($"Figure {figure.Number}. {figure.Title}", html);
                Assert.True(File.Exists(Path.Combine(folder, figure.FileStem + ".jsonl")));
            }
            Assert.True(File.Exists(Path.Combine(folder, "figure-7-vs.jsonl")));
            Assert.Equal(2, CountOccurrences(File.ReadAllText(Path.Combine(folder, "figure-7.html")), "<!-- Plotly chart will be drawn inside this DIV -->"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Each_figure_stars_events_of_its_specification(int number)
    {
        var figure = PaperFigures.All[number - 1];
        var witnesses = figure.Witnesses(PlotFixtures.Events(number));
        Assert.NotEmpty(witnesses);
        Assert.All(witnesses, w => Assert.Contains(PlotFixtures.Events(number), e => e.Witness == w));
    }

    [SkippableFact]
    public void A_png_is_made_with_Chromium()
    {
        Skip.IfNot(Chromium.Available, "Chromium is not installed: apt-get install -y chromium (or EVS_CHROMIUM=/path/to/chromium) runs it");
        string folder = Directory.CreateTempSubdirectory("evs-figure-png-").FullName;
        try
        {
            PaperFigures.Write(PaperFigures.All[0], folder, png: true);
            var png = File.ReadAllBytes(Path.Combine(folder, "figure-1.png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int CountOccurrences(string text, string part) =>
        (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
