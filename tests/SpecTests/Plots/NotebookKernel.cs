// Runs a notebook the way a student's kernel does: the repository's tool manifest
// (.config/dotnet-tools.json) pins dotnet-repl and dotnet-interactive, `dotnet tool restore`
// fetches them from NuGet on a fresh clone, and `dotnet repl --run` executes every cell in the
// kernel's own process — the process whose FSharp.Core 10.0 breaks Plotly.NET 6.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpecTests.Plots;

/// <summary>One headless notebook run: its exit code (0 clean, 2 a cell failed) and the executed notebook.</summary>
internal sealed record NotebookRun(int ExitCode, JsonNode Output, string Log)
{
    /// <summary>The outputs of cell <paramref name="cell"/>, as JSON text.</summary>
    public string OutputsOf(int cell) => Output["cells"]![cell]!["outputs"]!.ToJsonString();
}

internal static class NotebookKernel
{
    private static readonly Lazy<string> Restored = new(Restore);

    /// <summary>The repository's root folder, found from the test's output folder.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The folder Evs.Plots was built into, for the configuration these tests were built in.</summary>
    public static string PlotsOutput { get; } = Path.Combine(RepositoryRoot, "src", "Evs.Plots", "bin",
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0");

    /// <summary>Writes a C# notebook of <paramref name="cells"/> to a temporary folder and runs it with dotnet repl.</summary>
    public static NotebookRun Run(params string[] cells)
    {
        string dotnet = Restored.Value;
        string folder = Directory.CreateTempSubdirectory("evs-notebook-").FullName;
        try
        {
            string input = Path.Combine(folder, "plots.ipynb"), output = Path.Combine(folder, "out.ipynb");
            File.WriteAllText(input, Notebook(cells));
            var (exit, log) = Execute(dotnet, RepositoryRoot, TimeSpan.FromMinutes(4),
                "repl", "--run", input, "--exit-after-run", "--output-path", output);
            var executed = File.Exists(output) ? JsonNode.Parse(File.ReadAllText(output))! : new JsonObject();
            return new NotebookRun(exit, executed, log);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Polyglot's own metadata for a C# notebook, so that the file is what a student's editor writes.
    private static string Notebook(string[] cells) => new JsonObject
    {
        ["cells"] = new JsonArray(cells.Select(source => (JsonNode)new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
            ["outputs"] = new JsonArray(),
            ["source"] = source,
        }).ToArray()),
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
            ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
            ["polyglot_notebook"] = new JsonObject
            {
                ["kernelInfo"] = new JsonObject
                {
                    ["defaultKernelName"] = "csharp",
                    ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
                },
            },
        },
        ["nbformat"] = 4,
        ["nbformat_minor"] = 4,
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    // `dotnet tool restore` once per test run: a fresh clone has no tools yet.
    private static string Restore()
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var (exit, log) = Execute(dotnet, RepositoryRoot, TimeSpan.FromMinutes(4), "tool", "restore");
        if (exit != 0) throw new InvalidOperationException($"dotnet tool restore failed ({exit}):\n{log}");
        return dotnet;
    }

    /// <summary>The dotnet to run the repository's tools with, once `dotnet tool restore` has fetched them.</summary>
    public static string RestoredDotnet => Restored.Value;

    /// <summary>Runs <paramref name="program"/> in <paramref name="folder"/> to its end (at most <paramref name="limit"/>): its exit code and all it printed.</summary>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="limit"/>.</exception>
    public static (int Exit, string Log) Execute(string program, string folder, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(" ", args)} did not finish within {limit}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Evs.Reference.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Evs.Reference.sln above {AppContext.BaseDirectory}");
    }
}
