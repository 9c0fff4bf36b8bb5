// The notebooks as a student runs them by hand: the classic Jupyter Notebook (what Debian packages)
// in a real browser, Cell ▸ Run All, and a look at the page while the kernel still runs. The
// notebook is served from a copy of the folder (with the repository's build and tool manifest
// beside it, so its relative paths and `dotnet interactive` resolve as in the repository), so that
// the Notebook's autosave never writes outputs into the repository.
//
// With EVS_NOTEBOOK_SCREENSHOTS=DIR (relative to the repository's root) each run also saves
// DIR/NAME.png, the window with the cell of the first chart at its top: notebooks/README.md shows
// those of 00, 03 and 05.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SpecTests.Plots;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Notebooks;

[Collection(NotebookCollection.Name)]
public sealed class ClassicNotebookTests(JupyterKernel jupyter, ITestOutputHelper output) : IClassFixture<JupyterKernel>, IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(6);

    private readonly string _root = Directory.CreateTempSubdirectory("evs-classic-notebook-").FullName;

    /// <summary>The notebooks that draw charts (each shows plotly.js in its first cell).</summary>
    public static TheoryData<string> WithCharts()
    {
        var names = new TheoryData<string>();
        foreach (var name in NotebookTests.All().Cast<object[]>().Select(row => (string)row[0]))
            if (File.ReadAllText(Path.Combine(NotebookTests.Folder, name)).Contains("KernelPlots.PlotlyJsHtml()", StringComparison.Ordinal))
                names.Add(name);
        return names;
    }

    [SkippableTheory]
    [MemberData(nameof(WithCharts))]
    public void Run_all_in_the_classic_Notebook_draws_every_chart_with_no_error_under_any_cell(string notebook)
    {
        Skip.If(JupyterKernel.Missing is not null, JupyterKernel.Missing);
        Skip.If(NotebookPage.Missing is not null, NotebookPage.Missing);
        CopyFolder();
        int port = FreeLoopbackPort();
        using var server = jupyter.StartNotebookServer(_root, port);
        var log = new System.Text.StringBuilder();
        server.OutputDataReceived += (_, line) => { lock (log) log.AppendLine(line.Data); };
        server.ErrorDataReceived += (_, line) => { lock (log) log.AppendLine(line.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            WaitUntilServing(port, server);
            var (page, ipynb) = NotebookPage.RunAllInClassicNotebook(new Uri($"http://127.0.0.1:{port}/notebooks/notebooks/{notebook}"), Limit,
                ScreenshotFolder() is { } folder ? Path.Combine(folder, Path.ChangeExtension(notebook, ".png")) : null);
            output.WriteLine(page.ToString());

            Assert.Empty(NotebookOutputs.Complaints(ipynb));
            Assert.True(NotebookOutputs.Charts(ipynb) > 0, $"{notebook} drew no chart");
            Assert.True(page.Charts == NotebookOutputs.Charts(ipynb), $"the page shows {page.Charts} charts, the notebook made {NotebookOutputs.Charts(ipynb)}");
            Assert.True(page.Drawn == page.Charts && page.PlotlyDefined && page.ConsoleErrors.Count == 0, page.ToString());
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
            lock (log) output.WriteLine(log.ToString());
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_root, recursive: true);

    // ROOT/notebooks holds copies of the notebooks and Show.csx; ROOT/src is the repository's src
    // (a link: the notebooks load its build); ROOT/.config the tool manifest that pins the kernel.
    private void CopyFolder()
    {
        string notebooks = Directory.CreateDirectory(Path.Combine(_root, "notebooks")).FullName;
        foreach (var file in Directory.GetFiles(NotebookTests.Folder).Where(f => f.EndsWith(".ipynb", StringComparison.Ordinal) || f.EndsWith(".csx", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(notebooks, Path.GetFileName(file)));
        Directory.CreateSymbolicLink(Path.Combine(_root, "src"), Path.Combine(NotebookKernel.RepositoryRoot, "src"));
        string config = Directory.CreateDirectory(Path.Combine(_root, ".config")).FullName;
        File.Copy(Path.Combine(NotebookKernel.RepositoryRoot, ".config", "dotnet-tools.json"), Path.Combine(config, "dotnet-tools.json"));
    }

    // EVS_NOTEBOOK_SCREENSHOTS, a folder relative to the repository's root (or absolute), made if missing.
    private static string? ScreenshotFolder() =>
        Environment.GetEnvironmentVariable("EVS_NOTEBOOK_SCREENSHOTS") is { Length: > 0 } folder
            ? Directory.CreateDirectory(Path.Combine(NotebookKernel.RepositoryRoot, folder)).FullName
            : null;

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WaitUntilServing(int port, Process server)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromMinutes(1); Thread.Sleep(250))
        {
            if (server.HasExited) throw new InvalidOperationException($"jupyter notebook ended at once (exit {server.ExitCode})");
            try
            {
                if (http.GetAsync($"http://127.0.0.1:{port}/api").Result.IsSuccessStatusCode) return;
            }
            catch (AggregateException) { }
        }
        throw new TimeoutException($"jupyter notebook did not serve on 127.0.0.1:{port} within a minute");
    }
}
