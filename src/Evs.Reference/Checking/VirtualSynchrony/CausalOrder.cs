// The paper, Section 4: "This model of virtual synchrony is based on Lamport's causality
// relation, ->, ... the transitive closure of e -> e', where e and e' are local to a process, and
// send(m) -> deliver(m)". L1 asks for a global time that increases along ->; L3 and L5 add that
// some events have one time (the view events of one view; the deliveries of one abcast message).
// A time with these properties exists exactly when the graph of -> with those events merged into
// one node is acyclic: then the paper's ord of that graph (Ord.cs; Section 5: "Our ord function
// corresponds to Birman's time function") is such a time. This file builds that graph in three
// layers, each the previous one with more events merged, so that a cycle is blamed on the first
// condition whose identification creates it. Each layer takes time linear in the number of events.
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// One layer: the causal graph with some events merged into one node (named by its first event,
/// the representative), its ord (a global time) when it has one, and otherwise one cycle.
/// </summary>
internal sealed class CausalLayer
{
    private readonly Ord _ord;

    /// <summary>For each event, the representative of its node.</summary>
    public int[] Group { get; }

    /// <summary>The representatives in increasing time, or null when the layer has a cycle.</summary>
    public int[]? Order { get; }

    /// <summary>The events along one cycle, in cycle order, or null when the layer is acyclic.</summary>
    public IReadOnlyList<int>? Cycle { get; }

    public CausalLayer(EventGraph graph, int[] group)
    {
        Group = group;
        _ord = Ord.Of(graph, group);
        Order = _ord.IsTotal ? _ord.OrderArray : null;
        Cycle = _ord.IsTotal ? null : Cycles.Find(graph, _ord);
    }

    /// <summary>For each event, its time: the place of its node in <see cref="Order"/>.</summary>
    public int[] Positions() => Enumerable.Range(0, Group.Length).Select(e => _ord[e]).ToArray();
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
        // The edges of ->: local order, and send(m) to each deliver(m).
        var graph = new EventGraph(h.ProcessOf, e => h.Events[e] is VsDeliver ? h.SendOf[h.MessageOf[e]] : -1);
        var basic = Ord.Apart(h.Count);
        Basic = new CausalLayer(graph, basic);
        var views = Ord.Merged(basic, e => h.Events[e] is ViewChange ? h.ViewOf[e] : -1, h.Views.Length);
        WithViews = new CausalLayer(graph, views);
        var abcast = Ord.Merged(views, e => h.Events[e] is VsDeliver && h.ServiceOf[h.MessageOf[e]] == VsService.Abcast ? h.MessageOf[e] : -1, h.Messages.Length);
        WithAbcast = new CausalLayer(graph, abcast);
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
