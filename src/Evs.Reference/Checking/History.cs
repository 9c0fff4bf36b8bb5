// Section 2: "A history H is a set of events" of four kinds. A trace lists them in any
// interleaving; every specification asks questions like "the events of p in order", "every
// delivery of m", "every deliver_conf of c", "reg_p(c)". This file answers them once, with
// dense integer indices and flat arrays, so that a million events are checked in seconds.
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking;

/// <summary>
/// A trace indexed for checking. Events are numbered 0..N-1 after sorting by (process, index),
/// so the events of one process are a contiguous run in local order (Specification 1.2) and
/// an event's number doubles as its position in that order. Messages and configurations are
/// numbered too; per message and per configuration the relevant events are listed in event order.
/// </summary>
internal sealed class History
{
    /// <summary>Whether the run ended settled (TRACE.md), so its end may be judged.</summary>
    public bool Quiescent { get; }

    /// <summary>The events, sorted by (process, index).</summary>
    public EvsEvent[] Events { get; }

    /// <summary>The processes that have events, in ordinal order.</summary>
    public ProcessId[] Processes { get; }

    /// <summary>For each event, the number of its process.</summary>
    public int[] ProcessOf { get; }

    /// <summary>The events of process k are <c>ProcessStart[k] .. ProcessStart[k+1]-1</c>.</summary>
    public int[] ProcessStart { get; }

    /// <summary>For each event, the number of its configuration (the c of the paper's notation).</summary>
    public int[] ConfigOf { get; }

    /// <summary>For each send or deliver event, the number of its message; -1 for the others.</summary>
    public int[] MessageOf { get; }

    /// <summary>The configurations, by number.</summary>
    public ConfigurationId[] Configurations { get; }

    /// <summary>For each configuration, its first deliver_conf (kind, members, reg), or null if none was delivered.</summary>
    public DeliverConf?[] Declaration { get; }

    /// <summary>For each configuration c, the number of reg(c): c itself unless it is transitional.</summary>
    public int[] RegularOf { get; }

    /// <summary>The messages, by number.</summary>
    public MessageId[] Messages { get; }

    /// <summary>For each message, its first send event, or -1 when it was never sent.</summary>
    public int[] SendOf { get; }

    private readonly int[] _deliveryStart, _deliveries, _confChangeStart, _confChanges;
    private readonly Dictionary<ProcessId, int> _processNumber;

    /// <summary>Indexes <paramref name="trace"/>.</summary>
    public History(Trace trace)
    {
        Quiescent = trace.Header.Quiescent;
        Events = SortedByProcessAndIndex(trace.Events);
        int n = Events.Length;

        ProcessOf = new int[n];
        var processes = new List<ProcessId>();
        var starts = new List<int>();
        for (int e = 0; e < n; e++)
        {
            if (e == 0 || Events[e].Process != Events[e - 1].Process)
            {
                processes.Add(Events[e].Process);
                starts.Add(e);
            }
            ProcessOf[e] = processes.Count - 1;
        }
        starts.Add(n);
        Processes = processes.ToArray();
        ProcessStart = starts.ToArray();
        _processNumber = new Dictionary<ProcessId, int>();
        for (int k = 0; k < Processes.Length; k++) _processNumber[Processes[k]] = k;

        var configNumbers = new Dictionary<ConfigurationId, int>();
        var configs = new List<ConfigurationId>();
        int ConfigNumber(ConfigurationId c)
        {
            if (configNumbers.TryGetValue(c, out int k)) return k;
            configNumbers[c] = configs.Count;
            configs.Add(c);
            return configs.Count - 1;
        }
        var messageNumbers = new Dictionary<MessageId, int>();
        var messages = new List<MessageId>();
        ConfigOf = new int[n];
        MessageOf = new int[n];
        for (int e = 0; e < n; e++)
        {
            ConfigOf[e] = ConfigNumber(Events[e].Configuration);
            // reg(c) may name a configuration this trace never shows otherwise; number it now.
            if (Events[e] is DeliverConf { PreviousRegular: { } reg }) ConfigNumber(reg);
            MessageOf[e] = -1;
            MessageId? m = Events[e] switch { Send s => s.Message, Deliver d => d.Message, _ => null };
            if (m is not { } id) continue;
            if (!messageNumbers.TryGetValue(id, out int k))
            {
                k = messages.Count;
                messageNumbers[id] = k;
                messages.Add(id);
            }
            MessageOf[e] = k;
        }
        Configurations = configs.ToArray();
        Messages = messages.ToArray();

        Declaration = new DeliverConf?[Configurations.Length];
        for (int e = 0; e < n; e++)
            if (Events[e] is DeliverConf dc) Declaration[ConfigOf[e]] ??= dc;
        RegularOf = new int[Configurations.Length];
        for (int c = 0; c < RegularOf.Length; c++)
            RegularOf[c] = Declaration[c] is { Kind: ConfigurationKind.Transitional, PreviousRegular: { } reg } ? configNumbers[reg] : c;

        SendOf = new int[Messages.Length];
        Array.Fill(SendOf, -1);
        for (int e = 0; e < n; e++)
        {
            if (Events[e] is not Send) continue;
            int m = MessageOf[e];
            if (SendOf[m] < 0) SendOf[m] = e;
        }
        (_deliveryStart, _deliveries) = Bucket(Messages.Length, e => Events[e] is Deliver ? MessageOf[e] : -1);
        (_confChangeStart, _confChanges) = Bucket(Configurations.Length, e => Events[e] is DeliverConf ? ConfigOf[e] : -1);
    }

    /// <summary>
    /// The events sorted by (process, index); a stable sort, so that two events of one process
    /// with the same index (a 1.2 violation) stay in file order and break nothing else.
    /// </summary>
    private static EvsEvent[] SortedByProcessAndIndex(IReadOnlyList<EvsEvent> events)
    {
        // Sorting numeric keys (process rank, index) is faster than comparing records. An index
        // beyond 40 bits is capped in the key; runs of equal keys are then sorted by (index, file
        // position), which restores the full order and makes the sort stable.
        var ranks = events.Select(e => e.Process).Distinct().Order().Select((p, rank) => (p, rank)).ToDictionary(x => x.p, x => (long)x.rank);
        var keys = new long[events.Count];
        var positions = new int[events.Count];
        for (int k = 0; k < keys.Length; k++)
        {
            keys[k] = (ranks[events[k].Process] << 40) | Math.Min(events[k].Index, (1L << 40) - 1);
            positions[k] = k;
        }
        Array.Sort(keys, positions);
        for (int run = 0, end; run < keys.Length; run = end)
        {
            for (end = run + 1; end < keys.Length && keys[end] == keys[run]; end++) { }
            if (end - run > 1)
                Array.Sort(positions, run, end - run, Comparer<int>.Create((x, y) => (events[x].Index, x).CompareTo((events[y].Index, y))));
        }
        return Array.ConvertAll(positions, k => events[k]);
    }

    /// <summary>The number of events.</summary>
    public int Count => Events.Length;

    /// <summary>The deliver events of message m, in event order (so grouped by process, each in local order).</summary>
    public ReadOnlySpan<int> DeliveriesOf(int m) => _deliveries.AsSpan(_deliveryStart[m], _deliveryStart[m + 1] - _deliveryStart[m]);

    /// <summary>The deliver_conf events of configuration c, in event order.</summary>
    public ReadOnlySpan<int> ConfChangesOf(int c) => _confChanges.AsSpan(_confChangeStart[c], _confChangeStart[c + 1] - _confChangeStart[c]);

    /// <summary>The number of process p, or -1 when p has no event in the trace.</summary>
    public int ProcessNumber(ProcessId p) => _processNumber.TryGetValue(p, out int k) ? k : -1;

    /// <summary>Whether event e has a predecessor in its process's local order.</summary>
    public bool HasLocalPredecessor(int e) => e > ProcessStart[ProcessOf[e]];

    /// <summary>Whether configuration c was declared transitional by a deliver_conf.</summary>
    public bool IsTransitional(int c) => Declaration[c]?.Kind == ConfigurationKind.Transitional;

    /// <summary>The members of configuration c as its first deliver_conf states them (none if never delivered).</summary>
    public IEnumerable<ProcessId> MembersOf(int c) => Declaration[c]?.Members ?? [];

    /// <summary>How a report names event e.</summary>
    public EventRef Ref(int e) => EventRef.Of(Events[e]);

    /// <summary>The name of event e's configuration.</summary>
    public ConfigurationId ConfigName(int e) => Configurations[ConfigOf[e]];

    /// <summary>
    /// Buckets the events by a key (counting sort): <paramref name="keyOf"/> gives each event's
    /// bucket in 0..<paramref name="buckets"/>-1, or -1 to leave it out. Within a bucket events keep event order.
    /// </summary>
    private (int[] Start, int[] Items) Bucket(int buckets, Func<int, int> keyOf)
    {
        var start = new int[buckets + 1];
        var keys = new int[Count];
        for (int e = 0; e < Count; e++)
        {
            keys[e] = keyOf(e);
            if (keys[e] >= 0) start[keys[e] + 1]++;
        }
        for (int b = 0; b < buckets; b++) start[b + 1] += start[b];
        var items = new int[start[buckets]];
        var fill = (int[])start.Clone();
        for (int e = 0; e < Count; e++)
            if (keys[e] >= 0) items[fill[keys[e]]++] = e;
        return (start, items);
    }
}
