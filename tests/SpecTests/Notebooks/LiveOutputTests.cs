// How JupyterLab and VS Code show a cell's HTML output, which this machine has neither of: the
// page has no require.js, and each output is put into the page as it arrives, its HTML set on a
// fresh element and each of its scripts then made anew so that the browser runs it (scripts set
// through innerHTML alone never run). This is an imitation of those clients, not the clients
// themselves; what it checks is the part of the design they depend on: charts draw when their
// outputs arrive one by one, and a chart whose output arrives before plotly.js's (a student who
// runs a later cell first, a client that shows outputs out of order) waits for it and then draws.
using Evs.Plots;
using SpecTests.Plots;
using Xunit;

namespace SpecTests.Notebooks;

public sealed class LiveOutputTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("evs-live-outputs-").FullName;

    [SkippableFact]
    public void Charts_draw_when_outputs_arrive_one_by_one_as_in_JupyterLab_and_VS_Code()
    {
        Skip.If(NotebookPage.Missing is not null, NotebookPage.Missing);
        var page = Show(KernelPlots.PlotlyJsHtml(), Chart(), Chart());

        Assert.True(page.Charts == 2 && page.Drawn == 2 && page.PlotlyDefined && page.ConsoleErrors.Count == 0, page.ToString());
    }

    [SkippableFact]
    public void A_chart_shown_before_plotly_js_waits_for_it_and_then_draws()
    {
        Skip.If(NotebookPage.Missing is not null, NotebookPage.Missing);
        var page = Show(Chart(), KernelPlots.PlotlyJsHtml());

        Assert.True(page.Charts == 1 && page.Drawn == 1 && page.ConsoleErrors.Count == 0, page.ToString());
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static string Chart() => KernelPlots.RingHtml(PlotFixtures.Figure(1).Trace);

    // A page that adds the outputs a second apart, the way those clients render an HTML output.
    private NotebookPage Show(params string[] outputs)
    {
        string json = System.Text.Json.JsonSerializer.Serialize(outputs);
        string html = $$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"></head><body>
            <script>
            var outputs = {{json}};
            function show(html) {
              var output = document.createElement('div');
              output.innerHTML = html;
              document.body.appendChild(output);
              Array.from(output.getElementsByTagName('script')).forEach(function (old) {
                var script = document.createElement('script');
                Array.from(old.attributes).forEach(function (a) { script.setAttribute(a.name, a.value); });
                script.textContent = old.textContent;
                old.parentNode.replaceChild(script, old);
              });
            }
            outputs.forEach(function (html, i) { setTimeout(function () { show(html); }, 1000 * i); });
            </script>
            </body></html>
            """;
        string path = Path.Combine(_scratch, "outputs.html");
        File.WriteAllText(path, html);
        return NotebookPage.Open(path, TimeSpan.FromSeconds(30), expectedCharts: outputs.Count(o => o.Contains("class=\"evs-plot\"", StringComparison.Ordinal)));
    }
}
