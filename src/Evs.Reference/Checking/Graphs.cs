// Both checkers derive an order that a trace does not write down from the same two kinds of edge,
// local order and send(m) -> deliver(m): the precedes relation of the EVS paper's Section 2
// (PrecedesRelation.cs) and Lamport's causality relation, on which Section 4's model of virtual
// synchrony is based (VirtualSynchrony/CausalOrder.cs). Each asks, layer by layer, whether that
// graph with some events merged into one node is acyclic, and which cycle it has otherwise. This
// file answers for both. All algorithms are linear and iterative, so that a million events
// neither take minutes nor overflow the stack.
namespace Evs.Reference.Checking;

/// <summary>
/// The edges of local order and send-to-deliver over events numbered 0..N-1 so that the events
/// of one process are a contiguous run in local order.
/// </summary>
internal sealed class EventGraph
{
    /// <summary>Edge k goes from event <c>From[k]</c> to event <c>To[k]</c>.</summary>
    public int[] From { get; }

    /// <summary>Edge k goes from event <c>From[k]</c> to event <c>To[k]</c>.</summary>
    public int[] To { get; }

    /// <summary>For each event, the number of its process.</summary>
    public int[] ProcessOf { get; }

    /// <summary>
    /// The graph of events whose processes <paramref name="processOf"/> gives: an edge from each
    /// event to the next of its process, and one to each event from the send that
    /// <paramref name="sendDelivered"/> says it delivers (-1 for none).
    /// </summary>
    public EventGraph(int[] processOf, Func<int, int> sendDelivered)
    {
        int n = processOf.Length;
        var from = new List<int>(2 * n);
        var to = new List<int>(2 * n);
        for (int e = 0; e < n; e++)
        {
            if (e > 0 && processOf[e - 1] == processOf[e]) { from.Add(e - 1); to.Add(e); }
            if (sendDelivered(e) is var s and >= 0) { from.Add(s); to.Add(e); }
        }
        From = [.. from];
        To = [.. to];
        ProcessOf = processOf;
    }
}

/// <summary>
/// Layers of an <see cref="EventGraph"/>: the graph with some events merged into one node, named
/// by its first event (the representative). A layer is given as its group array: for each event,
/// the representative of its node.
/// </summary>
internal static class Graphs
{
    /// <summary>Every event on its own node.</summary>
    public static int[] Unmerged(int events) => Enumerable.Range(0, events).ToArray();

    /// <summary>
    /// The nodes of <paramref name="previous"/>, with the events that <paramref name="classOf"/> puts in
    /// one class (its value; -1 for none) merged into the node of the first of them. Those events
    /// are each on a node of their own in <paramref name="previous"/>: every layer merges new kinds.
    /// </summary>
    public static int[] Merged(int[] previous, Func<int, int> classOf, int classes)
    {
        var group = (int[])previous.Clone();
        var representative = new int[classes];
        Array.Fill(representative, -1);
        for (int e = 0; e < group.Length; e++)
        {
            int k = classOf(e);
            if (k < 0) continue;
            if (representative[k] < 0) representative[k] = e;
            group[e] = representative[k];
        }
        return group;
    }

    /// <summary>
    /// The representatives of the layer <paramref name="group"/> of <paramref name="graph"/> in a
    /// topological order when it has one; otherwise no order, and the events along one cycle, in cycle order.
    /// </summary>
    public static (int[]? Order, List<int>? Cycle) TopologicalOrder(EventGraph graph, int[] group)
    {
        var (outStart, outEdges) = Adjacency(group, graph.From, graph.To.Length);
        var (order, visited) = Kahn(group, graph, outStart, outEdges);
        return order.Length == CountRepresentatives(group) ? (order, null) : (null, FindCycle(graph, group, visited));
    }

    private static int CountRepresentatives(int[] group)
    {
        int count = 0;
        for (int e = 0; e < group.Length; e++) if (group[e] == e) count++;
        return count;
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
    private static (int[] Order, bool[] Visited) Kahn(int[] group, EventGraph graph, int[] outStart, int[] outEdges)
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
        return ([.. order], visited);
    }

    /// <summary>
    /// After Kahn's algorithm every unvisited node still has an unvisited predecessor, so walking
    /// backwards from one along unvisited predecessors must come back to a node already walked:
    /// that closes a cycle. The cycle is reported forwards, as the events at the ends of its
    /// edges, leaving out the inner events of a run of local order edges.
    /// </summary>
    private static List<int> FindCycle(EventGraph graph, int[] group, bool[] visited)
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
        return WithoutInnerLocalEvents(graph.ProcessOf, events);
    }

    /// <summary>Keeps the first and last event of each run of consecutive events of one process.</summary>
    private static List<int> WithoutInnerLocalEvents(int[] processOf, List<int> events)
    {
        var kept = new List<int>(events.Count);
        for (int i = 0; i < events.Count; i++)
        {
            bool inner = i > 0 && i < events.Count - 1
                && processOf[events[i - 1]] == processOf[events[i]] && events[i - 1] < events[i]
                && processOf[events[i + 1]] == processOf[events[i]] && events[i] < events[i + 1];
            if (!inner) kept.Add(events[i]);
        }
        return kept;
    }
}
