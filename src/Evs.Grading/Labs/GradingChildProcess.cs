// One grading child as the grader sees it: started with its request on its standard input and its
// heap limited, read one line at a time within a time limit, its standard error kept (the last
// lines only, as a student's code may print without end) to tell how it ended, and killed when the
// grader is done with it. Its standard input stays open while it runs: the child ends itself
// when that closes, so a child never outlives its grader.
using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Evs.Grading.Labs;

/// <summary>What waiting for a child's next line gave.</summary>
public enum ChildRead
{
    /// <summary>A line came.</summary>
    Line,

    /// <summary>The child closed its standard output: it has ended.</summary>
    Ended,

    /// <summary>No line came within the time given.</summary>
    TimedOut,
}

/// <summary>A started grading child; dispose to kill it if it still runs.</summary>
public sealed class GradingChildProcess : IDisposable
{
    /// <summary>How many of its last lines of standard error are kept: enough for a stack overflow's frames.</summary>
    public const int KeptErrorLines = 200;

    private const int KeptLineLength = 1_000;

    // How long a child that closed its standard output may take to exit: writing a stack
    // overflow's frames and ending take a fraction of a second.
    private static readonly TimeSpan ExitPatience = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Queue<string> _errors = new();
    private Task<string?>? _reading;

    private GradingChildProcess(Process process) => _process = process;

    /// <summary>Starts <paramref name="command"/> with at most <paramref name="memoryLimitMegabytes"/> MB of heap and gives it <paramref name="request"/>.</summary>
    /// <exception cref="GradingChildException">The program could not be started.</exception>
    public static GradingChildProcess Start(ChildCommand command, int memoryLimitMegabytes, ChildRequest request)
    {
        var info = new ProcessStartInfo(command.Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments) info.ArgumentList.Add(argument);
        // The runtime's own limit on the garbage-collected heap, in hexadecimal bytes: past it an
        // allocation throws OutOfMemoryException, long before the machine runs short.
        info.Environment["DOTNET_GCHeapHardLimit"] = $"0x{memoryLimitMegabytes * Sandbox.Megabyte:X}";
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception e)
        {
            throw new GradingChildException($"the grading child {command.Program} could not be started: {e.Message}");
        }
        var child = new GradingChildProcess(process);
        process.ErrorDataReceived += (_, e) => child.KeepError(e.Data);
        process.BeginErrorReadLine();
        child.Send(request);
        return child;
    }

    // A child that ends before it has read its request is told nothing more; how it ended says why.
    private void Send(ChildRequest request)
    {
        try
        {
            _process.StandardInput.WriteLine(JsonSerializer.Serialize(request));
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Waits at most <paramref name="limit"/> for the child's next line, given in <paramref name="line"/>.</summary>
    public ChildRead Next(TimeSpan limit, out string? line)
    {
        line = null;
        _reading ??= _process.StandardOutput.ReadLineAsync();
        if (!_reading.Wait(limit < TimeSpan.Zero ? TimeSpan.Zero : limit)) return ChildRead.TimedOut;
        line = _reading.Result;
        _reading = null;
        return line is null ? ChildRead.Ended : ChildRead.Line;
    }

    /// <summary>
    /// Once it has closed its standard output: its exit code and the last lines of its standard
    /// error. A child still running some seconds after closing it (which only a student's code
    /// could do) is killed first.
    /// </summary>
    public (int ExitCode, IReadOnlyList<string> Errors) Ending()
    {
        if (!_process.WaitForExit(ExitPatience)) Kill();
        _process.WaitForExit();
        lock (_errors) return (_process.ExitCode, [.. _errors]);
    }

    /// <summary>Kills it, and whatever it started, if it still runs.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Kills it if it still runs.</summary>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void KeepError(string? line)
    {
        if (line is null) return;
        lock (_errors)
        {
            _errors.Enqueue(line.Length > KeptLineLength ? line[..KeptLineLength] : line);
            if (_errors.Count > KeptErrorLines) _errors.Dequeue();
        }
    }
}

/// <summary>The grading child could not do its part, through no fault of the student's code: it did not start, or ended outside a schedule.</summary>
public sealed class GradingChildException(string message) : Exception(message);
