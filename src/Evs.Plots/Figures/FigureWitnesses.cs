// The paper's Figures 1-5 each draw the events one group of specifications talks about, marking
// with a star the events the specification asserts. These rules pick such events out of a real
// run, so that a regenerated figure stars the events that witness its specification there.
using Evs.Plots.Layout;

namespace Evs.Plots.Figures;

/// <summary>Rules that pick, from a history, the events a specification talks about (as witness names, <c>p#3</c>).</summary>
public static class FigureWitnesses
{
    /// <summary>
    /// Specification 1.3 at its most telling (Figures 1 and 6): every message delivered in a
    /// transitional configuration — its send, and its deliveries, which the send precedes.
    /// </summary>
    public static IReadOnlyList<string> TransitionalDeliveries(IReadOnlyList<PlotEvent> events)
    {
        var messages = events.Where(e => e.Kind == PlotEventKind.Deliver && e.Transitional).Select(e => e.Message).ToHashSet();
        return events.Where(e => e.Message is not null && messages.Contains(e.Message)).Select(e => e.Witness).ToList();
    }

    /// <summary>
    /// Specifications 2.1-2.4 (Figure 2): the first transitional configuration of two or more
    /// members — every member's change to it — and the regular configuration each installs next.
    /// </summary>
    public static IReadOnlyList<string> ConfigurationChange(IReadOnlyList<PlotEvent> events)
    {
        var transitional = FirstTransitional(events, withDeliveries: false);
        return transitional is null ? [] : Changes(events, transitional);
    }

    /// <summary>
    /// Specification 3 (Figure 3): every message its sender delivers in a transitional configuration —
    /// the send and the sender's own delivery.
    /// </summary>
    public static IReadOnlyList<string> SelfDelivery(IReadOnlyList<PlotEvent> events)
    {
        var senders = events.Where(e => e.Kind == PlotEventKind.Send).ToDictionary(e => e.Message!, e => e);
        return events.Where(e => e.Kind == PlotEventKind.Deliver && e.Transitional
                                 && senders.TryGetValue(e.Message!, out var send) && send.Process == e.Process)
            .SelectMany(e => new[] { senders[e.Message!].Witness, e.Witness }).ToList();
    }

    /// <summary>
    /// Specification 4 (Figure 4): the first transitional configuration of two or more members in
    /// which something was delivered — its members' changes to it, what they delivered in it, and
    /// their next configuration change: processes that go together deliver the same set.
    /// </summary>
    public static IReadOnlyList<string> FailureAtomicity(IReadOnlyList<PlotEvent> events)
    {
        var transitional = FirstTransitional(events, withDeliveries: true);
        if (transitional is null) return [];
        return Changes(events, transitional)
            .Concat(events.Where(e => e.Kind == PlotEventKind.Deliver && e.Configuration == transitional).Select(e => e.Witness))
            .ToList();
    }

    /// <summary>
    /// Specification 5 (Figure 5): the first pair of messages m, m' of one configuration where the
    /// sender of m' delivered m before sending m' — so send(m) precedes send(m') — with every other
    /// process's deliveries of both, m before m'.
    /// </summary>
    public static IReadOnlyList<string> CausalDelivery(IReadOnlyList<PlotEvent> events)
    {
        var sends = events.Where(e => e.Kind == PlotEventKind.Send).OrderBy(e => e.Time).ToList();
        var deliveries = events.Where(e => e.Kind == PlotEventKind.Deliver).ToList();
        foreach (var later in sends)
            foreach (var earlier in sends.Where(s => s.Process != later.Process && s.Configuration == later.Configuration))
            {
                var seen = deliveries.FirstOrDefault(d => d.Process == later.Process && d.Message == earlier.Message && d.Index < later.Index);
                if (seen is null) continue;
                var others = deliveries.Where(d => d.Process != later.Process && (d.Message == earlier.Message || d.Message == later.Message));
                return [earlier.Witness, seen.Witness, later.Witness, .. others.Select(d => d.Witness)];
            }
        return [];
    }

    private static string? FirstTransitional(IReadOnlyList<PlotEvent> events, bool withDeliveries)
    {
        var delivered = events.Where(e => e.Kind == PlotEventKind.Deliver).Select(e => e.Configuration).ToHashSet();
        return events.Where(e => e.Kind == PlotEventKind.ConfigurationChange && e.Transitional && e.Members!.Count >= 2
                                 && (!withDeliveries || delivered.Contains(e.Configuration)))
            .OrderBy(e => e.Time).FirstOrDefault()?.Configuration;
    }

    // Each member's change to the configuration, and that member's next configuration change.
    private static List<string> Changes(IReadOnlyList<PlotEvent> events, string configuration)
    {
        var witnesses = new List<string>();
        foreach (var change in events.Where(e => e.Kind == PlotEventKind.ConfigurationChange && e.Configuration == configuration))
        {
            witnesses.Add(change.Witness);
            var next = events.Where(e => e.Process == change.Process && e.Index > change.Index && e.Kind == PlotEventKind.ConfigurationChange)
                .OrderBy(e => e.Index).FirstOrDefault();
            if (next is not null) witnesses.Add(next.Witness);
        }
        return witnesses;
    }
}
