// The paper's figures are drawn in logical time: the ord function of Specification 6, under
// which every delivery of one message, and every delivery of one configuration change, happens
// at one logical time (6.2), and which respects each process's own order (1.2, 6.1). This class
// gives each event a row number with those properties, as the terminal DeliveryDiagram does:
// a topological sort of the processes' local orders, deliveries of one message and changes to
// one configuration merged into one row.
namespace Evs.Plots.Layout;

/// <summary>Logical rows (0, 1, 2, …) for the events of a history.</summary>
public static class LogicalTime
{
    /// <summary>
    /// Each event's row, keyed by its witness name (<c>p#3</c>). Rows free at the same moment of
    /// the sort come in order of virtual time, so the picture stays close to what happened; events
    /// on a cycle (a broken history) follow in time order, so even a rejected trace is drawn.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Rows(IReadOnlyList<PlotEvent> events)
    {
        var rows = new Dictionary<string, Row>();
        var rowOf = new Dictionary<string, Row>();
        foreach (var process in events.GroupBy(e => e.Process))
        {
            Row? previous = null;
            foreach (var e in process.OrderBy(e => e.Index))
            {
                string key = RowKey(e);
                if (!rows.TryGetValue(key, out var row)) rows[key] = row = new Row(rows.Count, e.Time);
                row.Time = Math.Min(row.Time, e.Time);
                rowOf[e.Witness] = row;
                if (previous is not null && previous != row && previous.Next.Add(row)) row.Waiting++;
                previous = row;
            }
        }
        var ordered = TopologicalOrder(rows.Values);
        var number = ordered.Select((row, i) => (row, i)).ToDictionary(x => x.row, x => x.i);
        return rowOf.ToDictionary(x => x.Key, x => number[x.Value]);
    }

    // Specification 6.2: one row per message delivered and per configuration installed; a send
    // or a failure is a row of its own.
    private static string RowKey(PlotEvent e) => e.Kind switch
    {
        PlotEventKind.Deliver => "m:" + e.Message,
        PlotEventKind.ConfigurationChange => "c:" + e.Configuration,
        _ => "e:" + e.Witness,
    };

    // Kahn's algorithm; among the rows that are free, the earliest in virtual time first.
    private static List<Row> TopologicalOrder(IEnumerable<Row> all)
    {
        var rows = all.ToList();
        var free = new PriorityQueue<Row, (double, int)>();
        foreach (var row in rows.Where(r => r.Waiting == 0)) free.Enqueue(row, (row.Time, row.FirstSeen));
        var ordered = new List<Row>();
        while (free.TryDequeue(out var row, out _))
        {
            ordered.Add(row);
            foreach (var next in row.Next)
                if (--next.Waiting == 0) free.Enqueue(next, (next.Time, next.FirstSeen));
        }
        var placed = ordered.ToHashSet();
        ordered.AddRange(rows.Where(r => !placed.Contains(r)).OrderBy(r => r.Time).ThenBy(r => r.FirstSeen));
        return ordered;
    }

    private sealed class Row(int firstSeen, double time)
    {
        public int FirstSeen { get; } = firstSeen;
        public double Time { get; set; } = time;
        public HashSet<Row> Next { get; } = [];
        public int Waiting { get; set; }
    }
}
