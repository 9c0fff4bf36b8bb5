// The paper's figures are drawn in logical time: the ord function of Specification 6, under
// which every delivery of one message, and every delivery of one configuration change, happens
// at one logical time (6.2), and which grows along -> (6.1): each process's own order (1.2) and
// send before deliver (1.3). The core computes ord (Evs.Reference.Checking.Ord), as it does for
// the checker and the terminal DeliveryDiagram; this class numbers the plotted events for it and
// turns its order into row numbers.
using Evs.Reference.Checking;

namespace Evs.Plots.Layout;

/// <summary>Logical rows (0, 1, 2, …) for the events of a history.</summary>
public static class LogicalTime
{
    /// <summary>
    /// Each event's row, keyed by its witness name (<c>p#3</c>): its place in ord. Rows that may
    /// come next at the same point come in order of virtual time, so the picture stays close to
    /// what happened; events with no ord (on a cycle of a broken history, or after one) follow
    /// in time order, so even a rejected trace is drawn.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Rows(IReadOnlyList<PlotEvent> events)
    {
        var numbered = Numbered(events);
        var node = new int[numbered.Count];
        var firstOfRow = new Dictionary<string, int>();
        for (int e = 0; e < numbered.Count; e++)
            node[e] = firstOfRow.TryAdd(RowKey(numbered[e][0]), e) ? e : firstOfRow[RowKey(numbered[e][0])];
        var graph = new EventGraph(ProcessNumbers(numbered), SendDelivered(numbered));
        var ord = Ord.Of(graph, node, [.. numbered.Select(run => run.Min(x => x.Time))]);
        var row = new Dictionary<int, int>();
        foreach (int first in ord.Order.Concat(ord.Unordered)) row[first] = row.Count;
        var rows = new Dictionary<string, int>();
        for (int e = 0; e < numbered.Count; e++)
            foreach (var x in numbered[e]) rows[x.Witness] = row[node[e]];
        return rows;
    }

    // The events that ord numbers: process by process (in order of first appearance), each in its
    // own order; a run of events of one row at a process (a broken history) is one event, on one row.
    private static List<List<PlotEvent>> Numbered(IReadOnlyList<PlotEvent> events)
    {
        var numbered = new List<List<PlotEvent>>();
        foreach (var process in events.GroupBy(e => e.Process))
        {
            List<PlotEvent>? run = null;
            foreach (var e in process.OrderBy(e => e.Index))
            {
                if (run is not null && RowKey(run[0]) == RowKey(e)) run.Add(e);
                else numbered.Add(run = [e]);
            }
        }
        return numbered;
    }

    private static int[] ProcessNumbers(List<List<PlotEvent>> numbered)
    {
        var number = new Dictionary<string, int>();
        return [.. numbered.Select(run => number.TryAdd(run[0].Process, number.Count) ? number.Count - 1 : number[run[0].Process])];
    }

    // Specification 1.3: a delivery follows the (first) send of its message.
    private static Func<int, int> SendDelivered(List<List<PlotEvent>> numbered)
    {
        var sendOf = new Dictionary<string, int>();
        for (int e = 0; e < numbered.Count; e++)
            if (numbered[e][0] is { Kind: PlotEventKind.Send, Message: { } m }) sendOf.TryAdd(m, e);
        return e => numbered[e][0] is { Kind: PlotEventKind.Deliver, Message: { } m } && sendOf.TryGetValue(m, out int s) ? s : -1;
    }

    // Specification 6.2: one row per message delivered and per configuration installed; a send
    // or a failure is a row of its own.
    private static string RowKey(PlotEvent e) => e.Kind switch
    {
        PlotEventKind.Deliver => "m:" + e.Message,
        PlotEventKind.ConfigurationChange => "c:" + e.Configuration,
        _ => "e:" + e.Witness,
    };
}
