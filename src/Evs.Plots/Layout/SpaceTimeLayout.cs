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

    /// <summary>The trace's time in milliseconds from the run's first event (virtual in the simulator), configuration changes kept apart (<see cref="ClockTime"/>).</summary>
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

/// <summary>
/// A configuration's label, at the right end of its bar; configurations whose bars are at nearly
/// one height share one label, after the rightmost of them, so that no label is printed over
/// another or over a bar.
/// </summary>
public sealed record BandLabel(PlotPoint At, string Text);

/// <summary>A process's vertical line: one stretch per life, broken where it fails.</summary>
public sealed record ProcessLine(string Process, double X, IReadOnlyList<(double From, double To)> Lives);

/// <summary>
/// Everything a space-time diagram shows, placed. <see cref="Rows"/> is how many rows of text the
/// vertical axis needs to be tall enough for: one per logical row, or one per step of the
/// milliseconds axis.
/// </summary>
public sealed record SpaceTimeLayout(
    IReadOnlyList<ProcessLine> Processes,
    IReadOnlyList<SpaceTimeMark> Marks,
    IReadOnlyList<MessageLine> Messages,
    IReadOnlyList<ConfigurationBand> Bands,
    IReadOnlyList<BandLabel> Labels,
    string AxisTitle,
    int Rows)
{
    // Two labels closer than this many rows would overprint: a row is about 18 px, a line of text about 14.
    private const double LabelRows = 0.75;

    // How much of a column one character of a label takes: about 7.5 px of the 160 px a column is wide.
    private const double ColumnsPerCharacter = 0.047;

    /// <summary>Places the events of a history (see <see cref="PlotEvents"/>).</summary>
    public static SpaceTimeLayout Of(IReadOnlyList<PlotEvent> history, SpaceTimeOptions options)
    {
        var events = options.Compact ? PlotEvents.WithoutUneventful(history) : history;
        var column = events.Select(e => e.Process).Distinct().Order(StringComparer.Ordinal)
            .Select((p, i) => (p, i)).ToDictionary(x => x.p, x => (double)x.i);
        var rows = options.Axis == TimeAxis.Logical ? LogicalTime.Rows(events) : null;
        var clock = rows is null ? ClockTime.Of(events) : null;
        PlotPoint At(PlotEvent e) => new(column[e.Process], rows is null ? clock!.Y[e.Witness] : rows[e.Witness]);
        double row = clock?.Step ?? 1;
        var highlight = options.Highlight ?? [];
        var marks = events.Select(e => new SpaceTimeMark(e, At(e), highlight.Contains(e.Witness), Hover(e))).ToList();
        var bands = BandsOf(marks);
        double lowest = marks.Select(m => m.At.Y).DefaultIfEmpty(0).Max();
        return new SpaceTimeLayout(
            ProcessLinesOf(marks, column),
            marks,
            MessageLinesOf(marks),
            bands,
            LabelsOf(bands, LabelRows * row),
            rows is null ? "time (ms from the first event)" : "logical time (ord)",
            rows is null ? (int)Math.Ceiling(lowest / row) + 1 : rows.Values.Distinct().Count());
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

    // Each bar's label at its right end, except where bars lie at nearly one height: those share
    // one label after the rightmost of them, their labels in the order of their columns.
    private static List<BandLabel> LabelsOf(List<ConfigurationBand> bands, double closest)
    {
        var labels = new List<BandLabel>();
        var ends = bands.Select(b => (Band: b, End: b.Segments[^1][^1])).OrderBy(b => b.End.Y).ToList();
        for (int first = 0; first < ends.Count;)
        {
            int next = first + 1;
            while (next < ends.Count && ends[next].End.Y - ends[first].End.Y < closest) next++;
            var together = ends.GetRange(first, next - first);
            var rightmost = together.MaxBy(b => b.End.X);
            string text = string.Join("  ·  ", together.OrderBy(b => b.Band.Segments[0][0].X).Select(b => b.Band.Label));
            labels.Add(new BandLabel(new PlotPoint(rightmost.End.X + 0.35, together.Average(b => b.End.Y)), text));
            first = next;
        }
        return labels;
    }

    /// <summary>About how many columns wide <paramref name="text"/> is drawn: for the room the picture leaves beside its columns.</summary>
    public static double Width(string text) => text.Length * ColumnsPerCharacter;

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
        string text = e.Text is { } t ? $"<br>“{System.Net.WebUtility.HtmlEncode(t)}”" : "";
        return $"{what}{text}<br>{e.Witness}, t = {e.Time:0.###} ms";
    }
}
