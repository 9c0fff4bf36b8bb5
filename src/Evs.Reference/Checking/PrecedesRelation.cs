// Section 2: "The precedes relation, ->, defines a global partial order on all events in the
// system, and the ord function ... defines a virtual or logical total order on those events."
// A trace does not write -> down; this file derives it, in three layers:
//   1. local order of each process (Specification 1.2) and send_p(m) -> deliver_q(m) (1.3);
//   2. plus Specifications 2.3 and 2.4: every deliver_conf of one configuration is preceded
//      and followed by the same events, which is to say they happen at one point of ->;
//   3. plus Specification 6.2 for ord: every deliver of one message is at one logical time.
// Each layer is the previous one with some events merged into one node. A cycle means no
// partial order (layer 1), no -> satisfying 2.3/2.4 (layer 2), or no ord satisfying 6.1 and
// 6.2 (layer 3); a cycle is blamed on the first layer where it appears. All algorithms are
// linear and iterative, so that a million events neither take minutes nor overflow the stack.
using Evs.Reference.Model;

namespace Evs.Reference.Checking;

/// <summary>The event graph of a trace: local order edges and send-to-deliver edges.</summary>
internal sealed class EventGraph
{
    /// <summary>Edge k goes from event <c>From[k]</c> to event <c>To[k]</c>.</summary>
    public int[] From { get; }

    /// <summary>Edge k goes from event <c>From[k]</c> to event <c>To[k]</c>.</summary>
    public int[] To { get; }

    public EventGraph(History h)
    {
        var from = new List<int>(2 * h.Count);
        var to = new List<int>(2 * h.Count);
        for (int e = 0; e < h.Count; e++)
        {
            // Specification 1.2: the events of a process are totally ordered, in index order.
            if (h.HasLocalPredecessor(e)) { from.Add(e - 1); to.Add(e); }
            // Specification 1.3: send_q(m, reg_q(c)) -> deliver_p(m, c).
            if (h.Events[e] is Deliver && h.SendOf[h.MessageOf[e]] is var s and >= 0) { from.Add(s); to.Add(e); }
        }
        From = from.ToArray();
        To = to.ToArray();
    }
}

/// <summary>
/// One layer of the precedes relation: the event graph with some events merged into one node
/// (named by its first event, the representative), its topological order when it has one, and
/// otherwise one cycle as witnessing events.
/// </summary>
internal sealed class PrecedesLayer
{
    private readonly int[] _memberStart, _members;

    /// <summary>For each event, the representative of the node it is merged into.</summary>
    public int[] Group { get; }

    /// <summary>The representatives in a topological order, or null when the layer has a cycle.</summary>
    public int[]? Order { get; }

    /// <summary>The events along one cycle, in cycle order, or null when the layer is acyclic.</summary>
    public IReadOnlyList<EventRef>? Cycle { get; }

    /// <summary>The layer of <paramref name="graph"/> in which every event e is merged into <c>group[e]</c>.</summary>
    public PrecedesLayer(History h, EventGraph graph, int[] group)
    {
        Group = group;
        (_memberStart, _members) = Members(group);
        var (outStart, outEdges) = Adjacency(group, graph.From, graph.To.Length);
        var (order, visited) = TopologicalOrder(group, graph, outStart, outEdges);
        if (order.Length == CountRepresentatives(group)) Order = order;
        else Cycle = FindCycle(h, graph, group, visited);
    }

    /// <summary>The events merged into the node of representative r.</summary>
    public ReadOnlySpan<int> MembersOf(int r) => _members.AsSpan(_memberStart[r], _memberStart[r + 1] - _memberStart[r]);

    /// <summary>Every event on its own: layer 1.</summary>
    public static int[] Unmerged(History h) => Enumerable.Range(0, h.Count).ToArray();

    /// <summary>
    /// Merges, into the node of the first such event, the events that <paramref name="classOf"/>
    /// puts in one class (its value, or -1 for an event left alone).
    /// </summary>
    public static int[] Merged(History h, int[] previous, Func<int, int> classOf, int classes)
    {
        var group = (int[])previous.Clone();
        var representative = new int[classes];
        Array.Fill(representative, -1);
        for (int e = 0; e < h.Count; e++)
        {
            int k = classOf(e);
            if (k < 0) continue;
            if (representative[k] < 0) representative[k] = e;
            group[e] = representative[k];
        }
        return group;
    }

    private static int CountRepresentatives(int[] group)
    {
        int count = 0;
        for (int e = 0; e < group.Length; e++) if (group[e] == e) count++;
        return count;
    }

    private static (int[] Start, int[] Items) Members(int[] group)
    {
        var start = new int[group.Length + 1];
        foreach (int r in group) start[r + 1]++;
        for (int r = 0; r < group.Length; r++) start[r + 1] += start[r];
        var items = new int[group.Length];
        var fill = (int[])start.Clone();
        for (int e = 0; e < group.Length; e++) items[fill[group[e]]++] = e;
        return (start, items);
    }

    /// <summary>Edges bucketed by the node of one of their ends (CSR form), so a node's edges are a span.</summary>
    private static (int[] Start, int[] Edges) Adjacency(int[] group, int[] end, int edges)
    {
        var start = new int[group.Length + 1];
        for (int k = 0; k < edges; k++) start[group[end[k]] + 1]++;
        for (int r = 0; r < group.Length; r++) start[r + 1] += start[r];
        var items = new int[edges];
        var fill = (int[])start.Clone();
        for (int k = 0; k < edges; k++) items[fill[group[end[k]]]++] = k;
        return (start, items);
    }

    /// <summary>Kahn's algorithm on the merged graph; nodes left unvisited lie on or after a cycle.</summary>
    private static (int[] Order, bool[] Visited) TopologicalOrder(int[] group, EventGraph graph, int[] outStart, int[] outEdges)
    {
        int n = group.Length;
        var indegree = new int[n];
        foreach (int v in graph.To) indegree[group[v]]++;
        var order = new List<int>(n);
        var visited = new bool[n];
        for (int r = 0; r < n; r++) if (group[r] == r && indegree[r] == 0) order.Add(r);
        for (int next = 0; next < order.Count; next++)
        {
            int r = order[next];
            visited[r] = true;
            for (int i = outStart[r]; i < outStart[r + 1]; i++)
            {
                int v = group[graph.To[outEdges[i]]];
                if (--indegree[v] == 0) order.Add(v);
            }
        }
        return (order.ToArray(), visited);
    }

    /// <summary>
    /// After Kahn's algorithm every unvisited node still has an unvisited predecessor, so walking
    /// backwards from one along unvisited predecessors must come back to a node already walked:
    /// that closes a cycle. The cycle is reported forwards, as the events at the ends of its
    /// edges, leaving out the inner events of a run of local order edges.
    /// </summary>
    private static IReadOnlyList<EventRef> FindCycle(History h, EventGraph graph, int[] group, bool[] visited)
    {
        var (inStart, inEdges) = Adjacency(group, graph.To, graph.From.Length);
        int start = 0;
        while (group[start] != start || visited[start]) start++;

        var stepOf = new Dictionary<int, int>();
        var walkedEdges = new List<int>();
        int node = start;
        while (!stepOf.ContainsKey(node))
        {
            stepOf[node] = walkedEdges.Count;
            int edge = -1;
            for (int i = inStart[node]; i < inStart[node + 1] && edge < 0; i++)
                if (!visited[group[graph.From[inEdges[i]]]]) edge = inEdges[i];
            walkedEdges.Add(edge);
            node = group[graph.From[edge]];
        }
        var cycleEdges = walkedEdges.Skip(stepOf[node]).Reverse().ToList();

        var events = new List<int>();
        foreach (int k in cycleEdges)
        {
            if (events.Count == 0 || events[^1] != graph.From[k]) events.Add(graph.From[k]);
            events.Add(graph.To[k]);
        }
        if (events.Count > 1 && events[^1] == events[0]) events.RemoveAt(events.Count - 1); // back where it started
        return WithoutInnerLocalEvents(h, events).Select(h.Ref).ToList();
    }

    /// <summary>Keeps the first and last event of each run of consecutive events of one process.</summary>
    private static IEnumerable<int> WithoutInnerLocalEvents(History h, List<int> events)
    {
        for (int i = 0; i < events.Count; i++)
        {
            bool inner = i > 0 && i < events.Count - 1
                && h.ProcessOf[events[i - 1]] == h.ProcessOf[events[i]] && events[i - 1] < events[i]
                && h.ProcessOf[events[i + 1]] == h.ProcessOf[events[i]] && events[i] < events[i + 1];
            if (!inner) yield return events[i];
        }
    }

    /// <summary>
    /// Vector clocks over processes along the topological order: the clock of a node holds, for
    /// each process, the last of its events that precedes the node (or -1). Then an event a of
    /// process p precedes node v exactly when clock(v)[p] &gt;= a, since a precedes every later event
    /// of p. Only the clocks of nodes that <paramref name="keep"/> selects are stored; the others
    /// live only as each process's running clock, so memory stays linear in what is asked for.
    /// Needs <see cref="Order"/>, and that every send is kept when its deliveries are in the graph.
    /// </summary>
    public int[]?[] VectorClocks(History h, Func<int, bool> keep)
    {
        int processes = h.Processes.Length;
        var kept = new int[]?[h.Count];
        var running = new int[processes][];
        for (int p = 0; p < processes; p++) { running[p] = new int[processes]; Array.Fill(running[p], -1); }
        var clock = new int[processes];
        foreach (int r in Order!)
        {
            Array.Fill(clock, -1);
            foreach (int e in MembersOf(r))
            {
                MaxInto(clock, running[h.ProcessOf[e]]);
                if (h.Events[e] is Deliver && h.SendOf[h.MessageOf[e]] is var s and >= 0) MaxInto(clock, kept[s]!);
            }
            foreach (int e in MembersOf(r)) clock[h.ProcessOf[e]] = Math.Max(clock[h.ProcessOf[e]], e);
            foreach (int e in MembersOf(r)) clock.CopyTo(running[h.ProcessOf[e]], 0);
            if (keep(r)) kept[r] = (int[])clock.Clone();
        }
        return kept;
    }

    private static void MaxInto(int[] into, int[] other)
    {
        for (int p = 0; p < into.Length; p++) if (other[p] > into[p]) into[p] = other[p];
    }
}

/// <summary>The three layers of the precedes relation of one trace, built once and shared by the specifications.</summary>
internal sealed class PrecedesRelation
{
    /// <summary>Layer 1: local order and send-to-deliver (Specifications 1.2, 1.3).</summary>
    public PrecedesLayer Basic { get; }

    /// <summary>Layer 2: plus the deliver_conf events of one configuration at one point (2.3, 2.4).</summary>
    public PrecedesLayer WithConfigurationChanges { get; }

    /// <summary>Layer 3: plus the deliveries of one message at one logical time (6.2).</summary>
    public PrecedesLayer WithMessageDeliveries { get; }

    public PrecedesRelation(History h)
    {
        var graph = new EventGraph(h);
        var basic = PrecedesLayer.Unmerged(h);
        Basic = new PrecedesLayer(h, graph, basic);
        var confs = PrecedesLayer.Merged(h, basic, e => h.Events[e] is DeliverConf ? h.ConfigOf[e] : -1, h.Configurations.Length);
        WithConfigurationChanges = new PrecedesLayer(h, graph, confs);
        var messages = PrecedesLayer.Merged(h, confs, e => h.Events[e] is Deliver ? h.MessageOf[e] : -1, h.Messages.Length);
        WithMessageDeliveries = new PrecedesLayer(h, graph, messages);
    }
}
