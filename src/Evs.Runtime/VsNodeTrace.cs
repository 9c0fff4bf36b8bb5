// The real network (the runtime driver): docs/VS-TRACE.md for a real process behind the virtual
// synchrony filter. One file per process, appended across restarts as NodeTrace appends the EVS
// trace: a line cut short by a kill -9 is removed, and what the earlier runs wrote is read back,
// because a restarted process is a new virtual synchrony process (Section 5, the note on Rule 4)
// and the identities it had before must be stopped, each at the index its events reached.
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Runtime;

/// <summary>
/// The virtual synchrony trace file of one process. <see cref="Open"/> creates it with a header
/// (<c>"source":"udp"</c>, <c>"quiescent":false</c>) or appends to the one an earlier run left,
/// after removing a line cut short by a kill and marking the header not quiescent again. It says,
/// for every identity of the process in the file (<c>q</c>, <c>q~1</c>…), the index its next event
/// gets and whether it has stopped. A VS trace has no end line (docs/VS-TRACE.md), so a process
/// killed with -9 leaves a file that is whole up to its last flushed line.
/// <c>quiescent</c> is set in place, as for the EVS trace (<see cref="SetQuiescent"/>).
/// </summary>
internal sealed class VsNodeTrace : IDisposable
{
    private readonly ProcessId _process;
    private readonly FileStream _file;
    private readonly VsTraceWriter _writer;
    private readonly Dictionary<string, long> _nextIndex;
    private readonly HashSet<string> _stopped;
    private bool _closed;

    private VsNodeTrace(string path, ProcessId process, FileStream file, VsTraceWriter writer, Dictionary<string, long> nextIndex, HashSet<string> stopped)
    {
        Path = path;
        _process = process;
        _file = file;
        _writer = writer;
        _nextIndex = nextIndex;
        _stopped = stopped;
    }

    /// <summary>The trace file.</summary>
    public string Path { get; }

    /// <summary>The identities of this process the file holds events of, in ordinal order.</summary>
    public IEnumerable<string> Identities => _nextIndex.Keys.Order(StringComparer.Ordinal);

    /// <summary>The index the next event of <paramref name="identity"/> gets: 0 for an identity with no event yet.</summary>
    public long NextIndex(string identity) => _nextIndex.GetValueOrDefault(identity);

    /// <summary>Whether <paramref name="identity"/> has stopped: nothing may follow its stop.</summary>
    public bool HasStopped(string identity) => _stopped.Contains(identity);

    /// <summary>Opens (or creates) <paramref name="path"/> as the virtual synchrony trace of <paramref name="process"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a VS trace of this process written by a real node, or it is damaged.</exception>
    public static VsNodeTrace Open(string path, ProcessId process)
    {
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) is { } directory) Directory.CreateDirectory(directory);
        var nextIndex = new Dictionary<string, long>(StringComparer.Ordinal);
        var stopped = new HashSet<string>(StringComparer.Ordinal);
        bool needsHeader = true;
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            int whole = bytes.AsSpan().LastIndexOf((byte)'\n') + 1; // a line cut short by a kill ends without one
            if (whole > 0)
            {
                foreach (var e in Read(bytes.AsSpan(0, whole), path, process).Events)
                {
                    nextIndex[e.Process] = Math.Max(nextIndex.GetValueOrDefault(e.Process), e.Index + 1);
                    if (e is Stop) stopped.Add(e.Process);
                }
                needsHeader = false;
            }
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            file.SetLength(whole);
            file.Flush(flushToDisk: true);
            if (!needsHeader) NodeTrace.WriteQuiescent(file, path, false);
        }
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
        var writer = new VsTraceWriter(stream, ownsStream: false);
        if (needsHeader)
        {
            writer.WriteHeader(new VsTraceHeader(NodeTrace.Source, Seed: null, Scenario: null, Quiescent: false));
            writer.Flush();
        }
        return new VsNodeTrace(path, process, stream, writer, nextIndex, stopped);
    }

    /// <summary>
    /// How many events of <paramref name="process"/> the VS trace file <paramref name="path"/> holds
    /// (0 when there is no file), read without changing it: whether the process has run behind the
    /// filter before, asked before <see cref="Open"/>, which writes.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a VS trace of this process written by a real node, or it is damaged.</exception>
    public static long EventCount(string path, ProcessId process)
    {
        if (!File.Exists(path)) return 0;
        var bytes = File.ReadAllBytes(path);
        int whole = bytes.AsSpan().LastIndexOf((byte)'\n') + 1;
        return whole == 0 ? 0 : Read(bytes.AsSpan(0, whole), path, process).Events.Count;
    }

    /// <summary>Writes <paramref name="e"/>, the next event of one of this process's identities.</summary>
    public void Write(VsEvent e)
    {
        if (!IsIdentityOf(_process, e.Process) || e.Index != NextIndex(e.Process) || HasStopped(e.Process))
            throw new ArgumentException($"event {e.Witness} is not the next event of an identity of {_process} that has not stopped (#{NextIndex(e.Process)})", nameof(e));
        _writer.Write(e);
        _nextIndex[e.Process] = e.Index + 1;
        if (e is Stop) _stopped.Add(e.Process);
    }

    /// <summary>Hands every line written so far to the operating system.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>Closes the file; every line written is kept (a VS trace has no end line).</summary>
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

    /// <summary>Sets the header's <c>quiescent</c> of the closed VS trace file <paramref name="path"/>, in place (<see cref="NodeTrace.SetQuiescent(string, bool)"/>).</summary>
    /// <exception cref="InvalidDataException">The first line is not a header a real node wrote.</exception>
    public static void SetQuiescent(string path, bool quiescent) => NodeTrace.SetQuiescent(path, quiescent);

    /// <summary>Whether <paramref name="identity"/> is a virtual synchrony identifier of <paramref name="process"/>: its name, or its name and <c>~k</c>.</summary>
    public static bool IsIdentityOf(ProcessId process, string identity) =>
        identity == process.Name || (identity.StartsWith(process.Name + "~", StringComparison.Ordinal) && long.TryParse(identity[(process.Name.Length + 1)..], out long k) && k > 0);

    private static VsTrace Read(ReadOnlySpan<byte> bytes, string path, ProcessId process)
    {
        VsTrace trace;
        try
        {
            trace = VsTraceReader.Read(bytes, path);
        }
        catch (TraceFormatException ex)
        {
            throw new InvalidDataException($"{path} is not a virtual synchrony trace this process can append to: {ex.Message}", ex);
        }
        if (trace.Header.Source != NodeTrace.Source)
            throw new InvalidDataException($"{path} is a virtual synchrony trace of source \"{trace.Header.Source}\", not of a real node (\"{NodeTrace.Source}\")");
        if (trace.Events.FirstOrDefault(e => !IsIdentityOf(process, e.Process)) is { } other)
            throw new InvalidDataException($"{path} holds events of {other.Process}, not only of {process}'s identities: each process needs a virtual synchrony trace file of its own");
        return trace;
    }
}
