// The events the live view draws: those read so far from the traces, at most a set number of
// them (the newest), so that a long run neither fills the memory of the process that shows it
// nor takes longer and longer to draw. What is left out of the view is counted and said on the
// page: it is left out of the picture only, never out of a trace, where `evs plot` finds it.
using Evs.Reference.Model;

namespace Evs.Cli.Web;

/// <summary>
/// The newest events of a run, at most <see cref="Capacity"/> of them, each once, of at most
/// <see cref="MostProcesses"/> processes.
/// </summary>
internal sealed class LiveHistory
{
    /// <summary>
    /// The most processes the view follows: a class has a few, and a stream that names ever new
    /// ones (a broken or hostile one, read by evs watch) must not grow the view's memory without end.
    /// The events of a process beyond them are left out, and counted so.
    /// </summary>
    public const int MostProcesses = 1024;

    private readonly Lock _lock = new();
    private readonly Queue<EvsEvent> _events = new();
    private readonly Dictionary<ProcessId, long> _lastIndex = [];
    private readonly Dictionary<ProcessId, long> _counts = [];
    private long _leftOut;

    /// <summary>A history that keeps at most <paramref name="capacity"/> events.</summary>
    public LiveHistory(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most events the view keeps.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Adds an event unless its process already has one with this index or a later one: a
    /// process's trace is written in the order of its index, and a stream read again from its
    /// first line (evs watch after a node came back) gives its old events a second time.
    /// Returns whether it was added.
    /// </summary>
    public bool Add(EvsEvent e)
    {
        lock (_lock)
        {
            bool known = _lastIndex.TryGetValue(e.Process, out long last);
            if (known && e.Index <= last) return false;
            if (!known && _lastIndex.Count >= MostProcesses)
            {
                _leftOut++;
                return false;
            }
            _lastIndex[e.Process] = e.Index;
            _counts[e.Process] = _counts.GetValueOrDefault(e.Process) + 1;
            _events.Enqueue(e);
            if (_events.Count > Capacity)
            {
                _events.Dequeue();
                _leftOut++;
            }
            return true;
        }
    }

    /// <summary>The events kept, in the order they came, and what the page says about them.</summary>
    public LiveSnapshot Snapshot()
    {
        lock (_lock)
            return new LiveSnapshot([.. _events], _leftOut,
                _counts.OrderBy(c => c.Key, ProcessId.Ordinal).Select(c => new ProcessCount(c.Key.Name, c.Value)).ToList());
    }
}

/// <summary>How many events of one process the view has read (kept or left out).</summary>
internal sealed record ProcessCount(string Process, long Events);

/// <summary>
/// The events of the view at one moment, in the order they came; <paramref name="LeftOut"/> older
/// ones were left out of it; <paramref name="Processes"/> counts what was read of each process.
/// </summary>
internal sealed record LiveSnapshot(IReadOnlyList<EvsEvent> Events, long LeftOut, IReadOnlyList<ProcessCount> Processes);
