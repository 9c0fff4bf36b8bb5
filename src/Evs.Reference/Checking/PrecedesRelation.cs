// Section 2: "The precedes relation, ->, defines a global partial order on all events in the
// system, and the ord function ... defines a virtual or logical total order on those events."
// A trace does not write -> down; this file derives it, in three layers:
//   1. local order of each process (Specification 1.2) and send_p(m) -> deliver_q(m) (1.3);
//   2. plus Specifications 2.3 and 2.4: every deliver_conf of one configuration is preceded
//      and followed by the same events, which is to say they happen at one point of ->;
//   3. plus Specification 6.2 for ord: every deliver of one message is at one logical time.
// Each layer is the previous one with some events merged into one node, and an ord of it (Ord.cs)
// exists exactly when it has no cycle. A cycle means no partial order (layer 1), no -> satisfying
// 2.3/2.4 (layer 2), or no ord satisfying 6.1 and 6.2 (layer 3); a cycle is blamed on the first
// layer where it appears. All algorithms are linear and iterative, so that a million events
// neither take minutes nor overflow the stack.
using Evs.Reference.Model;

namespace Evs.Reference.Checking;

/// <summary>
/// One layer of the precedes relation: the event graph with some events merged into one node
/// (named by its first event, the representative), its ord when it has one, and otherwise one
/// cycle as witnessing events.
/// </summary>
internal sealed class PrecedesLayer
{
    private readonly int[] _memberStart, _members;

    /// <summary>For each event, the representative of the node it is merged into.</summary>
    public int[] Group { get; }

    /// <summary>The representatives in increasing ord, or null when the layer has a cycle.</summary>
    public int[]? Order { get; }

    /// <summary>The events along one cycle, in cycle order, or null when the layer is acyclic.</summary>
    public IReadOnlyList<EventRef>? Cycle { get; }

    /// <summary>The layer of <paramref name="graph"/> in which every event e is merged into <c>group[e]</c>.</summary>
    public PrecedesLayer(History h, EventGraph graph, int[] group)
    {
        Group = group;
        (_memberStart, _members) = Members(group);
        var ord = Ord.Of(graph, group);
        Order = ord.IsTotal ? ord.OrderArray : null;
        Cycle = ord.IsTotal ? null : Cycles.Find(graph, ord).Select(h.Ref).ToList();
    }

    /// <summary>The events merged into the node of representative r.</summary>
    public ReadOnlySpan<int> MembersOf(int r) => _members.AsSpan(_memberStart[r], _memberStart[r + 1] - _memberStart[r]);

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
        // Specification 1.2: the events of a process are totally ordered, in index order.
        // Specification 1.3: send_q(m, reg_q(c)) -> deliver_p(m, c).
        var graph = new EventGraph(h.ProcessOf, e => h.Events[e] is Deliver ? h.SendOf[h.MessageOf[e]] : -1);
        var basic = Ord.Apart(h.Count);
        Basic = new PrecedesLayer(h, graph, basic);
        var confs = Ord.Merged(basic, e => h.Events[e] is DeliverConf ? h.ConfigOf[e] : -1, h.Configurations.Length);
        WithConfigurationChanges = new PrecedesLayer(h, graph, confs);
        var messages = Ord.Merged(confs, e => h.Events[e] is Deliver ? h.MessageOf[e] : -1, h.Messages.Length);
        WithMessageDeliveries = new PrecedesLayer(h, graph, messages);
    }
}
