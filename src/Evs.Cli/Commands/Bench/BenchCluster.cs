// `evs bench`: the N child processes of one benchmark run, on 127.0.0.1 or where its placement
// puts them (BenchPlacement). Starts them (the evs executable found through Environment.ProcessPath,
// so the same works under `dotnet run`, `dotnet evs.dll` and the apphost), reads their stdout lines, gives the start signal, collects the
// reports, and always kills every child it started and deletes their stores, whatever happened.
using System.Collections.Concurrent;
using System.Diagnostics;
using Evs.Reference.Model;
using Evs.Runtime;

namespace Evs.Cli.Commands.Bench;

/// <summary>The children of one run; dispose to kill them and delete their directory.</summary>
internal sealed class BenchCluster(BenchPlacement placement) : IDisposable
{
    private readonly List<Child> _children = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "evs-bench-" + Guid.NewGuid().ToString("N"));

    private sealed record Child(ProcessId Id, Process Process, TaskCompletionSource Ready, TaskCompletionSource<string> Report, ConcurrentQueue<string> Errors);

    /// <summary>Starts one child per entry of <paramref name="settings"/>, each with a store in this run's directory.</summary>
    public void Start(IEnumerable<Func<string, BenchNodeSettings>> settings)
    {
        Directory.CreateDirectory(_directory);
        foreach (var make in settings)
        {
            var s = make(_directory);
            var info = placement.StartInfo(s.Id, s.Arguments());
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.UseShellExecute = false;
            var child = new Child(s.Id, new Process { StartInfo = info, EnableRaisingEvents = true }, new(TaskCreationOptions.RunContinuationsAsynchronously),
                new(TaskCreationOptions.RunContinuationsAsynchronously), new());
            Listen(child);
            child.Process.Start();
            child.Process.BeginOutputReadLine();
            child.Process.BeginErrorReadLine();
            _children.Add(child);
        }
    }

    /// <summary>Completes when every child is in a regular configuration of all; fails when one exits first.</summary>
    public Task AllReady => Task.WhenAll(_children.Select(c => c.Ready.Task));

    /// <summary>Children that said ready so far.</summary>
    public int ReadyCount => _children.Count(c => c.Ready.Task.IsCompletedSuccessfully);

    /// <summary>Reports received so far.</summary>
    public int ReportCount => _children.Count(c => c.Report.Task.IsCompletedSuccessfully);

    /// <summary>Tells every child to start at <paramref name="t0"/>.</summary>
    public void Go(DateTimeOffset t0)
    {
        string line = BenchNode.GoPrefix + t0.ToUnixTimeMilliseconds();
        foreach (var child in _children)
        {
            child.Process.StandardInput.WriteLine(line);
            child.Process.StandardInput.Flush();
        }
    }

    /// <summary>The reports of every child that reported by <paramref name="cancellationToken"/> (the others are missing).</summary>
    public async Task<IReadOnlyList<BenchNodeResult>> ReportsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_children.Select(c => c.Report.Task)).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
        }
        return _children.Where(c => c.Report.Task.IsCompletedSuccessfully).Select(c => BenchJson.Parse<BenchNodeResult>(c.Report.Task.Result)).ToList();
    }

    /// <summary>What the children wrote on stderr, and which exited early, for an error message.</summary>
    public string Diagnostics() => string.Join(Environment.NewLine, _children.SelectMany(c =>
        (c.Process.HasExited ? [$"{c.Id}: exited with {c.Process.ExitCode}"] : Array.Empty<string>()).Concat(c.Errors.TakeLast(10).Select(e => $"{c.Id}: {e}"))));

    /// <summary>Kills every child still running (and its children) and deletes the run's directory.</summary>
    public void Dispose()
    {
        foreach (var child in _children)
        {
            try
            {
                if (!child.Process.HasExited) child.Process.Kill(entireProcessTree: true);
                child.Process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
            child.Process.Dispose();
        }
        try
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // Routes a child's stdout lines (ready, then its report) and stderr lines; its exit fails whatever it had not done.
    private static void Listen(Child child)
    {
        child.Process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            if (line == BenchNode.ReadyLine) child.Ready.TrySetResult();
            else if (line.StartsWith('{')) child.Report.TrySetResult(line);
            else child.Errors.Enqueue(line);
        };
        child.Process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line) child.Errors.Enqueue(line);
        };
        child.Process.Exited += (_, _) => Task.Run(() =>
        {
            child.Process.WaitForExit(); // until its stdout is read to the end: the report may still be on its way
            var exited = new InvalidOperationException($"{child.Id} exited");
            child.Ready.TrySetException(exited);
            child.Report.TrySetException(exited);
        });
    }

}
