// A picture of a history for people: one column per process, one row per logical event —
// a configuration change, a message's deliveries, a failure. Rows follow the paper's ord
// function (Checking/Ord.cs; Specifications 6.1 and 6.2: deliveries of one message, and
// deliveries of one configuration change, happen at one logical time), so every column reads
// top to bottom in that process's own order, and a message is sent above its deliveries.
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Visualization;

/// <summary>What a row of the diagram shows.</summary>
public enum DiagramRowKind
{
    /// <summary>A regular configuration is installed.</summary>
    RegularConfiguration,

    /// <summary>A transitional configuration is installed.</summary>
    TransitionalConfiguration,

    /// <summary>A message is sent and delivered.</summary>
    Message,

    /// <summary>A process fails.</summary>
    Failure,

    /// <summary>In a compact diagram: a run of messages each delivered by every member of the regular configuration it was sent in.</summary>
    Elided,
}

/// <summary>What a symbol of the diagram means, and the kind of row it is drawn in (which gives it its colour).</summary>
public sealed record LegendEntry(string Symbol, string Meaning, DiagramRowKind Row);

/// <summary>One row: a logical event (a configuration change, a send, the deliveries of one message, a failure) and what each process did in it (no cell: nothing).</summary>
public sealed record DiagramRow(double Time, DiagramRowKind Kind, string Label, IReadOnlyDictionary<ProcessId, string> Cells);

/// <summary>The whole diagram: its columns and rows.</summary>
public sealed record DeliveryDiagram(IReadOnlyList<ProcessId> Processes, IReadOnlyList<DiagramRow> Rows)
{
    /// <summary>
    /// Builds the diagram of a trace. A <paramref name="compact"/> diagram folds each run of
    /// uneventful messages — sent in a regular configuration and delivered there by every one of
    /// its members — into one row, and keeps the rows the paper's figures are about: configuration
    /// changes, failures, and messages delivered in a transitional configuration or not by all.
    /// </summary>
    public static DeliveryDiagram Of(EvsTrace trace, bool compact = false)
    {
        var transitional = trace.Events.OfType<DeliverConf>()
            .Where(c => c.Kind == ConfigurationKind.Transitional).Select(c => c.Conf).ToHashSet();
        var columns = trace.Events.GroupBy(e => e.Process)
            .Select(g => (g.Key, (IReadOnlyList<Entry>)g.OrderBy(e => e.Index).Select(e => EntryOf(e, transitional)).ToList()));
        return Build(columns, compact ? Uneventful(trace).ToHashSet() : null);
    }

    /// <summary>
    /// The same picture of a virtual synchrony history (docs/VS-TRACE.md): one column per virtual
    /// synchrony identifier, rows for views, messages and stops. Compact folds the messages
    /// delivered by every member of the view they were sent in.
    /// </summary>
    public static DeliveryDiagram Of(VsTrace trace, bool compact = false)
    {
        var columns = trace.Events.GroupBy(e => e.Process)
            .Select(g => (new ProcessId(g.Key), (IReadOnlyList<Entry>)g.OrderBy(e => e.Index).Select(EntryOf).ToList()));
        return Build(columns, compact ? Uneventful(trace).ToHashSet() : null);
    }

    /// <summary>
    /// One event as the diagram shows it: its row (key, kind, label), time, the cell of its process,
    /// and for a delivery the key of the row of its message's send.
    /// </summary>
    private sealed record Entry(string Key, DiagramRowKind Kind, string Label, double Time, string Cell, string? SendKey = null);

    // Rows in ord; with uneventful messages, runs of them folded. The events that ord numbers are
    // the entries column by column, each column in its process's order, except that a process
    // repeating a row (a broken history) is one event, drawn in one cell, not a cycle.
    private static DeliveryDiagram Build(IEnumerable<(ProcessId Process, IReadOnlyList<Entry> Entries)> columns, HashSet<string>? uneventful)
    {
        var ordered = columns.OrderBy(c => c.Process, ProcessId.Ordinal).ToList();
        var rows = new Dictionary<string, RowBuilder>();
        var rowOf = new List<RowBuilder>();
        var processOf = new List<int>();
        for (int p = 0; p < ordered.Count; p++)
        {
            foreach (var e in ordered[p].Entries)
            {
                if (!rows.TryGetValue(e.Key, out var row)) rows[e.Key] = row = new RowBuilder(e.Key, e.Kind, e.Label, e.Time, rowOf.Count, e.SendKey);
                row.Time = Math.Min(row.Time, e.Time);
                row.Add(ordered[p].Process, e.Cell);
                if (processOf.Count > 0 && processOf[^1] == p && rowOf[^1] == row) continue;
                rowOf.Add(row);
                processOf.Add(p);
            }
        }
        var order = InOrd(rows, rowOf, processOf);
        var diagramRows = order.Select(r => new DiagramRow(r.Time, r.Kind, r.Label, r.Cells)).ToList();
        if (uneventful is not null)
            diagramRows = Fold(diagramRows, order.Select(r => r.Key.Length > 2 && uneventful.Contains(r.Key[2..])).ToList());
        return new DeliveryDiagram(ordered.Select(c => c.Process).ToList(), diagramRows);
    }

    // The messages sent in a regular configuration and delivered there, and only there, by every member.
    private static IEnumerable<string> Uneventful(EvsTrace trace)
    {
        var members = trace.Events.OfType<DeliverConf>().GroupBy(c => c.Conf).ToDictionary(g => g.Key, g => g.First().Members.ToHashSet());
        var sentIn = trace.Events.OfType<Send>().GroupBy(x => x.Message).ToDictionary(g => g.Key, g => g.First().Conf);
        foreach (var deliveries in trace.Events.OfType<Deliver>().GroupBy(d => d.Message))
        {
            if (!sentIn.TryGetValue(deliveries.Key, out var c) || !members.TryGetValue(c, out var all)) continue;
            if (deliveries.All(d => d.Conf == c) && all.SetEquals(deliveries.Select(d => d.Process))) yield return deliveries.Key.Name;
        }
    }

    // Consecutive uneventful message rows become one row that says how many messages there were:
    // delivered by all, or, for a run of sends whose deliveries come further down, sent.
    private static List<DiagramRow> Fold(List<DiagramRow> rows, List<bool> uneventful)
    {
        var folded = new List<DiagramRow>();
        var run = new List<DiagramRow>();
        void Flush()
        {
            if (run.Count == 0) return;
            int delivered = run.Count(r => !r.Label.EndsWith(" sent", StringComparison.Ordinal));
            int messages = delivered > 0 ? delivered : run.Count;
            string what = delivered > 0 ? "delivered by all" : "sent";
            folded.Add(new DiagramRow(run[0].Time, DiagramRowKind.Elided, $"{FoldedMark} {messages} message{(messages == 1 ? "" : "s")} {what}", new Dictionary<ProcessId, string>()));
            run.Clear();
        }
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (uneventful[i]) run.Add(row);
            else
            {
                Flush();
                folded.Add(row);
            }
        }
        Flush();
        return folded;
    }

    // A cell says what the process did in this row (see LegendEntries): installed the configuration,
    // sent the message, delivered it (and in which kind of configuration), or failed.
    private static Entry EntryOf(EvsEvent e, HashSet<ConfigurationId> transitional) => e switch
    {
        DeliverConf { Kind: ConfigurationKind.Regular } c => new("c:" + c.Conf.Name, DiagramRowKind.RegularConfiguration,
            $"regular {c.Conf} {{{string.Join(",", c.Members)}}}{(c.Primary is { } primary ? primary ? " primary" : " non-primary" : "")}", e.Time, RegularCell),
        DeliverConf c => new("c:" + c.Conf.Name, DiagramRowKind.TransitionalConfiguration, $"transitional {c.Conf} {{{string.Join(",", c.Members)}}}", e.Time, TransitionalCell),
        Send s => new("s:" + s.Message.Name, DiagramRowKind.Message, $"{s.Message} {s.Service.ToName()} sent", e.Time, SentCell),
        Deliver d => new("m:" + d.Message.Name, DiagramRowKind.Message, $"{d.Message} {d.Service.ToName()}", e.Time, transitional.Contains(d.Conf) ? DeliveredInTransitionalCell : DeliveredCell, "s:" + d.Message.Name),
        Fail f => new($"f:{f.Process}#{f.Index}", DiagramRowKind.Failure, $"{f.Process} fails in {f.Conf}", e.Time, FailedCell),
        _ => throw new ArgumentException($"unknown event {e}", nameof(e)),
    };

    // The same for virtual synchrony: a view is shown like a regular configuration, a stop like a failure.
    private static Entry EntryOf(VsEvent e) => e switch
    {
        ViewChange v => new("c:" + v.View, DiagramRowKind.RegularConfiguration, $"view {v.View} {{{string.Join(",", v.Members)}}}", e.Time, RegularCell),
        VsSend s => new("s:" + s.Message.Name, DiagramRowKind.Message, $"{s.Message} {s.Service.ToName()} sent", e.Time, SentCell),
        VsDeliver d => new("m:" + d.Message.Name, DiagramRowKind.Message, $"{d.Message} {d.Service.ToName()}", e.Time, DeliveredCell, "s:" + d.Message.Name),
        Stop => new($"f:{e.Process}#{e.Index}", DiagramRowKind.Failure, $"{e.Process} stops", e.Time, StoppedCell),
        _ => throw new ArgumentException($"unknown event {e}", nameof(e)),
    };

    // The messages delivered by every member of the view they were sent in.
    private static IEnumerable<string> Uneventful(VsTrace trace)
    {
        var members = trace.Events.OfType<ViewChange>().GroupBy(v => v.View).ToDictionary(g => g.Key, g => g.First().Members.ToHashSet());
        var viewOf = new Dictionary<VsEvent, string>();
        foreach (var process in trace.Events.GroupBy(e => e.Process))
        {
            string? view = null;
            foreach (var e in process.OrderBy(e => e.Index))
            {
                if (e is ViewChange v) view = v.View;
                else if (view is not null) viewOf[e] = view;
            }
        }
        var sentIn = trace.Events.OfType<VsSend>().Where(viewOf.ContainsKey).GroupBy(s => s.Message).ToDictionary(g => g.Key, g => viewOf[g.First()]);
        foreach (var deliveries in trace.Events.OfType<VsDeliver>().GroupBy(d => d.Message))
        {
            if (!sentIn.TryGetValue(deliveries.Key, out var view) || !members.TryGetValue(view, out var all)) continue;
            if (deliveries.All(d => viewOf.GetValueOrDefault(d) == view) && all.SetEquals(deliveries.Select(d => d.Process))) yield return deliveries.Key.Name;
        }
    }

    /// <summary>The cell of a process that did nothing in a row; the diagram leaves such cells out, and whoever draws it fills them with this.</summary>
    public const string NothingCell = "·";

    private const string RegularCell = "═════", TransitionalCell = "─────", SentCell = "sent", DeliveredCell = "✓",
        DeliveredInTransitionalCell = "✓ T", FailedCell = "✗ fails", StoppedCell = "✗ stop", FoldedMark = "⋮";

    /// <summary>
    /// What the symbols mean, one entry each, for a legend under the diagram: the cells, and the mark
    /// that opens the event of a folded row of a compact diagram.
    /// </summary>
    public static IReadOnlyList<LegendEntry> LegendEntries { get; } =
    [
        new(RegularCell, "installs a regular configuration (a view, in virtual synchrony)", DiagramRowKind.RegularConfiguration),
        new(TransitionalCell, "installs a transitional configuration", DiagramRowKind.TransitionalConfiguration),
        new(SentCell, "sends the row's message", DiagramRowKind.Message),
        new(DeliveredCell, "delivers it", DiagramRowKind.Message),
        new(DeliveredInTransitionalCell, "delivers it in a transitional configuration", DiagramRowKind.Message),
        new(FailedCell, "fails (the paper's fail event)", DiagramRowKind.Failure),
        new(StoppedCell, "stops: virtual synchrony's final event of a failed process", DiagramRowKind.Failure),
        new(NothingCell, "no event of this process in the row", DiagramRowKind.Message),
        new(FoldedMark, "messages folded into one row, each delivered by every member of the configuration it was sent in", DiagramRowKind.Elided),
    ];

    /// <summary>The legend on one line, for a terminal: <see cref="LegendEntries"/> one after the other.</summary>
    public static string Legend { get; } = string.Join("   ", LegendEntries.Select(e => $"{e.Symbol} = {e.Meaning}"));

    // The rows in ord (-> being local order and send -> deliver), the earliest first of those that
    // may come next. Rows with no ord (on a cycle of a broken history, or after one) follow in time
    // order, so a diagram is drawn even of a trace that the checker rejects.
    private static List<RowBuilder> InOrd(Dictionary<string, RowBuilder> rows, List<RowBuilder> rowOf, List<int> processOf)
    {
        var graph = new EventGraph([.. processOf], e => rowOf[e].SendKey is { } send && rows.TryGetValue(send, out var sent) ? sent.FirstEvent : -1);
        var ord = Ord.Of(graph, [.. rowOf.Select(r => r.FirstEvent)], [.. rowOf.Select(r => r.Time)]);
        var rowAt = rows.Values.ToDictionary(r => r.FirstEvent);
        return [.. ord.Order.Concat(ord.Unordered).Select(first => rowAt[first])];
    }

    // A row as it is collected: FirstEvent is the number of its first event, which names its node in ord.
    private sealed class RowBuilder(string key, DiagramRowKind kind, string label, double time, int firstEvent, string? sendKey)
    {
        public string Key { get; } = key;
        public DiagramRowKind Kind { get; } = kind;
        public string Label { get; } = label;
        public double Time { get; set; } = time;
        public int FirstEvent { get; } = firstEvent;
        public string? SendKey { get; } = sendKey;
        public Dictionary<ProcessId, string> Cells { get; } = new();

        public void Add(ProcessId process, string cell) => Cells[process] = cell;
    }
}
