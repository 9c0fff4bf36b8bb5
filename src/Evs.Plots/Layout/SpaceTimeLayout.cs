// The paper's Figures 1-7 are space-time diagrams: "vertical lines correspond to processes",
// events are marks on them, time runs downwards, and configuration changes cut across the
// members' lines. This file decides where everything goes — pure data, no Plotly — so that the
// picture can be tested without drawing it, and SpaceTimeChart only draws.
namespace Evs.Plots.Layout;

/// <summary>What the vertical axis of a space-time diagram measures.</summary>
public enum TimeAxis
{
    /// <summary>The paper's logical time (ord, Specification 6): every delivery of a message on one row.</summary>
    Logical,

    /// <summary>The trace's time in milliseconds (virtual in the simulator).</summary>
    Milliseconds,
}

/// <summary>How to draw a space-time diagram.</summary>
/// <param name="Axis">Logical rows (like the paper's figures) or milliseconds.</param>
/// <param name="Compact">Leave out the messages delivered by every member of the configuration they were sent in, and only there.</param>
/// <param name="Highlight">Events to mark with a star, by witness name (<c>p#3</c>): for a figure, the events a specification talks about.</param>
/// <param name="Title">The title over the diagram.</param>
public sealed record SpaceTimeOptions(
    TimeAxis Axis = TimeAxis.Logical, bool Compact = false, IReadOnlyCollection<string>? Highlight = null, string? Title = null);

/// <summary>A point of the diagram: x is the process's column, y the time (growing downwards).</summary>
public readonly record struct PlotPoint(double X, double Y);

/// <summary>One event where it is drawn, with its hover text; <see cref="Highlighted"/> if the options asked for it.</summary>
public sealed record SpaceTimeMark(PlotEvent Event, PlotPoint At, bool Highlighted, string Hover);

/// <summary>A message: its send joined to each of its deliveries (<see cref="From"/> is null when the send is not in the history).</summary>
public sealed record MessageLine(string Message, string Service, PlotPoint? From, IReadOnlyList<PlotPoint> To);

/// <summary>
/// A configuration change cutting across its members' lines: one segment per run of adjacent
/// columns that install it (a member that never installed it is not crossed).
/// </summary>
public sealed record ConfigurationBand(
    string Configuration, bool Transitional, bool? Primary, IReadOnlyList<string> Members,
    IReadOnlyList<IReadOnlyList<PlotPoint>> Segments, string Label);

/// <summary>A process's vertical line: one stretch per life, broken where it fails.</summary>
public sealed record ProcessLine(string Process, double X, IReadOnlyList<(double From, double To)> Lives);

/// <summary>Everything a space-time diagram shows, placed.</summary>
public sealed record SpaceTimeLayout(
    IReadOnlyList<ProcessLine> Processes,
    IReadOnlyList<SpaceTimeMark> Marks,
    IReadOnlyList<MessageLine> Messages,
    IReadOnlyList<ConfigurationBand> Bands,
    string AxisTitle)
{
    /// <summary>Places the events of a history (see <see cref="PlotEvents"/>).</summary>
    public static SpaceTimeLayout Of(IReadOnlyList<PlotEvent> history, SpaceTimeOptions options)
    {
        var events = options.Compact ? PlotEvents.WithoutUneventful(history) : history;
        var column = events.Select(e => e.Process).Distinct().Order(StringComparer.Ordinal)
            .Select((p, i) => (p, i)).ToDictionary(x => x.p, x => (double)x.i);
        var rows = options.Axis == TimeAxis.Logical ? LogicalTime.Rows(events) : null;
        PlotPoint At(PlotEvent e) => new(column[e.Process], rows is null ? e.Time : rows[e.Witness]);
        var highlight = options.Highlight ?? [];
        var marks = events.Select(e => new SpaceTimeMark(e, At(e), highlight.Contains(e.Witness), Hover(e))).ToList();
        return new SpaceTimeLayout(
            ProcessLinesOf(marks, column),
            marks,
            MessageLinesOf(marks),
            BandsOf(marks),
            rows is null ? "time (ms)" : "logical time (ord)");
    }

    private static List<ProcessLine> ProcessLinesOf(List<SpaceTimeMark> marks, Dictionary<string, double> column) =>
        column.Select(c =>
        {
            var lives = new List<(double, double)>();
            double? start = null, last = null;
            foreach (var m in marks.Where(m => m.Event.Process == c.Key))
            {
                start ??= m.At.Y;
                last = m.At.Y;
                if (m.Event.Kind != PlotEventKind.Fail) continue;
                lives.Add((start.Value, last.Value));
                start = null;
            }
            if (start is { } s) lives.Add((s, last!.Value));
            return new ProcessLine(c.Key, c.Value, lives);
        }).ToList();

    private static List<MessageLine> MessageLinesOf(List<SpaceTimeMark> marks)
    {
        var sends = marks.Where(m => m.Event.Kind == PlotEventKind.Send).ToDictionary(m => m.Event.Message!, m => m.At);
        return marks.Where(m => m.Event.Kind == PlotEventKind.Deliver).GroupBy(m => m.Event.Message!)
            .Select(d => new MessageLine(d.Key, d.First().Event.Service!, sends.TryGetValue(d.Key, out var s) ? s : null, d.Select(m => m.At).ToList()))
            .ToList();
    }

    private static List<ConfigurationBand> BandsOf(List<SpaceTimeMark> marks) =>
        marks.Where(m => m.Event.Kind == PlotEventKind.ConfigurationChange).GroupBy(m => m.Event.Configuration).Select(g =>
        {
            var first = g.First().Event;
            var points = g.Select(m => m.At).OrderBy(p => p.X).ToList();
            var segments = new List<IReadOnlyList<PlotPoint>>();
            foreach (var p in points)
            {
                if (segments.Count > 0 && segments[^1][^1].X == p.X - 1) ((List<PlotPoint>)segments[^1]).Add(p);
                else segments.Add(new List<PlotPoint> { p });
            }
            string members = "{" + string.Join(",", first.Members!) + "}";
            string label = first.Transitional ? members + " transitional"
                : first.Primary is { } primary ? members + (primary ? " primary" : " non-primary") : members;
            return new ConfigurationBand(first.Configuration, first.Transitional, first.Primary, first.Members!, segments, label);
        }).ToList();

    // What hovering over an event tells: what it is, the message, the configuration, the service.
    private static string Hover(PlotEvent e)
    {
        string what = e.Kind switch
        {
            PlotEventKind.ConfigurationChange => $"{e.Process} installs {(e.Transitional ? "transitional" : "regular")} {e.Configuration} {{{string.Join(",", e.Members!)}}}",
            PlotEventKind.Send => $"{e.Process} sends {e.Message} ({e.Service}) in {e.Configuration}",
            PlotEventKind.Deliver => $"{e.Process} delivers {e.Message} ({e.Service}) in {(e.Transitional ? "transitional " : "")}{e.Configuration}",
            _ => $"{e.Process} fails in {e.Configuration}",
        };
        return $"{what}<br>{e.Witness}, t = {e.Time:0.###} ms";
    }
}
