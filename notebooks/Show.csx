// The display helpers every notebook of the course loads (#load "Show.csx", after the #r of
// Evs.Reference.dll): a delivery diagram and a checker's verdicts as HTML tables, so that the
// notebooks' own cells stay about the paper rather than about HTML. Each returns an HTML string,
// shown with .DisplayAs("text/html"), which works the same in every C# kernel and in `evs notebook run`.
using System.IO;
using System.Net;
using System.Text;
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.Visualization;

/// <summary>
/// A delivery diagram (Visualization/DeliveryDiagram) as a table: one column per process, one row
/// per logical event in the paper's ord order; regular configurations green, transitional ones
/// amber, failures red, folded runs of uneventful messages grey. Under it, why the times down the
/// first column need not increase, and the legend, symbol by symbol.
/// </summary>
static string DiagramHtml(DeliveryDiagram diagram)
{
    var html = new StringBuilder("<table style=\"font-family:monospace;border-collapse:collapse\"><tr><th>t (ms)</th><th>event</th>");
    foreach (var p in diagram.Processes) html.Append($"<th style=\"padding:0 .8em\">{WebUtility.HtmlEncode(p.Name)}</th>");
    html.Append("</tr>");
    foreach (var row in diagram.Rows)
    {
        html.Append($"<tr style=\"background:{RowColour(row.Kind)}\"><td>{row.Time:0}</td><td style=\"text-align:left\">{WebUtility.HtmlEncode(row.Label)}</td>");
        foreach (var p in diagram.Processes)
            html.Append($"<td style=\"text-align:center\">{WebUtility.HtmlEncode(row.Cells.TryGetValue(p, out var cell) ? cell : DeliveryDiagram.NothingCell)}</td>");
        html.Append("</tr>");
    }
    html.Append("</table>");
    // Where concurrent events interleave, the time column reads 2011, 2013, 2011: say why under every diagram.
    html.Append("<p style=\"color:grey;max-width:46em\">Rows are in the paper's <i>ord</i> order, not time order: ord is its logical order "
        + "(Section 2), a total order consistent with causality that every process's deliveries respect. Events of different "
        + "processes that are concurrent are placed by that order, so the times in the t (ms) column need not increase down it.</p>");
    html.Append("<table style=\"color:grey;font-size:smaller;border-collapse:collapse\">");
    foreach (var entry in DeliveryDiagram.LegendEntries)
        html.Append($"<tr><td style=\"font-family:monospace;color:black;white-space:nowrap;text-align:center;padding:0 .8em;background:{RowColour(entry.Row)}\">{WebUtility.HtmlEncode(entry.Symbol)}</td>"
            + $"<td style=\"text-align:left;padding:0 .8em\">{WebUtility.HtmlEncode(entry.Meaning)}</td></tr>");
    return html.Append("</table>").ToString();
}

/// <summary>The background of a diagram row, and of the legend's symbols drawn in such rows.</summary>
static string RowColour(DiagramRowKind kind) => kind switch
{
    DiagramRowKind.RegularConfiguration => "#dff0d8",
    DiagramRowKind.TransitionalConfiguration => "#fcf0c8",
    DiagramRowKind.Failure => "#f2dede",
    DiagramRowKind.Elided => "#eeeeee",
    _ => "transparent",
};

/// <summary>A checker's report as a table: each specification, what it says, and pass or FAIL with the witnessing events (process#index).</summary>
static string VerdictsHtml(CheckReport report)
{
    var html = new StringBuilder("<table><tr><th>spec</th><th>what it says</th><th>verdict</th></tr>");
    foreach (var v in report.Verdicts)
    {
        string verdict = v.Violation is { } x
            ? $"<span style=\"color:#a00\">FAIL {WebUtility.HtmlEncode(string.Join(", ", x.Events))}: {WebUtility.HtmlEncode(x.Message)}</span>"
            : "<span style=\"color:#080\">pass</span>";
        html.Append($"<tr><td>{v.Spec}</td><td style=\"text-align:left\">{WebUtility.HtmlEncode(v.Title)}</td><td style=\"text-align:left\">{verdict}</td></tr>");
    }
    return html.Append("</table>").ToString();
}

/// <summary>Events as the trace file writes them (docs/TRACE.md), one JSON line each: what a student finds in a .jsonl file.</summary>
static string JsonLines(IEnumerable<EvsEvent> events)
{
    using var stream = new MemoryStream();
    using var writer = new Evs.Reference.Tracing.TraceWriter(stream, ownsStream: false);
    foreach (var e in events) writer.Write(e);
    writer.Flush(); // the event lines only: taken before the writer closes them with the end line
    return Encoding.UTF8.GetString(stream.ToArray());
}

/// <summary>A run's summary in a few lines: configurations, messages sent and delivered per service, virtual time, whether it settled.</summary>
static string SummaryText(Evs.Reference.Simulation.SimulationSummary s) =>
    $"configurations: {s.Configurations}\n"
    + $"sent:      {string.Join(", ", s.Sent.OrderBy(x => x.Key).Select(x => $"{x.Key} {x.Value}"))}\n"
    + $"delivered: {string.Join(", ", s.Delivered.OrderBy(x => x.Key).Select(x => $"{x.Key} {x.Value}"))}\n"
    + $"virtual time: {s.VirtualMs:0} ms, packets: {s.PacketsSent} ({s.PacketsLost} lost), quiescent: {s.Quiescent}";
