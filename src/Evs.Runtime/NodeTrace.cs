// The real network (the runtime driver): docs/TRACE.md for a real process. One file per process,
// appended across restarts, so that the event index continues after a crash; the lines that
// matter reach the operating system before the process acts on them, so that a kill -9 loses
// none; a process killed without warning closes its last configuration with a fail line when it
// comes back; and the file ends with an end line whenever the process closed it itself.
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Runtime;

/// <summary>
/// The trace file of one process. <see cref="Open"/> creates it with a header
/// (<c>"source":"udp"</c>, <c>"quiescent":false</c>) or appends to the one a previous run left:
/// a line cut short by a kill is removed, and so is the end line a previous run that closed the
/// file wrote; the index continues after the last one written, and
/// <see cref="OpenConfiguration"/> says which configuration the process was in when that run
/// ended, so the host can write its <c>fail</c> line. <see cref="Flush"/> hands the written lines
/// to the operating system (which keeps them when the process is killed; a power loss is another
/// matter, and docs/TRACE.md asks nothing about it). <see cref="Dispose"/> writes the end line,
/// counting the event lines of every run in the file; a process killed with -9 writes none, and
/// <see cref="Abandon"/> leaves the file as such a kill does.
/// <para>
/// <c>quiescent</c> is in the header, the first line, but only the end of a run can tell it (and
/// only someone who sees every process: <see cref="NodeStatus.AllQuiescent"/>). So the header is
/// written with <c>"quiescent":false</c>, and <see cref="SetQuiescent"/> overwrites those 17
/// bytes in place with <c>"quiescent":true </c> (the space keeps the length) once the whole
/// cluster has stopped quiescent; a run that is killed keeps <c>false</c>, and a process that
/// appends to a file marked quiescent marks it <c>false</c> again before it writes.
/// </para>
/// </summary>
internal sealed class NodeTrace : IDisposable
{
    /// <summary>The <c>source</c> of a real process's trace.</summary>
    public const string Source = "udp";

    private static readonly byte[] NotQuiescent = "\"quiescent\":false"u8.ToArray();
    private static readonly byte[] Quiescent = "\"quiescent\":true "u8.ToArray();

    private readonly ProcessId _process;
    private readonly FileStream _file;
    private readonly TraceWriter _writer;
    private bool _closed;

    private NodeTrace(string path, ProcessId process, long nextIndex, ConfigurationId? openConfiguration, FileStream file, TraceWriter writer)
    {
        Path = path;
        _process = process;
        NextIndex = nextIndex;
        OpenConfiguration = openConfiguration;
        _file = file;
        _writer = writer;
    }

    /// <summary>The trace file.</summary>
    public string Path { get; }

    /// <summary>The index the next event gets.</summary>
    public long NextIndex { get; private set; }

    /// <summary>The configuration of the last deliver_conf in the file with no fail after it: where the last run ended.</summary>
    public ConfigurationId? OpenConfiguration { get; private set; }

    /// <summary>Opens (or creates) <paramref name="path"/> as the trace of <paramref name="process"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a trace of this process written by a real node, or it is damaged.</exception>
    public static NodeTrace Open(string path, ProcessId process)
    {
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) is { } directory) Directory.CreateDirectory(directory);
        long nextIndex = 0;
        long eventLines = 0;
        ConfigurationId? open = null;
        bool needsHeader = true;
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            int whole = bytes.AsSpan().LastIndexOf((byte)'\n') + 1; // a line cut short by a kill ends without one
            if (whole > 0)
            {
                var previous = Read(bytes.AsSpan(0, whole), path, process);
                foreach (var e in previous.Events.OrderBy(e => e.Index))
                {
                    nextIndex = e.Index + 1;
                    open = e switch
                    {
                        DeliverConf c => c.Conf,
                        Fail => null,
                        _ => open,
                    };
                }
                eventLines = previous.Events.Count;
                needsHeader = false;
                whole = WithoutEndLine(bytes.AsSpan(0, whole));
            }
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            file.SetLength(whole);
            file.Flush(flushToDisk: true);
            if (!needsHeader) WriteQuiescent(file, path, false);
        }
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
        var writer = new TraceWriter(stream, ownsStream: false, eventsBefore: eventLines);
        if (needsHeader)
        {
            writer.WriteHeader(new TraceHeader(Source, Seed: null, Scenario: null, Quiescent: false));
            writer.Flush();
        }
        return new NodeTrace(path, process, nextIndex, open, stream, writer);
    }

    /// <summary>
    /// How many events of <paramref name="process"/> the trace file <paramref name="path"/> holds
    /// (0 when there is no file), read without changing it: whether the process has run before,
    /// asked before <see cref="Open"/>, which writes.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a trace of this process written by a real node, or it is damaged.</exception>
    public static long EventCount(string path, ProcessId process)
    {
        if (!File.Exists(path)) return 0;
        var bytes = File.ReadAllBytes(path);
        int whole = bytes.AsSpan().LastIndexOf((byte)'\n') + 1; // a line cut short by a kill is not counted
        return whole == 0 ? 0 : Read(bytes.AsSpan(0, whole), path, process).Events.Count;
    }

    /// <summary>Writes <paramref name="e"/>, an event of this process with index <see cref="NextIndex"/>.</summary>
    public void Write(EvsEvent e)
    {
        if (e.Process != _process || e.Index != NextIndex)
            throw new ArgumentException($"event {e.Witness} is not the next event of {_process} (#{NextIndex})", nameof(e));
        _writer.Write(e);
        NextIndex++;
        OpenConfiguration = e switch
        {
            DeliverConf c => c.Conf,
            Fail => null,
            _ => OpenConfiguration,
        };
    }

    /// <summary>Hands every line written so far to the operating system.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>Closes the file with its end line, which counts the event lines of every run in it.</summary>
    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        try
        {
            _writer.Dispose();
        }
        finally
        {
            _file.Dispose();
        }
    }

    /// <summary>
    /// Closes the file as a kill -9 leaves it: every line written so far is kept, and there is no
    /// end line (<see cref="NodeHost.CrashAsync"/>). The next <see cref="Open"/> appends as after a kill.
    /// </summary>
    public void Abandon()
    {
        if (_closed) return;
        _closed = true;
        try
        {
            _writer.Flush();
        }
        finally
        {
            _file.Dispose();
        }
    }

    /// <summary>Sets the header's <c>quiescent</c> of the closed trace file <paramref name="path"/>, in place.</summary>
    /// <exception cref="InvalidDataException">The first line is not a header this class wrote.</exception>
    public static void SetQuiescent(string path, bool quiescent)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        WriteQuiescent(file, path, quiescent);
    }

    /// <summary>Sets the header's <c>quiescent</c> of the open trace file <paramref name="file"/> in place (also the header of a VS trace, <see cref="VsNodeTrace"/>, which is written alike).</summary>
    /// <exception cref="InvalidDataException">The first line is not a header a real node wrote.</exception>
    internal static void WriteQuiescent(FileStream file, string path, bool quiescent)
    {
        var start = new byte[(int)Math.Min(file.Length, 4096)];
        file.Position = 0;
        file.ReadExactly(start);
        int end = start.AsSpan().IndexOf((byte)'\n');
        var header = start.AsSpan(0, end < 0 ? start.Length : end);
        int at = header.IndexOf(NotQuiescent);
        if (at < 0) at = header.IndexOf(Quiescent);
        if (at < 0) throw new InvalidDataException($"{path}: the first line is not the header of a real node's trace (no \"quiescent\" field to set)");
        file.Position = at;
        file.Write(quiescent ? Quiescent : NotQuiescent);
        file.Flush(flushToDisk: true);
    }

    // The length of the whole lines of a file without the end line they close with, if they do
    // (blank lines after it are dropped with it): appending continues the file's events.
    private static int WithoutEndLine(ReadOnlySpan<byte> whole)
    {
        var text = whole.TrimEnd("\r\n "u8);
        int start = text.LastIndexOf((byte)'\n') + 1;
        return TraceReader.IsEndLine(text[start..]) ? start : whole.Length;
    }

    private static EvsTrace Read(ReadOnlySpan<byte> bytes, string path, ProcessId process)
    {
        EvsTrace trace;
        try
        {
            trace = TraceReader.Read(bytes, path);
        }
        catch (TraceFormatException ex)
        {
            throw new InvalidDataException($"{path} is not a trace this process can append to: {ex.Message}", ex);
        }
        if (trace.Header.Source != Source)
            throw new InvalidDataException($"{path} is a trace of source \"{trace.Header.Source}\", not of a real node (\"{Source}\")");
        if (trace.Events.FirstOrDefault(e => e.Process != process) is { } other)
            throw new InvalidDataException($"{path} holds events of {other.Process}, not only of {process}: each process needs a trace file of its own");
        return trace;
    }
}
