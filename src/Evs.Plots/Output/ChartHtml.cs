// No machine of this project reaches a CDN, and a student's notebook may be opened offline:
// every chart carries plotly.js inside it (PlotlyJSReference.Full), as a standalone page for
// files and as a fragment for a notebook's HTML output.
using Plotly.NET;

namespace Evs.Plots.Output;

/// <summary>Charts as HTML with plotly.js embedded.</summary>
public static class ChartHtml
{
    /// <summary>A whole page: open it in a browser, or screenshot it with <see cref="Chromium"/>.</summary>
    public static string Page(GenericChart chart) => GenericChart.toEmbeddedHTML(WithPlotlyInside(chart));

    /// <summary>
    /// One page of several charts, one under the other (Figure 7: a run and its filtered history).
    /// plotly.js is embedded once, with the first.
    /// </summary>
    public static string Page(IReadOnlyList<GenericChart> charts)
    {
        string first = Page(charts[0]);
        string rest = string.Concat(charts.Skip(1).Select(GenericChart.toChartHTML));
        int end = first.LastIndexOf("</body>", StringComparison.Ordinal);
        return first[..end] + rest + first[end..];
    }

    /// <summary>Writes <see cref="Page(GenericChart)"/> to <paramref name="path"/>.</summary>
    public static void Save(GenericChart chart, string path) => File.WriteAllText(path, Page(chart));

    /// <summary>
    /// A fragment for a notebook cell's HTML output: one &lt;div&gt; holding plotly.js and the chart
    /// (a notebook shows HTML outputs inside its own page, so a document's head and body are unwrapped).
    /// </summary>
    public static string Fragment(GenericChart chart)
    {
        string page = Page(chart);
        return $"<div class=\"evs-plot\">{Between(page, "<head>", "</head>")}{Between(page, "<body>", "</body>")}</div>";
    }

    private static GenericChart WithPlotlyInside(GenericChart chart) =>
        Chart.withDisplayOptionsStyle(null, null, null, null, null, null, PlotlyJSReference.Full).Invoke(chart);

    private static string Between(string text, string open, string close)
    {
        int start = text.IndexOf(open, StringComparison.Ordinal);
        int end = text.LastIndexOf(close, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException($"Plotly.NET's page has no {open}…{close}");
        return text[(start + open.Length)..end];
    }
}
