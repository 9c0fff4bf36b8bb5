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
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking;

/// <summary>
/// One layer of the precedes relation: the event graph with some events merged into one node
/// (named by its first event, the representative), its ord when it has one, and otherwise one
/// cycle as witnessing events.
/// </summary>
internal sealed class PrecedesLayer
{
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
        var ord = Ord.Of(graph, group);
        Order = ord.IsTotal ? ord.OrderArray : null;
        Cycle = ord.IsTotal ? null : Cycles.Find(graph, ord).Select(h.Ref).ToList();
    }

    /// <summary>
    /// Vector clocks over processes along the topological order: the clock of a node holds, for
    /// each process, the last of its events that precedes the node (or -1). Then an event a of
    /// process p precedes node v exactly when clock(v)[p] &gt;= a, since a precedes every later event
    /// of p. Only the clocks of nodes that <paramref name="keep"/> selects are stored; the others
    /// live only as each process's running clock, so memory stays linear in what is asked for.
    /// Needs <see cref="Order"/>, and that every send is kept when its deliveries are in the graph.
    /// </summary>
    public VectorClocks VectorClocks(History h, Func<int, bool> keep)
    {
        int processes = h.Processes.Length;
        var (memberStart, members) = Buckets.Of(Group.Length, Group.Length, e => Group[e]);
        var kept = new VectorClocks(h.Count, processes, Order!.Count(keep));
        var running = new int[processes * processes];
        Array.Fill(running, -1);
        var clock = new int[processes];
        foreach (int r in Order!)
        {
            var inNode = members.AsSpan(memberStart[r], memberStart[r + 1] - memberStart[r]);
            Array.Fill(clock, -1);
            foreach (int e in inNode)
            {
                MaxInto(clock, running.AsSpan(h.ProcessOf[e] * processes, processes));
                if (h.Kind[e] == EventKind.Deliver && h.SendOf[h.MessageOf[e]] is var s and >= 0) MaxInto(clock, kept.Of(s));
            }
            foreach (int e in inNode) clock[h.ProcessOf[e]] = Math.Max(clock[h.ProcessOf[e]], e);
            foreach (int e in inNode) clock.CopyTo(running.AsSpan(h.ProcessOf[e] * processes, processes));
            if (keep(r)) kept.Keep(r, clock);
        }
        return kept;
    }

    private static void MaxInto(int[] into, ReadOnlySpan<int> other)
    {
        for (int p = 0; p < into.Length; p++) if (other[p] > into[p]) into[p] = other[p];
    }
}

/// <summary>The vector clocks that <see cref="PrecedesLayer.VectorClocks"/> kept, side by side in one array.</summary>
internal sealed class VectorClocks
{
    private readonly int[] _slot, _clocks;
    private readonly int _processes;
    private int _kept;

    /// <summary>Room for <paramref name="capacity"/> clocks over <paramref name="processes"/> processes, of some of <paramref name="events"/> events.</summary>
    public VectorClocks(int events, int processes, int capacity)
    {
        _slot = new int[events];
        Array.Fill(_slot, -1);
        _clocks = new int[capacity * processes];
        _processes = processes;
    }

    /// <summary>The clock of node r, which must have been kept.</summary>
    public ReadOnlySpan<int> Of(int r) =>
        _slot[r] >= 0 ? _clocks.AsSpan(_slot[r] * _processes, _processes) : throw new InvalidOperationException($"no clock was kept for node {r}");

    /// <summary>Keeps a copy of <paramref name="clock"/> as node r's.</summary>
    public void Keep(int r, int[] clock)
    {
        _slot[r] = _kept++;
        clock.CopyTo(_clocks, _slot[r] * _processes);
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
        var graph = new EventGraph(h.ProcessOf, e => h.Kind[e] == EventKind.Deliver ? h.SendOf[h.MessageOf[e]] : -1);
        var basic = Ord.Apart(h.Count);
        Basic = new PrecedesLayer(h, graph, basic);
        var confs = Ord.Merged(basic, e => h.Kind[e] == EventKind.DeliverConf ? h.ConfigOf[e] : -1, h.Configurations.Length);
        WithConfigurationChanges = new PrecedesLayer(h, graph, confs);
        var messages = Ord.Merged(confs, e => h.Kind[e] == EventKind.Deliver ? h.MessageOf[e] : -1, h.Messages.Length);
        WithMessageDeliveries = new PrecedesLayer(h, graph, messages);
    }
}
