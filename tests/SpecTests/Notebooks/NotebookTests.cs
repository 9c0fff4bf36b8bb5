// The course's notebooks are part of the build: every notebook in notebooks/ must run from its
// first cell to its last, as a student's "Run All" would, through `evs notebook run` (the built
// evs, a process of its own: the kernel changes the current directory and loads the repository's
// build of Evs.Reference, which must not meet this test process's own copy). A failing cell fails
// the test with the notebook, the cell's number and its error; so does an error, stderr or
// warning under any cell, and a chart of its HTML page that does not draw in a real browser.
// (JupyterNotebookTests holds the same notebooks to the same in Jupyter's own kernel.)
using System.Diagnostics;
using SpecTests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Notebooks;

/// <summary>The notebooks start kernels, nodes and benchmarks: they run alone, not beside CPU-heavy tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookCollection
{
    public const string Name = "Notebooks";
}

[Collection(NotebookCollection.Name)]
public sealed class NotebookTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// How long one notebook may take before the test fails. Each is meant to run well under a
    /// minute on two quiet cores; this bound is for a loaded machine, so that it fails on a hang,
    /// not on a busy neighbour.
    /// </summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    private readonly string _scratch = Directory.CreateTempSubdirectory("evs-notebooks-").FullName;

    /// <summary>The repository's notebooks/ folder.</summary>
    public static string Folder { get; } = Locate();

    /// <summary>Every notebook of the course, by file name.</summary>
    public static TheoryData<string> All()
    {
        var names = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Folder, "*.ipynb").Where(p => !p.EndsWith(".executed.ipynb", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            names.Add(Path.GetFileName(path));
        return names;
    }

    [SkippableTheory]
    [MemberData(nameof(All))]
    public void Every_notebook_runs_to_its_last_cell_clean_and_its_page_draws_every_chart(string notebook)
    {
        string executed = Path.Combine(_scratch, notebook);
        string html = Path.ChangeExtension(executed, ".html");
        var run = Run("notebook", "run", Path.Combine(Folder, notebook), "--output", executed, "--html", html);

        Assert.True(run.ExitCode == 0, $"{notebook} failed (exit {run.ExitCode}):\n{run.Errors}\n{run.Output}");
        string ipynb = File.ReadAllText(executed);
        Assert.Contains("\"outputs\"", ipynb);
        Assert.Empty(NotebookOutputs.Complaints(ipynb));
        Assert.True(new FileInfo(html).Length > 0, $"no HTML page for {notebook}");

        Skip.If(NotebookPage.Missing is not null, NotebookPage.Missing);
        var shown = NotebookPage.Open(html, TimeSpan.FromSeconds(30));
        output.WriteLine(shown.ToString());
        Assert.True(shown.Charts == NotebookOutputs.Charts(ipynb), $"the page shows {shown.Charts} charts, the notebook made {NotebookOutputs.Charts(ipynb)}");
        Assert.True(shown.Drawn == shown.Charts && (shown.Charts == 0 || shown.PlotlyDefined) && shown.ConsoleErrors.Count == 0, shown.ToString());
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Every_notebook_is_as_Jupyter_reads_it_without_a_warning(string notebook)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, notebook)));
        var root = json.RootElement;
        // nbformat 4.5 wants a unique id on every cell (MissingIDFieldWarning: "will become a hard error").
        Assert.Equal((4, 5), (root.GetProperty("nbformat").GetInt32(), root.GetProperty("nbformat_minor").GetInt32()));
        var ids = root.GetProperty("cells").EnumerateArray()
            .Select(cell => cell.TryGetProperty("id", out var id) ? id.GetString() : null).ToList();
        Assert.DoesNotContain(null, ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // The language as the .NET kernel reports it: the classic Notebook loads its editor mode and
        // nbconvert its highlighter by this name (Polyglot's "polyglot-notebook" has neither).
        Assert.Equal("C#", root.GetProperty("metadata").GetProperty("language_info").GetProperty("name").GetString());
        Assert.Equal(".net-csharp", root.GetProperty("metadata").GetProperty("kernelspec").GetProperty("name").GetString());
        // Committed without outputs: what a student runs is what the notebook says, not a stale result.
        Assert.All(root.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code"),
            cell => Assert.Equal(0, cell.GetProperty("outputs").GetArrayLength()));
    }

    [Fact]
    public void A_failing_cell_stops_the_run_with_exit_1_naming_the_cell_and_its_error()
    {
        string notebook = Path.Combine(_scratch, "broken.ipynb");
        File.WriteAllText(notebook, Notebook("Console.WriteLine(\"first\");", "throw new InvalidOperationException(\"on purpose\");", "Console.WriteLine(\"never\");"));

        var run = Run("notebook", "run", notebook, "--output", Path.Combine(_scratch, "broken.out.ipynb"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cell 2 ", run.Errors);
        Assert.Contains("on purpose", run.Errors);
        using var executed = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_scratch, "broken.out.ipynb")));
        var outputs = executed.RootElement.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("outputs").GetArrayLength()).ToList();
        Assert.Equal([1, 1, 0], outputs); // the first cell's line, the failure, nothing from the cell after it
    }

    [Fact]
    public void A_cell_added_in_Jupyter_without_metadata_of_its_own_runs_as_CSharp()
    {
        string notebook = Path.Combine(_scratch, "plain.ipynb");
        File.WriteAllText(notebook, Notebook(cellMetadata: new { }, "Console.WriteLine(\"ran\");", "throw new InvalidOperationException(\"the second cell ran too\");"));

        var run = Run("notebook", "run", notebook, "--output", Path.Combine(_scratch, "plain.out.ipynb"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cell 2 ", run.Errors);
        Assert.Contains("the second cell ran too", run.Errors);
        Assert.Contains("ran", File.ReadAllText(Path.Combine(_scratch, "plain.out.ipynb")));
    }

    [Fact]
    public void A_cell_for_another_kernel_stops_the_run_naming_it_rather_than_being_passed_over()
    {
        string notebook = Path.Combine(_scratch, "fsharp.ipynb");
        File.WriteAllText(notebook, Notebook(cellMetadata: new { polyglot_notebook = new { kernelName = "fsharp" } }, "printfn \"never run\""));

        var run = Run("notebook", "run", notebook, "--output", Path.Combine(_scratch, "fsharp.out.ipynb"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cell 1 ", run.Errors);
        Assert.Contains("fsharp kernel", run.Errors);
    }

    [Fact]
    public void A_reference_to_an_unbuilt_library_assembly_is_left_to_the_library_evs_has_and_any_other_missing_file_still_fails()
    {
        string unbuilt = Path.Combine(_scratch, "unbuilt.ipynb");
        File.WriteAllText(unbuilt, Notebook("""
            #r "../src/Evs.Cli/bin/Debug/net10.0/Evs.Reference.dll"
            #r "../src/Evs.Cli/bin/Debug/net10.0/Evs.Plots.dll"
            using Evs.Reference.Simulation;
            Console.WriteLine($"built-in scenarios: {BuiltInScenarios.Names.Count}");
            """));
        string other = Path.Combine(_scratch, "other.ipynb");
        File.WriteAllText(other, Notebook("#r \"../lib/Other.dll\"\nConsole.WriteLine(\"never\");"));

        var library = Run("notebook", "run", unbuilt, "--output", Path.Combine(_scratch, "unbuilt.out.ipynb"));
        var missing = Run("notebook", "run", other, "--output", Path.Combine(_scratch, "other.out.ipynb"));

        Assert.Equal(0, library.ExitCode);
        Assert.Contains("built-in scenarios: ", File.ReadAllText(Path.Combine(_scratch, "unbuilt.out.ipynb")));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Other.dll", missing.Errors);
    }

    [Fact]
    public void A_missing_file_or_one_that_is_not_a_notebook_is_exit_2_with_a_message()
    {
        var missing = Run("notebook", "run", Path.Combine(_scratch, "nowhere.ipynb"));
        string text = Path.Combine(_scratch, "text.ipynb");
        File.WriteAllText(text, "this is not JSON");
        var bad = Run("notebook", "run", text);
        string empty = Path.Combine(_scratch, "empty.ipynb");
        File.WriteAllText(empty, "{}");
        var noCells = Run("notebook", "run", empty);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nowhere.ipynb", missing.Errors);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("not a Jupyter notebook", bad.Errors);
        Assert.Equal(2, noCells.ExitCode);
        Assert.Contains("no \"cells\" list", noCells.Errors);
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private sealed record EvsRun(int ExitCode, string Output, string Errors);

    // Runs the built evs to its end (at most Limit), in the scratch folder; its time goes to the test's output.
    private EvsRun Run(params string[] arguments)
    {
        var info = new ProcessStartInfo(EvsProcess.Executable) { WorkingDirectory = _scratch, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"evs {string.Join(' ', arguments)} did not end within {Limit.TotalMinutes} minutes:\n{stdout.Result}\n{stderr.Result}");
        }
        output.WriteLine($"evs {string.Join(' ', arguments)}: exit {process.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s\n{stdout.Result}\n{stderr.Result}");
        return new EvsRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    // A notebook of C# cells, as Polyglot Notebooks writes one.
    private static string Notebook(params string[] cells) =>
        Notebook(new { dotnet_interactive = new { language = "csharp" }, polyglot_notebook = new { kernelName = "csharp" } }, cells);

    // A notebook of code cells that each carry cellMetadata (Jupyter writes {} for a cell it adds).
    private static string Notebook(object cellMetadata, params string[] cells)
    {
        var code = cells.Select(source => new Dictionary<string, object?>
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = cellMetadata,
            ["outputs"] = Array.Empty<object>(),
            ["source"] = new[] { source },
        });
        return System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["cells"] = code,
            ["metadata"] = new { kernelspec = new { display_name = ".NET (C#)", language = "C#", name = ".net-csharp" }, language_info = new { name = "polyglot-notebook" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        });
    }

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "notebooks", "00-start-here.ipynb"))) return Path.Combine(directory.FullName, "notebooks");
        throw new DirectoryNotFoundException($"no notebooks/00-start-here.ipynb above {AppContext.BaseDirectory}");
    }
}
