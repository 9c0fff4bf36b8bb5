// One `evs node` child of `evs cluster`: a separate OS process on 127.0.0.1 with its own store,
// trace, control socket and log file in the cluster's directory. It can be killed without
// warning (SIGKILL) and started again from the same store, which is how a crash and a recovery
// look on a real network. Its standard input is a pipe the cluster never writes to nor closes:
// if the cluster itself dies, the pipe closes and the node stops (end of input), so no node is
// left running behind a dead cluster.
using System.Diagnostics;
using Evs.Cli.Network;
using Evs.Reference.Model;

namespace Evs.Cli.Cluster;

/// <summary>A child node: its files, its process, and requests to its control socket.</summary>
internal sealed class ClusterNode : IDisposable
{
    // How long a node may take to open its control socket after it starts.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    // How long a control request to a running node may take.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<string> _arguments;
    private readonly Lock _logLock = new();
    private StreamWriter? _log;
    private Process? _process;
    // The processes of earlier starts (before a kill and a restart), disposed with the node: others
    // (the live view's status line) may still be asking an old one whether it has exited.
    private readonly List<Process> _earlier = [];

    /// <summary>Node <paramref name="id"/>, started with <c>evs ARGUMENTS</c>, its files at the given paths (<paramref name="vsTracePath"/> null when it runs without the virtual synchrony filter).</summary>
    public ClusterNode(ProcessId id, IReadOnlyList<string> arguments, string store, string tracePath, string logPath, string? vsTracePath = null)
    {
        Id = id;
        _arguments = arguments;
        Store = store;
        TracePath = tracePath;
        LogPath = logPath;
        VsTracePath = vsTracePath;
    }

    /// <summary>The process identifier.</summary>
    public ProcessId Id { get; }

    /// <summary>Its stable storage directory (which holds its control socket).</summary>
    public string Store { get; }

    /// <summary>Its trace file.</summary>
    public string TracePath { get; }

    /// <summary>Its virtual synchrony trace file, or null when it runs without the filter.</summary>
    public string? VsTracePath { get; }

    /// <summary>The file its standard output and error go to.</summary>
    public string LogPath { get; }

    /// <summary>Its control socket.</summary>
    public string ControlPath => Path.Combine(Store, ControlServer.DefaultFileName);

    /// <summary>Whether its process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Whether it was killed and has not been started again.</summary>
    public bool Killed { get; private set; }

    /// <summary>Why it does not run: killed, or exited with a code; null when it runs.</summary>
    public string? Absence => IsRunning ? null : Killed ? "killed (SIGKILL)" : _process is { } p ? $"exited with code {p.ExitCode}" : "not started";

    /// <summary>Starts its process (again, after a kill: the same store, so it restarts and writes its fail line) and waits until its control socket answers.</summary>
    /// <exception cref="InvalidOperationException">It does not come up: the message ends with its log's last lines.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var info = EvsExecutable.StartInfo(_arguments);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        if (_process is not null) _earlier.Add(_process);
        _log ??= new StreamWriter(new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        Log($"--- {DateTime.Now:yyyy-MM-dd HH:mm:ss} evs {string.Join(' ', _arguments)}");
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Killed = false;
        await WaitUntilListeningAsync(cancellationToken);
    }

    /// <summary>Kills its process at once (SIGKILL): no clean stop, no fail line until it restarts.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill();
        Killed = true;
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits up to <paramref name="timeout"/> for its process to end; true if it has.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is not { } process) return true;
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends <paramref name="request"/> to its control socket.</summary>
    /// <exception cref="ControlUnreachableException">It does not answer.</exception>
    public Task<ControlReply> RequestAsync(ControlRequest request, CancellationToken cancellationToken = default) =>
        ControlClient.RequestAsync(ControlPath, request, RequestTimeout, cancellationToken);

    /// <summary>The last lines of its log, for an error message.</summary>
    public string LogTail(int lines = 8)
    {
        lock (_logLock)
        {
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(Environment.NewLine, all.TakeLast(lines).Select(l => "    " + l));
        }
    }

    /// <summary>Kills the process if it still runs and closes the log.</summary>
    public void Dispose()
    {
        if (_process is { HasExited: false } process) process.Kill();
        _process?.Dispose();
        foreach (var earlier in _earlier) earlier.Dispose();
        lock (_logLock) _log?.Dispose();
    }

    // Polls the control socket until it answers; fails early if the process ends.
    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process is { HasExited: true } ended)
                throw new InvalidOperationException($"{Id} exited with code {ended.ExitCode} as it started; its log {LogPath} ends:{Environment.NewLine}{LogTail()}");
            try
            {
                await ControlClient.RequestAsync(ControlPath, new ControlRequest.Status(), RequestTimeout, cancellationToken);
                return;
            }
            catch (ControlUnreachableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (ControlUnreachableException ex)
            {
                throw new InvalidOperationException($"{Id} did not open its control socket within {StartTimeout.TotalSeconds:0} s ({ex.Message}); its log {LogPath} ends:{Environment.NewLine}{LogTail()}", ex);
            }
        }
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_logLock) _log?.WriteLine(line);
    }
}
