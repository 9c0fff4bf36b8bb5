// The project's own headless notebook runner (issue #6). Polyglot Notebooks and .NET Interactive
// were deprecated upstream, so the course's notebooks must run without an editor: this hosts the
// same C# kernel in this process, runs the cells top to bottom as "Run All" does, and keeps what
// each cell showed. A notebook is a lesson; a cell that fails stops it, as it would stop a student.
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;

namespace Evs.Cli.Notebooks;

/// <summary>A cell that failed: its 1-based place among all the notebook's cells, its first code line, and the kernel's error.</summary>
internal sealed record CellFailure(int Cell, string FirstLine, string Error)
{
    /// <inheritdoc/>
    public override string ToString() => $"cell {Cell} ({FirstLine}) failed: {Error}";
}

/// <summary>What a run produced: the notebook with every run cell's outputs, and the failure that stopped it, if any.</summary>
internal sealed record NotebookRun(InteractiveDocument Document, CellFailure? Failure)
{
    /// <summary>Whether every code cell ran without failing.</summary>
    public bool Succeeded => Failure is null;
}

/// <summary>
/// Runs the C# cells of a notebook in order in an in-process C# kernel, which references the
/// library (<see cref="LibraryAssemblies"/>) before the first cell.
/// </summary>
internal static class NotebookRunner
{
    /// <summary>
    /// The kernel names a C# cell comes with: "csharp" where Polyglot wrote the cell's metadata, and
    /// the kernel's language, "C#", where it did not (a cell added in Jupyter has no metadata of its own).
    /// </summary>
    private static readonly HashSet<string> CSharp = new(StringComparer.OrdinalIgnoreCase) { "csharp", "C#" };

    /// <summary>
    /// Reads the .ipynb text <paramref name="json"/>; throws <see cref="FormatException"/> when it
    /// is not a notebook (not JSON, or no list of cells), so that a caller can tell bad input from
    /// a failing cell.
    /// </summary>
    public static InteractiveDocument Parse(string json)
    {
        try
        {
            // The reader takes any JSON object for a notebook, {} too: a notebook has its cells.
            using (var root = System.Text.Json.JsonDocument.Parse(json))
                if (root.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object
                    || !root.RootElement.TryGetProperty("cells", out var cells) || cells.ValueKind != System.Text.Json.JsonValueKind.Array)
                    throw new FormatException("not a Jupyter notebook: no \"cells\" list");
            return Notebook.Parse(json, new KernelInfoCollection());
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            throw new FormatException($"not a Jupyter notebook: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Runs every code cell of <paramref name="document"/> in order, with <paramref name="directory"/>
    /// as the current directory (so that a relative <c>#r "../src/…"</c> resolves against the
    /// notebook's folder, as in an editor), and stops at the first cell that fails or that is not C#. Each run cell's
    /// outputs replace the ones it had; <paramref name="progress"/> hears of each cell as it ends.
    /// </summary>
    public static async Task<NotebookRun> RunAsync(InteractiveDocument document, string directory, Action<int, TimeSpan>? progress = null)
    {
        string before = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory;
        try
        {
            using var kernel = NewKernel();
            int executed = 0;
            for (int i = 0; i < document.Elements.Count; i++)
            {
                var cell = document.Elements[i];
                if (cell.KernelName == "markdown") continue;
                // A cell this runner cannot run fails the run rather than being passed over: a
                // "Run All" that leaves a cell out has not run the notebook.
                if (!CSharp.Contains(cell.KernelName ?? ""))
                    return new NotebookRun(document, new CellFailure(i + 1, FirstLine(cell.Contents),
                        $"a cell for the {cell.KernelName} kernel; evs notebook run runs C# cells only"));
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var result = await kernel.SubmitCodeAsync(WithoutUnbuiltLibraryReferences(cell.Contents));
                cell.ExecutionOrder = ++executed;
                cell.Outputs.Clear();
                cell.Outputs.AddRange(CellOutputs.From(result.Events, executed));
                progress?.Invoke(i + 1, clock.Elapsed);
                if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
                    return new NotebookRun(document, new CellFailure(i + 1, FirstLine(cell.Contents), failed.Message));
            }
            return new NotebookRun(document, null);
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    /// <summary>The executed notebook as .ipynb text, with the metadata it was read with (its kernel, C#).</summary>
    public static string ToJson(InteractiveDocument document) => Notebook.ToJupyterJson(document, null);

    // What a student's C# kernel has for these notebooks: #r of a file, #load, display(), HTML()
    // and friends. Not #r "nuget:" (see Evs.Cli.csproj): the notebooks load the repository's build.
    // The kernel also references the library's assemblies that evs itself runs on, so that a
    // notebook written outside the repository (with an installed evs, no build to #r) can use them.
    private static CSharpKernel NewKernel()
    {
        var kernel = new CSharpKernel().UseKernelHelpers();
        kernel.AddAssemblyReferences(LibraryAssemblies);
        return kernel;
    }

    /// <summary>
    /// The files of the library's assemblies as evs loaded them: the core, the runtime, the plots.
    /// A notebook's own <c>#r</c> of the repository's build of one of them adds nothing at run time:
    /// the process has that assembly already, and .NET runs the copy it loaded first.
    /// </summary>
    private static IReadOnlyList<string> LibraryAssemblies { get; } =
    [
        typeof(Evs.Reference.Model.ProcessId).Assembly.Location,
        typeof(Evs.Runtime.EvsNode).Assembly.Location,
        typeof(Evs.Plots.KernelPlots).Assembly.Location,
    ];

    /// <summary>A line <c>#r "PATH"</c> of a cell.</summary>
    private static readonly Regex FileReference = new(@"^[ \t]*#r[ \t]+""(?<path>[^""]+)""[ \t]*\r?$", RegexOptions.Multiline);

    /// <summary>
    /// <paramref name="code"/> without its <c>#r</c> lines of a library assembly that is not there
    /// (the course's notebooks reference the repository's build, which a clone run with an
    /// installed evs may never have made): the kernel has the library already. Each such line is
    /// left empty, so that the kernel's line numbers stay the notebook's; the notebook keeps it.
    /// Any other missing file still fails the cell.
    /// </summary>
    private static string WithoutUnbuiltLibraryReferences(string code) =>
        FileReference.Replace(code, line =>
        {
            string path = line.Groups["path"].Value;
            bool library = LibraryAssemblies.Any(a => Path.GetFileName(a) == Path.GetFileName(path));
            return library && !File.Exists(path) ? "" : line.Value;
        });

    private static string FirstLine(string code) =>
        code.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "(empty)";
}
