// An executed notebook as one HTML page, for reading where no notebook viewer is at hand (a CI
// artifact, a browser): each cell's code, then what it showed. HTML outputs — the plots among
// them — are inlined as they are, so that they draw; text is escaped. Markdown cells keep their
// text, with headings set as headings and `code`, **bold** and *italics* set as such: readable,
// not a full Markdown renderer.
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Documents;

namespace Evs.Cli.Notebooks;

/// <summary>Renders an executed notebook as a standalone HTML page.</summary>
internal static class NotebookHtml
{
    private const string Style = """
        body { font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.4; }
        .md { white-space: pre-wrap; }
        pre.code { background: #f4f4f4; border-left: 3px solid #888; padding: .5em; overflow-x: auto; }
        pre.stdout { margin: .2em 0; }
        pre.stderr, pre.error { color: #a00; margin: .2em 0; }
        .output { margin: .3em 0 1.2em 1em; }
        """;

    /// <summary>The page for <paramref name="document"/>, titled <paramref name="title"/>.</summary>
    public static string Render(InteractiveDocument document, string title)
    {
        var html = new StringBuilder();
        html.Append($"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{Escape(title)}</title><style>{Style}</style></head><body>\n");
        foreach (var cell in document.Elements)
        {
            if (cell.KernelName == "markdown") html.Append(Markdown(cell.Contents));
            else
            {
                html.Append($"<pre class=\"code\">{Escape(cell.Contents)}</pre>\n<div class=\"output\">\n");
                foreach (var output in cell.Outputs) html.Append(Output(output)).Append('\n');
                html.Append("</div>\n");
            }
        }
        return html.Append("</body></html>\n").ToString();
    }

    private static string Output(InteractiveDocumentOutputElement output) => output switch
    {
        TextElement t => $"<pre class=\"{(t.Name == "stderr" ? "stderr" : "stdout")}\">{Escape(t.Text)}</pre>",
        DisplayElement d => Data(d.Data),
        ReturnValueElement r => Data(r.Data),
        ErrorElement e => $"<pre class=\"error\">{Escape(e.ErrorName)}: {Escape(e.ErrorValue)}</pre>",
        _ => "",
    };

    // The richest form a viewer would pick: HTML as it is, else plain text escaped.
    private static string Data(IDictionary<string, object> data) =>
        data.TryGetValue("text/html", out var html) ? $"<div>{html}</div>"
        : data.TryGetValue("text/plain", out var text) ? $"<pre class=\"stdout\">{Escape(text?.ToString() ?? "")}</pre>"
        : "";

    private static string Markdown(string text)
    {
        var html = new StringBuilder();
        foreach (var block in text.Replace("\r\n", "\n").Split("\n\n"))
        {
            string trimmed = block.Trim('\n');
            int level = trimmed.TakeWhile(c => c == '#').Count();
            html.Append(level is > 0 and <= 6 && !trimmed.Contains('\n')
                ? $"<h{level}>{Inline(trimmed[level..].Trim())}</h{level}>\n"
                : $"<div class=\"md\">{Inline(trimmed)}</div>\n<p></p>\n");
        }
        return html.ToString();
    }

    // Code spans first, so that a * inside one stays a *; then bold before italics.
    private static string Inline(string text)
    {
        var parts = Regex.Split(Escape(text), "`([^`]*)`");
        for (int i = 0; i < parts.Length; i++)
            parts[i] = i % 2 == 1 ? $"<code>{parts[i]}</code>"
                : Regex.Replace(Regex.Replace(parts[i], @"\*\*(.+?)\*\*", "<b>$1</b>"), @"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])", "<i>$1</i>");
        return string.Concat(parts);
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
