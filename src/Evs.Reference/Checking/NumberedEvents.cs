// Section 4: the virtual synchrony model orders a process's events by the index a trace gives them
// (L2), as Specification 1.2 does for extended virtual synchrony. VirtualSynchrony/VsHistory.cs
// numbers the events of a VS trace in that order, process by process, with the same stable sort by
// (process, index) that CompactTrace gives an EVS history; this file holds that numbering, so that a
// million events are numbered in well under a second.
namespace Evs.Reference.Checking;

/// <summary>
/// The events of a history numbered 0..N-1 after a stable sort by (process, index), so the events
/// of one process are a contiguous run in local order and an event's number doubles as its
/// position in that order. Processes are numbered in the order <c>order</c> gives them.
/// </summary>
internal abstract class NumberedEvents<TEvent, TProcess> where TProcess : notnull
{
    private readonly Dictionary<TProcess, int> _processNumber;

    /// <summary>The events, sorted by (process, index), ties in the order given.</summary>
    public TEvent[] Events { get; }

    /// <summary>The processes that have events, in the order given by <c>order</c>.</summary>
    public TProcess[] Processes { get; }

    /// <summary>For each event, the number of its process.</summary>
    public int[] ProcessOf { get; }

    /// <summary>The events of process k are <c>ProcessStart[k] .. ProcessStart[k+1]-1</c>.</summary>
    public int[] ProcessStart { get; }

    /// <summary>
    /// Numbers <paramref name="events"/>, whose processes and indices <paramref name="processOf"/>
    /// and <paramref name="indexOf"/> give; processes are sorted by <paramref name="order"/> and told
    /// apart by <paramref name="equality"/>.
    /// </summary>
    protected NumberedEvents(
        IReadOnlyList<TEvent> events, Func<TEvent, TProcess> processOf, Func<TEvent, long> indexOf,
        IComparer<TProcess> order, IEqualityComparer<TProcess> equality)
    {
        Events = SortedByProcessAndIndex(events, processOf, indexOf, order, equality);
        int n = Events.Length;

        ProcessOf = new int[n];
        var processes = new List<TProcess>();
        var starts = new List<int>();
        for (int e = 0; e < n; e++)
        {
            if (e == 0 || !equality.Equals(processOf(Events[e]), processOf(Events[e - 1])))
            {
                processes.Add(processOf(Events[e]));
                starts.Add(e);
            }
            ProcessOf[e] = processes.Count - 1;
        }
        starts.Add(n);
        Processes = [.. processes];
        ProcessStart = [.. starts];
        _processNumber = new Dictionary<TProcess, int>(equality);
        for (int k = 0; k < Processes.Length; k++) _processNumber[Processes[k]] = k;
    }

    /// <summary>The number of events.</summary>
    public int Count => Events.Length;

    /// <summary>The number of process <paramref name="process"/>, or -1 when it has no event.</summary>
    public int ProcessNumber(TProcess process) => _processNumber.TryGetValue(process, out int k) ? k : -1;

    /// <summary>
    /// Buckets the events by a key (<see cref="Buckets.Of"/>): <paramref name="keyOf"/> gives each event's
    /// bucket in 0..<paramref name="buckets"/>-1, or -1 to leave it out. Within a bucket events keep event order.
    /// </summary>
    protected (int[] Start, int[] Items) Bucket(int buckets, Func<int, int> keyOf) => Buckets.Of(Count, buckets, keyOf);

    /// <summary>
    /// The events sorted by (process, index); a stable sort, so that two events of one process
    /// with the same index (a violation of 1.2 or L2) stay in the order given and break nothing else.
    /// Numeric keys (process rank, index) sort faster than records; an index beyond 40 bits is
    /// capped in the key, and runs of equal keys are then sorted by (index, position), which
    /// restores the full order and makes the sort stable.
    /// </summary>
    private static TEvent[] SortedByProcessAndIndex(
        IReadOnlyList<TEvent> events, Func<TEvent, TProcess> processOf, Func<TEvent, long> indexOf,
        IComparer<TProcess> order, IEqualityComparer<TProcess> equality)
    {
        var ranks = events.Select(processOf).Distinct(equality).Order(order)
            .Select((p, rank) => (p, rank)).ToDictionary(x => x.p, x => (long)x.rank, equality);
        var keys = new long[events.Count];
        var positions = new int[events.Count];
        for (int k = 0; k < keys.Length; k++)
        {
            keys[k] = (ranks[processOf(events[k])] << 40) | Math.Min(indexOf(events[k]), (1L << 40) - 1);
            positions[k] = k;
        }
        Array.Sort(keys, positions);
        for (int run = 0, end; run < keys.Length; run = end)
        {
            for (end = run + 1; end < keys.Length && keys[end] == keys[run]; end++) { }
            if (end - run > 1)
                Array.Sort(positions, run, end - run, Comparer<int>.Create((x, y) => (indexOf(events[x]), x).CompareTo((indexOf(events[y]), y))));
        }
        return Array.ConvertAll(positions, k => events[k]);
    }
}
