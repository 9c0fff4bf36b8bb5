// Section 2: "The precedes relation, ->, defines a global partial order on all events in the
// system, and the ord function, from events to natural numbers, defines a virtual or logical
// total order on those events. The ord function is not one-to-one, because some events in
// different processes are required to occur at the same logical time." Specification 6.1:
// "If there exist events e and e' such that e -> e', where e != e', then ord(e) < ord(e')";
// 6.2: deliver_conf_p(c) and deliver_conf_q(c), and deliver_p(m, c) and deliver_q(m, c'), have
// equal ord. This file is the one place that computes an ord: the checkers ask whether one exists
// (Specifications 1.1, 2.3, 2.4, 6.1, 6.2; virtual synchrony's L1, L3, L5), the delivery diagram
// of `evs demo` and the plots draw their rows in it. Linear and iterative (without times), so that
// a million events neither take minutes nor overflow the stack.
namespace Evs.Reference.Checking;

/// <summary>
/// An ord function over the events of an <see cref="EventGraph"/>: natural numbers that grow
/// along -> (Specification 6.1) and are equal for the events that must be at one logical time
/// (6.2). Those events are merged into one node, named by its first event; ord(e) is the place of
/// e's node in <see cref="Order"/>, a topological order of the graph of nodes (Kahn's algorithm).
/// When that graph has a cycle no ord exists: the nodes on a cycle, and those after one, get none.
/// </summary>
public sealed class Ord
{
    private readonly int[] _sameTime, _order, _rank;
    private readonly double[]? _nodeTime;
    private readonly int _nodes;

    private Ord(int[] sameTime, int[] order, int[] rank, double[]? nodeTime, int nodes)
    {
        _sameTime = sameTime;
        _order = order;
        _rank = rank;
        _nodeTime = nodeTime;
        _nodes = nodes;
    }

    /// <summary>
    /// The ord of the events of <paramref name="graph"/> under which each event e is at the logical
    /// time of event <c>sameTime[e]</c>: the first (lowest-numbered) event that must share its time,
    /// e itself when none does. Among the nodes that may come next, the earliest by
    /// <paramref name="time"/> (the earliest of a node's events; ties to the lower number) comes
    /// first when times are given, so that a picture stays close to what happened; without times
    /// nodes come in the order they become free (first those that nothing precedes, by number),
    /// which takes linear time. <paramref name="sameTime"/> is kept, not copied (the checkers pass
    /// arrays of a million events), so it must not change afterwards.
    /// </summary>
    public static Ord Of(EventGraph graph, int[] sameTime, double[]? time = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(sameTime);
        int nodes = CountNodes(sameTime, graph.Count);
        if (time is not null && time.Length != graph.Count)
            throw new ArgumentException($"{time.Length} times for {graph.Count} events", nameof(time));
        var (outStart, outEdges) = graph.EdgesByNode(sameTime, outgoing: true);
        var waiting = new int[sameTime.Length];
        foreach (int v in graph.To) waiting[sameTime[v]]++;
        var order = new int[nodes];
        var rank = new int[sameTime.Length];
        Array.Fill(rank, -1);
        var nodeTime = time is null ? null : NodeTimes(sameTime, time);
        int placed = nodeTime is null
            ? InOrderFreed(graph, sameTime, outStart, outEdges, waiting, order, rank)
            : EarliestFirst(graph, sameTime, outStart, outEdges, waiting, order, rank, nodeTime);
        if (placed < nodes) Array.Resize(ref order, placed);
        return new Ord(sameTime, order, rank, nodeTime, nodes);
    }

    /// <summary>
    /// The nodes that have an ord, each named by its first event, in increasing ord: ord(e) is the
    /// place of e's node in this list. When the graph has a cycle, the nodes on or after one are left out.
    /// </summary>
    public IReadOnlyList<int> Order => _order;

    /// <summary><see cref="Order"/> as the array it is, for the checkers' loops over a million events.</summary>
    internal int[] OrderArray => _order;

    /// <summary>For each event, its node, as given to <see cref="Of"/>.</summary>
    internal int[] SameTime => _sameTime;

    /// <summary>Whether every event has an ord: the graph of nodes has no cycle.</summary>
    public bool IsTotal => _order.Length == _nodes;

    /// <summary>ord(e), or -1 when event e has none (it lies on a cycle or after one).</summary>
    public int this[int e] => _rank[_sameTime[e]];

    /// <summary>The node of event e: the first event at its logical time.</summary>
    public int NodeOf(int e) => _sameTime[e];

    /// <summary>
    /// The nodes without an ord (on a cycle, or after one), earliest first when times were given,
    /// then by number: where a picture of a broken history can put them, after all the others.
    /// </summary>
    public IReadOnlyList<int> Unordered =>
        Enumerable.Range(0, _sameTime.Length).Where(r => _sameTime[r] == r && _rank[r] < 0)
            .OrderBy(r => _nodeTime?[r] ?? 0).ThenBy(r => r).ToList();

    /// <summary>Events numbered 0..N-1, each at the time of its own event: nothing merged.</summary>
    internal static int[] Apart(int events) => Enumerable.Range(0, events).ToArray();

    /// <summary>
    /// <paramref name="sameTime"/> with the events that <paramref name="classOf"/> puts in one class
    /// (its value, below <paramref name="classes"/>; -1 for none) at the time of the first of them.
    /// Those events are each at a time of their own in <paramref name="sameTime"/>.
    /// </summary>
    internal static int[] Merged(int[] sameTime, Func<int, int> classOf, int classes)
    {
        var merged = (int[])sameTime.Clone();
        var first = new int[classes];
        Array.Fill(first, -1);
        for (int e = 0; e < merged.Length; e++)
        {
            int k = classOf(e);
            if (k < 0) continue;
            if (first[k] < 0) first[k] = e;
            merged[e] = first[k];
        }
        return merged;
    }

    // A node is named by its first event, which is its own node; anything else is no merging.
    private static int CountNodes(int[] sameTime, int events)
    {
        if (sameTime.Length != events)
            throw new ArgumentException($"{sameTime.Length} entries for {events} events", nameof(sameTime));
        int nodes = 0;
        for (int e = 0; e < sameTime.Length; e++)
        {
            int r = sameTime[e];
            if (r < 0 || r > e || sameTime[r] != r)
                throw new ArgumentException($"event {e} is put at the time of {r}, which is not the first event of a node", nameof(sameTime));
            if (r == e) nodes++;
        }
        return nodes;
    }

    private static double[] NodeTimes(int[] sameTime, double[] time)
    {
        var nodeTime = new double[sameTime.Length];
        Array.Fill(nodeTime, double.PositiveInfinity);
        for (int e = 0; e < sameTime.Length; e++) nodeTime[sameTime[e]] = Math.Min(nodeTime[sameTime[e]], time[e]);
        return nodeTime;
    }

    // Kahn's algorithm with a queue: nodes in the order they become free. Returns how many got an ord.
    private static int InOrderFreed(EventGraph graph, int[] sameTime, int[] outStart, int[] outEdges, int[] waiting, int[] order, int[] rank)
    {
        int count = 0;
        for (int r = 0; r < sameTime.Length; r++) if (sameTime[r] == r && waiting[r] == 0) order[count++] = r;
        for (int next = 0; next < count; next++)
        {
            int r = order[next];
            rank[r] = next;
            for (int i = outStart[r]; i < outStart[r + 1]; i++)
            {
                int v = sameTime[graph.To[outEdges[i]]];
                if (--waiting[v] == 0) order[count++] = v;
            }
        }
        return count;
    }

    // Kahn's algorithm with a priority queue: of the free nodes, the earliest (then the lowest) first.
    private static int EarliestFirst(EventGraph graph, int[] sameTime, int[] outStart, int[] outEdges, int[] waiting, int[] order, int[] rank, double[] nodeTime)
    {
        var free = new PriorityQueue<int, (double, int)>();
        for (int r = 0; r < sameTime.Length; r++) if (sameTime[r] == r && waiting[r] == 0) free.Enqueue(r, (nodeTime[r], r));
        int count = 0;
        while (free.TryDequeue(out int r, out _))
        {
            rank[r] = count;
            order[count++] = r;
            for (int i = outStart[r]; i < outStart[r + 1]; i++)
            {
                int v = sameTime[graph.To[outEdges[i]]];
                if (--waiting[v] == 0) free.Enqueue(v, (nodeTime[v], v));
            }
        }
        return count;
    }
}
