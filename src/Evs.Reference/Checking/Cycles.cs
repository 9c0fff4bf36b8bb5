// When no ord exists, a checker must say why: Specifications 1.1, 2.3/2.4 and 6.1/6.2 (and
// virtual synchrony's L1, L3, L5) are each broken by a cycle of ->, with some events merged into
// one logical time, and report the events along it as witnesses. Ord.cs finds out that there is
// a cycle (nodes left without an ord); this file finds one, linearly and iteratively, so that a
// million events neither take minutes nor overflow the stack.
namespace Evs.Reference.Checking;

/// <summary>One cycle of an <see cref="EventGraph"/> whose events are merged as an <see cref="Ord"/> merged them.</summary>
internal static class Cycles
{
    /// <summary>
    /// The events along one cycle, in cycle order, of the graph of nodes that <paramref name="ord"/>
    /// could not number (it is not <see cref="Ord.IsTotal"/>). Every node without an ord has a
    /// predecessor without one (Kahn's algorithm would have freed it otherwise), so walking backwards
    /// along such predecessors must come back to a node already walked: that closes a cycle. It is
    /// reported forwards, as the events at the ends of its edges, leaving out the inner events of a
    /// run of local order edges.
    /// </summary>
    public static List<int> Find(EventGraph graph, Ord ord)
    {
        var sameTime = ord.SameTime;
        var (inStart, inEdges) = graph.EdgesByNode(sameTime, outgoing: false);
        int start = 0;
        while (sameTime[start] != start || ord[start] >= 0) start++;

        var stepOf = new Dictionary<int, int>();
        var walkedEdges = new List<int>();
        int node = start;
        while (!stepOf.ContainsKey(node))
        {
            stepOf[node] = walkedEdges.Count;
            int edge = -1;
            for (int i = inStart[node]; i < inStart[node + 1] && edge < 0; i++)
                if (ord[graph.From[inEdges[i]]] < 0) edge = inEdges[i];
            walkedEdges.Add(edge);
            node = sameTime[graph.From[edge]];
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
