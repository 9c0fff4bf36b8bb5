// Jupyter as a student on Debian has it (the packages jupyter-notebook, python3-nbconvert,
// jupyter-nbconvert, jupyter-client) with the .NET Interactive kernel the repository pins
// (.config/dotnet-tools.json). The kernel's spec is installed into a folder of the test's own,
// never into the user's Jupyter, and told to serve its HTTP side on loopback only: a test listens
// on no other address.
using System.Diagnostics;
using System.Text.Json.Nodes;
using SpecTests.Plots;

namespace SpecTests.Notebooks;

/// <summary>A Jupyter installation with the .NET (C#) kernel, shared by the tests of one class.</summary>
public sealed class JupyterKernel : IDisposable
{
    private const string NbConvertProgram = "/usr/bin/jupyter-nbconvert", KernelSpec = "/usr/bin/jupyter-kernelspec",
        NotebookProgram = "/usr/bin/jupyter-notebook";

    private readonly string _home = Directory.CreateTempSubdirectory("evs-jupyter-").FullName;
    private readonly Lazy<string> _installed;

    /// <summary>Prepares the kernel on first use, so that a machine without Jupyter only skips.</summary>
    public JupyterKernel() => _installed = new Lazy<string>(Install);

    /// <summary>Why Jupyter cannot be used here, or null when it can.</summary>
    public static string? Missing =>
        File.Exists(NbConvertProgram) && File.Exists(KernelSpec) && File.Exists(NotebookProgram) ? null
        : "Jupyter is not installed: apt-get install -y jupyter-notebook python3-nbconvert jupyter-nbconvert jupyter-client (.ci/run installs them)";

    /// <summary>
    /// Runs <c>jupyter nbconvert ARGS</c> in <paramref name="folder"/> with this kernel, at most
    /// <paramref name="limit"/>; returns its exit code and everything it printed.
    /// </summary>
    public (int Exit, string Log) NbConvert(string folder, TimeSpan limit, params string[] args)
    {
        using var process = Process.Start(Jupyter(NbConvertProgram, folder, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"jupyter nbconvert {string.Join(' ', args)} did not end within {limit}:\n{stdout.Result}{stderr.Result}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>
    /// Starts the classic Notebook server on loopback, port <paramref name="port"/>, serving
    /// <paramref name="root"/>, with no token (nothing but this machine can reach it), as root too
    /// (CI runs as root); the caller ends it.
    /// </summary>
    public Process StartNotebookServer(string root, int port) =>
        Process.Start(Jupyter(NotebookProgram, root, "--no-browser", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0",
            "--NotebookApp.token=", "--NotebookApp.password=", "--allow-root", $"--notebook-dir={root}"))!;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_home, recursive: true);

    // A Jupyter command that finds this kernel and keeps its runtime files and settings in the test's folder.
    private ProcessStartInfo Jupyter(string program, string folder, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["JUPYTER_PATH"] = _installed.Value;
        start.Environment["JUPYTER_RUNTIME_DIR"] = Path.Combine(_home, "runtime");
        start.Environment["JUPYTER_CONFIG_DIR"] = Path.Combine(_home, "config");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    // `dotnet interactive jupyter install --path` writes the kernel specs; the C# one then gets
    // --http-local-only. Returns the folder to give Jupyter as JUPYTER_PATH.
    private string Install()
    {
        string kernels = Path.Combine(_home, "kernels");
        Directory.CreateDirectory(kernels);
        Run("dotnet-interactive", "jupyter", "install", "--path", kernels); // the tool as `dotnet tool restore` fetched it
        string spec = Path.Combine(kernels, ".net-csharp", "kernel.json");
        if (!File.Exists(spec)) throw new InvalidOperationException($"dotnet interactive jupyter install wrote no {spec}");
        var json = JsonNode.Parse(File.ReadAllText(spec))!;
        json["argv"]!.AsArray().Add("--http-local-only");
        File.WriteAllText(spec, json.ToJsonString());
        return _home;
    }

    private static void Run(params string[] args)
    {
        var (exit, log) = NotebookKernel.Execute(NotebookKernel.RestoredDotnet, NotebookKernel.RepositoryRoot, TimeSpan.FromMinutes(4), args);
        if (exit != 0) throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed ({exit}):\n{log}");
    }
}
