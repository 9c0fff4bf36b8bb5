// Tests of the evs command on a real network: the built `evs` executable run as a separate OS
// process, as a person or a script runs it, its standard output read line by line as it comes.
// Every wait is bounded and fails the test with the process's last lines; a process still
// running when the test ends is killed.
using System.Diagnostics;
using System.Reflection;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

/// <summary>The Cli tests start processes and bind ports: they run alone, not beside CPU-heavy tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "Cli";
}

/// <summary>A running <c>evs</c> process: its standard output as lines, its standard input as a pipe.</summary>
public sealed class EvsProcess : IDisposable
{
    /// <summary>How long any one condition may take before the test fails: generous, for a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private readonly Process _process;
    private readonly string _name;
    private readonly ITestOutputHelper _output;
    private readonly List<string> _lines = [];
    private readonly List<string> _errors = [];

    private EvsProcess(string name, Process process, ITestOutputHelper output)
    {
        _name = name;
        _process = process;
        _output = output;
    }

    /// <summary>
    /// The evs executable that the build of this test project built first (a ProjectReference
    /// without the assembly): src/Evs.Cli/bin/CONFIGURATION/net10.0/evs of this repository.
    /// </summary>
    public static string Executable { get; } = Locate();

    /// <summary>Starts <c>evs ARGUMENTS</c> in <paramref name="directory"/>; <paramref name="name"/> names it in messages.</summary>
    public static EvsProcess Start(string name, ITestOutputHelper output, string directory, params string[] arguments) =>
        Start(name, output, directory, Executable, arguments);

    /// <summary>Starts another evs, <paramref name="executable"/> (an installed one), with <paramref name="arguments"/> in <paramref name="directory"/>.</summary>
    public static EvsProcess StartExecutable(string executable, string name, ITestOutputHelper output, string directory, params string[] arguments) =>
        Start(name, output, directory, executable, arguments);

    /// <summary>
    /// Starts <c>evs ARGUMENTS</c> inside the network namespace <paramref name="netns"/>
    /// (<c>ip netns exec</c> execs it: the process is evs itself).
    /// </summary>
    public static EvsProcess StartInNamespace(string name, ITestOutputHelper output, string directory, string netns, params string[] arguments) =>
        Start(name, output, directory, "ip", ["netns", "exec", netns, Executable, .. arguments]);

    private static EvsProcess Start(string name, ITestOutputHelper output, string directory, string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        var started = new EvsProcess(name, process, output);
        process.OutputDataReceived += (_, e) => started.Add(started._lines, e.Data);
        process.ErrorDataReceived += (_, e) => started.Add(started._errors, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Runs <c>evs ARGUMENTS</c> to its end (bounded); returns its exit code and standard output.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(ITestOutputHelper output, string directory, params string[] arguments) =>
        RunExecutableAsync(Executable, output, directory, arguments);

    /// <summary>Runs <c>evs ARGUMENTS</c> to its end, for a command that takes longer than <see cref="Patience"/>; returns its exit code and standard output.</summary>
    public static async Task<(int ExitCode, string Output)> RunLongAsync(TimeSpan patience, ITestOutputHelper output, string directory, params string[] arguments)
    {
        using var run = Start("evs " + string.Join(' ', arguments), output, directory, Executable, arguments);
        int code = await run.WaitForExitAsync(patience);
        return (code, string.Join('\n', run.Lines));
    }

    /// <summary>
    /// Runs another evs than this build's, <paramref name="executable"/> (an installed tool, a
    /// published one), with <c>ARGUMENTS</c> to its end (bounded); returns its exit code and standard output.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunExecutableAsync(string executable, ITestOutputHelper output, string directory, params string[] arguments)
    {
        using var run = Start("evs " + string.Join(' ', arguments), output, directory, executable, arguments);
        int code = await run.WaitForExitAsync();
        return (code, string.Join('\n', run.Lines));
    }

    /// <summary>Every line written to standard output so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    /// <summary>Every line written to standard error so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors) return [.. _errors];
        }
    }

    /// <summary>How many lines it has written so far: a mark to wait for lines after.</summary>
    public int LineCount
    {
        get
        {
            lock (_lines) return _lines.Count;
        }
    }

    /// <summary>Waits for a line from index <paramref name="from"/> on that has every one of <paramref name="parts"/>; returns its index.</summary>
    public Task<int> WaitForLineAsync(int from, params string[] parts) => WaitForAsync(() => Lines, "line", from, parts);

    /// <summary>Waits for a line of standard error (the node's log) that has every one of <paramref name="parts"/>; returns its index.</summary>
    public Task<int> WaitForErrorLineAsync(params string[] parts) => WaitForAsync(() => Errors, "line on standard error", 0, parts);

    private async Task<int> WaitForAsync(Func<IReadOnlyList<string>> read, string what, int from, string[] parts)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var lines = read();
            for (int i = from; i < lines.Count; i++)
                if (parts.All(p => lines[i].Contains(p, StringComparison.Ordinal))) return i;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{_name}: no {what} with {string.Join(" and ", parts.Select(p => $"\"{p}\""))} after line {from} within {Patience.TotalSeconds} s{Environment.NewLine}{Describe()}");
            if (_process.HasExited && read().Count == lines.Count) Assert.Fail($"{_name} exited with code {_process.ExitCode} before a {what} with {string.Join(" and ", parts)}{Environment.NewLine}{Describe()}");
            await Task.Delay(20);
        }
    }

    /// <summary>Writes a line to its standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Kills it at once: SIGKILL.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Waits at most <see cref="Patience"/> for the process to exit; returns its exit code.</summary>
    public Task<int> WaitForExitAsync() => WaitForExitAsync(Patience);

    /// <summary>Waits at most <paramref name="patience"/> for the process to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{_name} did not exit within {patience.TotalSeconds} s{Environment.NewLine}{Describe()}");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills it if it still runs, and copies its output to the test's output.</summary>
    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
        try
        {
            _output.WriteLine($"==== {_name}{Environment.NewLine}{string.Join(Environment.NewLine, Lines)}{Environment.NewLine}---- stderr{Environment.NewLine}{string.Join(Environment.NewLine, Errors)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished: xunit no longer takes output.
        }
        _process.Dispose();
    }

    private string Describe() =>
        $"last output:{Environment.NewLine}{string.Join(Environment.NewLine, Lines.TakeLast(15))}{Environment.NewLine}last errors:{Environment.NewLine}{string.Join(Environment.NewLine, Errors.TakeLast(10))}";

    private void Add(List<string> lines, string? line)
    {
        if (line is null) return;
        lock (lines) lines.Add(line);
    }

    private static string Locate()
    {
        var configuration = typeof(EvsProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var name = OperatingSystem.IsWindows() ? "evs.exe" : "evs";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Evs.Cli", "bin", configuration, "net10.0", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"the evs executable (src/Evs.Cli/bin/{configuration}/net10.0/{name}) was not found above {AppContext.BaseDirectory}: build the solution");
    }
}
