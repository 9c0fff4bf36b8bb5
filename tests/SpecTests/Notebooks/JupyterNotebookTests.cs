// The notebooks as a student meets them: in Jupyter's own .NET kernel, not only in the project's
// runner. Each notebook is executed by `jupyter nbconvert --execute` (what "Run All" does, headless),
// must leave no error, stderr box or warning under any cell and no warning in Jupyter's own log
// (nbformat's, for one), and its page (nbconvert's HTML, which loads require.js as the classic
// Notebook does) must draw every chart in a real browser, with no error in the console.
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Notebooks;

[Collection(NotebookCollection.Name)]
public sealed class JupyterNotebookTests(JupyterKernel jupyter, ITestOutputHelper output) : IClassFixture<JupyterKernel>, IDisposable
{
    /// <summary>Far above a notebook's minute on a quiet machine: a hang fails, a busy neighbour does not.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(6);

    private readonly string _scratch = Directory.CreateTempSubdirectory("evs-jupyter-run-").FullName;

    public static TheoryData<string> All() => NotebookTests.All();

    [SkippableTheory]
    [MemberData(nameof(All))]
    public void Every_notebook_runs_clean_in_Jupyters_kernel_and_its_page_draws_every_chart(string notebook)
    {
        Skip.If(JupyterKernel.Missing is not null, JupyterKernel.Missing);
        Skip.If(NotebookPage.Missing is not null, NotebookPage.Missing);
        string executed = Path.Combine(_scratch, notebook), html = Path.ChangeExtension(executed, ".html");

        var run = jupyter.NbConvert(NotebookTests.Folder, Limit,
            "--to", "notebook", "--execute", $"--ExecutePreprocessor.timeout={(int)Limit.TotalSeconds}", "--output", executed, notebook);
        output.WriteLine(run.Log);
        Assert.True(run.Exit == 0, $"{notebook} failed in Jupyter (exit {run.Exit}):\n{run.Log}");
        Assert.DoesNotContain("warning", run.Log, StringComparison.OrdinalIgnoreCase);
        string ipynb = File.ReadAllText(executed);
        Assert.Empty(NotebookOutputs.Complaints(ipynb));

        var page = jupyter.NbConvert(_scratch, TimeSpan.FromMinutes(2), "--to", "html", "--output", html, executed);
        Assert.True(page.Exit == 0, $"nbconvert --to html failed (exit {page.Exit}):\n{page.Log}");
        var shown = NotebookPage.Open(html, TimeSpan.FromSeconds(30));
        output.WriteLine(shown.ToString());
        Assert.True(shown.Charts == NotebookOutputs.Charts(ipynb), $"the page shows {shown.Charts} charts, the notebook made {NotebookOutputs.Charts(ipynb)}");
        Assert.True(shown.Drawn == shown.Charts && (shown.Charts == 0 || shown.PlotlyDefined), shown.ToString());
        Assert.True(!shown.ConsoleErrors.Any(error => !OfTheKernelsOwnProbe(error)), shown.ToString());
    }

    // The .NET kernel puts a script of its own under a notebook's first cell, which looks for the
    // kernel's HTTP side (…/discovery on its port range) and loads resources/dotnet-interactive.js
    // from it. In a live Jupyter both answer; on a page read after the kernel has ended, neither
    // can, and the browser says so. Those two errors are the kernel's, on every such page of any
    // notebook; any other error fails the test.
    private static bool OfTheKernelsOwnProbe(string error) =>
        System.Text.RegularExpressions.Regex.IsMatch(error, @"^http://127\.0\.0\.1:\d+/discovery - Failed to load resource")
        || System.Text.RegularExpressions.Regex.IsMatch(error, @"^file://\S*resources/dotnet-interactive\.js - Failed to load resource");

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
