// No machine of this project reaches a CDN, and a student's notebook may be opened offline:
// plotly.js travels with the charts (PlotlyJSReference.Full). A standalone page for a file
// carries it inside; a notebook's page carries it once (PlotlyLoader), and its charts are
// fragments that draw with that one copy.
using System.Text.RegularExpressions;
using Plotly.NET;

namespace Evs.Plots.Output;

/// <summary>Charts as HTML with plotly.js embedded.</summary>
public static class ChartHtml
{
    /// <summary>
    /// A whole page: open it in a browser, or screenshot it with <see cref="Chromium"/> (at the
    /// chart's width). The chart takes the window's width, so that on a projector or a wide screen
    /// it fills the page instead of a third of it.
    /// </summary>
    public static string Page(GenericChart chart) => GenericChart.toEmbeddedHTML(WithPlotlyInside(FittingItsContainer(chart)));

    /// <summary>
    /// One page of several charts, one under the other (Figure 7: a run and its filtered history).
    /// plotly.js is embedded once, with the first.
    /// </summary>
    public static string Page(IReadOnlyList<GenericChart> charts)
    {
        string first = Page(charts[0]);
        string rest = string.Concat(charts.Skip(1).Select(c => GenericChart.toChartHTML(FittingItsContainer(c))));
        int end = first.LastIndexOf("</body>", StringComparison.Ordinal);
        return first[..end] + rest + first[end..];
    }

    /// <summary>Writes <see cref="Page(GenericChart)"/> to <paramref name="path"/>.</summary>
    public static void Save(GenericChart chart, string path) => File.WriteAllText(path, Page(chart));

    /// <summary>
    /// A fragment for a notebook cell's HTML output: the chart's &lt;div&gt; and the script that draws it
    /// once plotly.js is on the page, without plotly.js itself (3.6 MB): a notebook's page holds
    /// many outputs, and one <see cref="PlotlyLoader"/> among them serves every chart. Until
    /// plotly.js is there the div says what is missing, and the script keeps looking for a while,
    /// because a client may show an earlier output after a later one.
    /// </summary>
    public static string Fragment(GenericChart chart)
    {
        string html = GenericChart.toChartHTML(FittingItsContainer(chart));
        var call = Regex.Match(html, @"(renderPlotly_[0-9a-f]+)\(\);\s*</script>", RegexOptions.RightToLeft);
        var div = Regex.Match(html, "<div id=\"([^\"]+)\">");
        if (!call.Success || !div.Success) throw new InvalidOperationException("Plotly.NET's chart HTML no longer ends with the call that draws it");
        string draw = $"(function (draw, id) {{\n{WhenPlotlyIsThere}}})({call.Groups[1].Value}, \"{div.Groups[1].Value}\");\n</script>";
        return $"<div class=\"evs-plot\">{html[..call.Index]}{draw}{html[(call.Index + call.Length)..]}</div>";
    }

    // A page or a notebook's output area is as wide as the client makes it (about 1,000 px in the
    // classic Notebook, less in a narrow window, the whole screen on a projector): a chart there
    // takes the width it is given instead of the one it asks for, so that its right-hand side
    // (the legend, the configurations' labels) is never cut off and a wide window is filled. Its
    // height stays: that is what keeps a long run readable. (The chart's own layout loses its
    // width: a caller that needs it, ChartFiles for a PNG's size, reads it first.)
    private static GenericChart FittingItsContainer(GenericChart chart)
    {
        var layout = GenericChart.getLayout(chart);
        layout.RemoveProperty("width");
        layout.SetProperty("autosize", true);
        return GenericChart.setLayout(layout, chart);
    }

    /// <summary>
    /// plotly.js, once, for a page of <see cref="Fragment"/>s: a notebook shows it in its first
    /// cell. Classic Jupyter and nbconvert's pages load require.js, and plotly.js, seeing its
    /// <c>define</c>, would register itself as an anonymous module instead of setting the global
    /// <c>Plotly</c> the charts use (and require.js fails with "Mismatched anonymous define()"): so
    /// <c>define</c> is set aside while plotly.js runs and put back after it.
    /// </summary>
    public static string PlotlyLoader() =>
        "<div class=\"evs-plotly-js\" style=\"color:grey;font-size:smaller\">plotly.js "
        + Globals.PLOTLYJS_VERSION + " is on this page: the charts below draw with it.</div>\n"
        + "<script type=\"text/javascript\">window.evsDefineAside = window.define; window.define = undefined;</script>\n"
        + $"<script type=\"text/javascript\">{PlotlyJs.Value}</script>\n"
        + "<script type=\"text/javascript\">window.define = window.evsDefineAside; delete window.evsDefineAside;</script>";

    /// <summary>
    /// plotly.js itself, the copy Plotly.NET embeds (3.6 MB of JavaScript): for a page served by
    /// evs (the live view, <c>--web</c>) that loads it as a script of its own, never from a CDN.
    /// </summary>
    public static string PlotlyJavaScript() => PlotlyJs.Value;

    // The body of the function that draws a chart: now if plotly.js is there, else as soon as it
    // is, for up to a minute, with a word in the chart's place meanwhile.
    private const string WhenPlotlyIsThere = """
        var place = document.getElementById(id), waited = 0;
        var attempt = function () {
          if (window.Plotly) { place.textContent = ""; draw(); return; }
          place.textContent = "This chart draws with plotly.js, which is not on the page yet: run the notebook's first cell, which shows it (KernelPlots.PlotlyJsHtml()).";
          if ((waited += 200) <= 60000) setTimeout(attempt, 200);
        };
        attempt();
        """;

    // plotly.js as Plotly.NET embeds it in a standalone page: the first script of the page's head.
    private static readonly Lazy<string> PlotlyJs = new(() =>
    {
        string head = Between(Page(Plotly.NET.CSharp.Chart.Point<int, int, string>(new[] { 0 }, new[] { 0 })), "<head>", "</head>");
        var script = Regex.Match(head, "<script[^>]*>(.*?)</script>", RegexOptions.Singleline);
        if (!script.Success || !script.Groups[1].Value.Contains("plotly.js v", StringComparison.Ordinal))
            throw new InvalidOperationException("Plotly.NET's standalone page no longer opens with plotly.js");
        return script.Groups[1].Value;
    });

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
