// The paper, Section 4: "This model of virtual synchrony is based on Lamport's causality
// relation, ->, ... the transitive closure of e -> e', where e and e' are local to a process, and
// send(m) -> deliver(m)". L1 asks for a global time that increases along ->; L3 and L5 add that
// some events have one time (the view events of one view; the deliveries of one abcast message).
// A time with these properties exists exactly when the graph of -> with those events merged into
// one node is acyclic. This file builds that graph in three layers, each the previous one with
// more events merged, so that a cycle is blamed on the first condition whose identification
// creates it. Kahn's algorithm keeps each layer linear in the number of events.
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>The edges of ->: local order, and send(m) to each deliver(m).</summary>
internal sealed class CausalGraph
{
    /// <summary>Edge k goes from event <c>From[k]</c> to event <c>To[k]</c>.</summary>
    public int[] From { get; }

    /// <summary>Edge k goes from event <c>From[k]</c> to event <c>To[k]</c>.</summary>
    public int[] To { get; }

    public CausalGraph(VsHistory h)
    {
        var from = new List<int>(2 * h.Count);
        var to = new List<int>(2 * h.Count);
        for (int e = 0; e < h.Count; e++)
        {
            if (h.HasLocalPredecessor(e)) { from.Add(e - 1); to.Add(e); }
            if (h.Events[e] is VsDeliver && h.SendOf[h.MessageOf[e]] is var s and >= 0) { from.Add(s); to.Add(e); }
        }
        From = [.. from];
        To = [.. to];
    }
}

/// <summary>
/// One layer: the causal graph with some events merged into one node (named by its first event,
/// the representative), its topological order when it has one, and otherwise one cycle.
/// </summary>
internal sealed class CausalLayer
{
    /// <summary>For each event, the representative of its node.</summary>
    public int[] Group { get; }

    /// <summary>The representatives in a topological order, or null when the layer has a cycle.</summary>
    public int[]? Order { get; }

    /// <summary>The events along one cycle, in cycle order, or null when the layer is acyclic.</summary>
    public IReadOnlyList<int>? Cycle { get; }

    public CausalLayer(VsHistory h, CausalGraph graph, int[] group)
    {
        Group = group;
        var (outStart, outEdges) = Adjacency(group, graph.From, graph.To.Length);
        var (order, visited) = TopologicalOrder(group, graph, outStart, outEdges);
        if (order.Length == CountRepresentatives(group)) Order = order;
        else Cycle = FindCycle(h, graph, group, visited);
    }

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

    /// <summary>For each event, the place of its node in <see cref="Order"/>.</summary>
    public int[] Positions()
    {
        var rank = new int[Group.Length];
        for (int k = 0; k < Order!.Length; k++) rank[Order[k]] = k;
        return Array.ConvertAll(Group, r => rank[r]);
    }

    private static int CountRepresentatives(int[] group)
    {
        int count = 0;
        for (int e = 0; e < group.Length; e++) if (group[e] == e) count++;
        return count;
    }

    /// <summary>Edges bucketed by the node of one of their ends (CSR form).</summary>
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
    private static (int[] Order, bool[] Visited) TopologicalOrder(int[] group, CausalGraph graph, int[] outStart, int[] outEdges)
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
    /// backwards along unvisited predecessors must come back to a node already walked: that
    /// closes a cycle. It is reported forwards, as the events at the ends of its edges, leaving
    /// out the inner events of a run of local order edges.
    /// </summary>
    private static IReadOnlyList<int> FindCycle(VsHistory h, CausalGraph graph, int[] group, bool[] visited)
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
        if (events.Count > 1 && events[^1] == events[0]) events.RemoveAt(events.Count - 1);
        return [.. WithoutInnerLocalEvents(h, events)];
    }

    /// <summary>Keeps the first and last event of each run of consecutive events of one process.</summary>
    private static IEnumerable<int> WithoutInnerLocalEvents(VsHistory h, List<int> events)
    {
        for (int i = 0; i < events.Count; i++)
        {
            bool inner = i > 0 && i < events.Count - 1
                && h.ProcessOf[events[i - 1]] == h.ProcessOf[events[i]] && events[i - 1] < events[i]
                && h.ProcessOf[events[i + 1]] == h.ProcessOf[events[i]] && events[i] < events[i + 1];
            if (!inner) yield return events[i];
        }
    }
}

/// <summary>The three layers of one history: -> alone (L1), with each view's events merged (L3), with each abcast message's deliveries merged too (L5).</summary>
internal sealed class CausalLayers
{
    /// <summary>L1: local order and send-to-deliver.</summary>
    public CausalLayer Basic { get; }

    /// <summary>L3: plus "time(view_i(g^x)) = time(view_j(g^x))".</summary>
    public CausalLayer WithViews { get; }

    /// <summary>L5: plus "time(deliver_i(m)) = time(deliver_j(m))" for an abcast message m.</summary>
    public CausalLayer WithAbcast { get; }

    public CausalLayers(VsHistory h)
    {
        var graph = new CausalGraph(h);
        var basic = CausalLayer.Unmerged(h.Count);
        Basic = new CausalLayer(h, graph, basic);
        var views = CausalLayer.Merged(basic, e => h.Events[e] is ViewChange ? h.ViewOf[e] : -1, h.Views.Length);
        WithViews = new CausalLayer(h, graph, views);
        var abcast = CausalLayer.Merged(views, e => h.Events[e] is VsDeliver && h.ServiceOf[h.MessageOf[e]] == VsService.Abcast ? h.MessageOf[e] : -1, h.Messages.Length);
        WithAbcast = new CausalLayer(h, graph, abcast);
    }

    /// <summary>
    /// For each event, its place in a global time of the most merged layer that has one (L5, else
    /// L3, else L1), or its event number when even -> is cyclic: an order in which Extend can lay
    /// out imputed events without contradicting what the history already orders.
    /// </summary>
    public int[] Positions() =>
        (WithAbcast.Order is not null ? WithAbcast : WithViews.Order is not null ? WithViews : Basic.Order is not null ? Basic : null)?.Positions()
        ?? Enumerable.Range(0, Basic.Group.Length).ToArray();
}
