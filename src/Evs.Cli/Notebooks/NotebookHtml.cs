// An executed notebook as one HTML page, for reading where no notebook viewer is at hand (a CI
// artifact, a browser): each cell's code, then what it showed. HTML outputs — the plots among
// them — are inlined as they are, so that they draw; text is escaped. Markdown cells are rendered
// by Markdig with the GitHub-flavoured extensions Jupyter's own renderer has, so that the lesson
// reads as it does in Jupyter: blockquotes, lists and tables set as such, a paragraph wrapped over
// several source lines joined into one, and raw HTML passed through.
using System.Net;
using System.Text;
using Markdig;
using Markdig.Extensions.EmphasisExtras;
using Microsoft.DotNet.Interactive.Documents;

namespace Evs.Cli.Notebooks;

/// <summary>Renders an executed notebook as a standalone HTML page.</summary>
internal static class NotebookHtml
{
    private const string Style = """
        body { font-family: sans-serif; max-width: 66em; margin: 2em auto; line-height: 1.4; }
        blockquote { margin: .8em 0; padding: .1em 1em; border-left: 4px solid #ccc; color: #444; }
        table { border-collapse: collapse; margin: .8em 0; }
        th, td { border: 1px solid #bbb; padding: .3em .7em; text-align: left; }
        th { background: #f4f4f4; }
        ul, ol { padding-left: 1.8em; }
        li { margin: .2em 0; }
        code { background: #f4f4f4; padding: 0 .2em; border-radius: 3px; }
        pre code { background: none; padding: 0; }
        pre.code { background: #f4f4f4; border-left: 3px solid #888; padding: .5em; overflow-x: auto; }
        pre.stdout, pre.stderr, pre.error { margin: .2em 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        pre.stderr, pre.error { color: #a00; }
        .output { margin: .3em 0 1.2em 1em; }
        """;

    // GitHub-flavoured Markdown, as Jupyter renders it: pipe tables, bare links, ~~strikethrough~~
    // and task lists. Not the wider set of UseAdvancedExtensions: its generic attributes would read
    // the lessons' "{p}" (a configuration) as an attribute, and Jupyter knows none of the others.
    // Raw HTML is left on (Markdig's default), as Jupyter passes it.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseAutoLinks()
        .UseEmphasisExtras(EmphasisExtraOptions.Strikethrough)
        .UseTaskLists()
        .Build();

    /// <summary>The page for <paramref name="document"/>, titled <paramref name="title"/>.</summary>
    public static string Render(InteractiveDocument document, string title)
    {
        var html = new StringBuilder();
        html.Append($"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{Escape(title)}</title><style>{Style}</style></head><body>\n");
        foreach (var cell in document.Elements)
        {
            if (cell.KernelName == "markdown") html.Append(Markdown.ToHtml(cell.Contents, Pipeline));
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

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
