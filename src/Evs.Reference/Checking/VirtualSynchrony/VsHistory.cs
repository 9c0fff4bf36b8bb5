// The paper, Section 4: a virtual synchrony history H is a set of events local to processes
// (send, deliver, stop) and group events (view). Every condition C1-L5 asks questions like "the
// events of i in order", "every delivery of m", "the view a delivery belongs to", "the members of
// g^x". This file answers them once, with dense integer numbers and flat arrays, as History does
// for the EVS checker, so that 10^6 events are checked in seconds.
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// A virtual synchrony history indexed for checking. Events are numbered 0..N-1 after a stable
/// sort by (process, index), so the events of one process are a contiguous run in local order and
/// an event's number doubles as its position in that order. Views and messages are numbered in
/// the order they first appear. "A delivery belongs to the most recent view before it at that
/// process" (VS-TRACE.md): <see cref="ViewOf"/> says which, for every event.
/// </summary>
internal sealed class VsHistory
{
    private readonly int[] _deliveryStart, _deliveries, _viewEventStart, _viewEvents;
    private readonly Dictionary<string, int> _processNumber;
    private readonly Func<VsEvent, EventRef> _witness;
    private readonly Lazy<(HashSet<string>[] Members, Dictionary<string, List<int>> Listing)> _membership;

    /// <summary>Whether the run ended settled, so that C2 and C3 may judge its end.</summary>
    public bool Quiescent { get; }

    /// <summary>The events, sorted by (process, index), ties in the order given.</summary>
    public VsEvent[] Events { get; }

    /// <summary>Whether each event was imputed by Extend rather than recorded.</summary>
    public bool[] Imputed { get; }

    /// <summary>The processes that have events, in ordinal order.</summary>
    public string[] Processes { get; }

    /// <summary>For each event, the number of its process.</summary>
    public int[] ProcessOf { get; }

    /// <summary>The events of process k are <c>ProcessStart[k] .. ProcessStart[k+1]-1</c>.</summary>
    public int[] ProcessStart { get; }

    /// <summary>The view identifiers, by number.</summary>
    public string[] Views { get; }

    /// <summary>For each view, its first view event: the members it declares.</summary>
    public ViewChange[] Declaration { get; }

    /// <summary>For each event, the number of its view (the latest view event of its process at or before it), or -1 before any.</summary>
    public int[] ViewOf { get; }

    /// <summary>The messages, by number.</summary>
    public MessageId[] Messages { get; }

    /// <summary>For each send or deliver event, the number of its message; -1 for the others.</summary>
    public int[] MessageOf { get; }

    /// <summary>For each message, its first send event, or -1 when it was never sent.</summary>
    public int[] SendOf { get; }

    /// <summary>For each message, its multicast: as sent, or as first delivered when it was never sent.</summary>
    public VsService[] ServiceOf { get; }

    /// <summary>Indexes <paramref name="events"/>; <paramref name="witness"/> names an event in a report, <paramref name="imputed"/> marks events Extend added.</summary>
    public VsHistory(IReadOnlyList<VsEvent> events, bool quiescent, Func<VsEvent, EventRef> witness, Func<VsEvent, bool> imputed)
    {
        Quiescent = quiescent;
        _witness = witness;
        Events = SortedByProcessAndIndex(events);
        int n = Events.Length;
        Imputed = Array.ConvertAll(Events, e => imputed(e));

        ProcessOf = new int[n];
        var processes = new List<string>();
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
        Processes = [.. processes];
        ProcessStart = [.. starts];
        _processNumber = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < Processes.Length; k++) _processNumber[Processes[k]] = k;

        var viewNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var declarations = new List<ViewChange>();
        var messageNumbers = new Dictionary<MessageId, int>();
        var messages = new List<MessageId>();
        var services = new List<VsService>();
        ViewOf = new int[n];
        MessageOf = new int[n];
        for (int e = 0; e < n; e++)
        {
            if (Events[e] is ViewChange view && !viewNumbers.ContainsKey(view.View))
            {
                viewNumbers[view.View] = declarations.Count;
                declarations.Add(view);
            }
            ViewOf[e] = Events[e] is ViewChange v ? viewNumbers[v.View]
                : e > ProcessStart[ProcessOf[e]] ? ViewOf[e - 1] : -1;
            MessageOf[e] = -1;
            (MessageId Id, VsService Service)? message = Events[e] switch
            {
                VsSend s => (s.Message, s.Service),
                VsDeliver d => (d.Message, d.Service),
                _ => null,
            };
            if (message is not { } m) continue;
            if (!messageNumbers.TryGetValue(m.Id, out int k))
            {
                k = messages.Count;
                messageNumbers[m.Id] = k;
                messages.Add(m.Id);
                services.Add(m.Service);
            }
            MessageOf[e] = k;
        }
        Declaration = [.. declarations];
        Views = Array.ConvertAll(Declaration, d => d.View);
        Messages = [.. messages];
        ServiceOf = [.. services];

        SendOf = new int[Messages.Length];
        Array.Fill(SendOf, -1);
        for (int e = 0; e < n; e++)
        {
            if (Events[e] is not VsSend send || SendOf[MessageOf[e]] >= 0) continue;
            SendOf[MessageOf[e]] = e;
            ServiceOf[MessageOf[e]] = send.Service;
        }
        (_deliveryStart, _deliveries) = Bucket(Messages.Length, e => Events[e] is VsDeliver ? MessageOf[e] : -1);
        (_viewEventStart, _viewEvents) = Bucket(Views.Length, e => Events[e] is ViewChange ? ViewOf[e] : -1);
        _membership = new(Membership);
    }

    /// <summary>Indexes a trace as recorded: every event named by its own process and index.</summary>
    public static VsHistory Recorded(VsTrace trace) => new(trace.Events, trace.Header.Quiescent, Witness, _ => false);

    /// <summary>How a report names a recorded event: its process and index (<c>q~1#4</c>).</summary>
    public static EventRef Witness(VsEvent e) => new(new ProcessId(e.Process), e.Index);

    /// <summary>The number of events.</summary>
    public int Count => Events.Length;

    /// <summary>How a report names event e.</summary>
    public EventRef Ref(int e) => _witness(Events[e]);

    /// <summary>The number of process <paramref name="name"/>, or -1 when it has no event.</summary>
    public int ProcessNumber(string name) => _processNumber.TryGetValue(name, out int k) ? k : -1;

    /// <summary>Section 4: "Failure of a process is modeled by the distinguished final event, stop": process p's history ends with stop.</summary>
    public bool Failed(int p) => Events[ProcessStart[p + 1] - 1] is Stop;

    /// <summary>Whether event e has a predecessor in its process's local order.</summary>
    public bool HasLocalPredecessor(int e) => e > ProcessStart[ProcessOf[e]];

    /// <summary>The deliver events of message m, in event order.</summary>
    public ReadOnlySpan<int> DeliveriesOf(int m) => _deliveries.AsSpan(_deliveryStart[m], _deliveryStart[m + 1] - _deliveryStart[m]);

    /// <summary>The view events of view v, in event order.</summary>
    public ReadOnlySpan<int> ViewEventsOf(int v) => _viewEvents.AsSpan(_viewEventStart[v], _viewEventStart[v + 1] - _viewEventStart[v]);

    /// <summary>The members of view v, as its first view event declares them.</summary>
    public IReadOnlyList<string> MembersOf(int v) => Declaration[v].Members;

    /// <summary>Whether view v lists <paramref name="process"/> among its members.</summary>
    public bool IsMember(int v, string process) => _membership.Value.Members[v].Contains(process);

    /// <summary>The views that list <paramref name="process"/> among their members, by number.</summary>
    public IReadOnlyList<int> ViewsListing(string process) => _membership.Value.Listing.GetValueOrDefault(process) ?? [];

    /// <summary>The name of message m.</summary>
    public string MessageName(int m) => Messages[m].Name;

    /// <summary>The events numbered <paramref name="events"/>, as a report names them, each once.</summary>
    public IReadOnlyList<EventRef> Refs(IEnumerable<int> events) => events.Select(Ref).Distinct().ToList();

    /// <summary>
    /// The events sorted by (process, index); a stable sort, so that two events of one process
    /// with the same index (an L2 violation) stay in the order given and break nothing else.
    /// Numeric keys (process rank, index) sort faster than records; an index beyond 40 bits is
    /// capped in the key, and runs of equal keys are then sorted by (index, position).
    /// </summary>
    private static VsEvent[] SortedByProcessAndIndex(IReadOnlyList<VsEvent> events)
    {
        var ranks = events.Select(e => e.Process).Distinct().Order(StringComparer.Ordinal)
            .Select((p, rank) => (p, rank)).ToDictionary(x => x.p, x => (long)x.rank, StringComparer.Ordinal);
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

    private (HashSet<string>[], Dictionary<string, List<int>>) Membership()
    {
        var members = Array.ConvertAll(Declaration, d => d.Members.ToHashSet(StringComparer.Ordinal));
        var listing = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int v = 0; v < Views.Length; v++)
            foreach (var member in members[v])
            {
                if (!listing.TryGetValue(member, out var views)) listing[member] = views = [];
                views.Add(v);
            }
        return (members, listing);
    }

    /// <summary>Buckets the events by a key (counting sort); within a bucket events keep event order.</summary>
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
