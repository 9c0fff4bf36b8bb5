// The page `evs notebook run --html` writes must read as Jupyter renders the notebook: a Markdown
// cell's blockquotes, lists, tables, code spans and emphasis set as such, and a paragraph wrapped
// over several source lines joined into one. NotebookHtml is compiled in here (SpecTests.csproj),
// as evs is an executable whose packages are not the tests'.
using System.Text.Json;
using System.Text.RegularExpressions;
using Evs.Cli.Notebooks;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Xunit;

namespace SpecTests.Notebooks;

public sealed class NotebookHtmlTests
{
    private const string Lesson = """
        # Agreed delivery

        In a regular configuration every message
        is delivered in one total order.

        > In a regular configuration, a message is delivered in the order of its sequence number.

        * agreed delivery waits for the messages before it;
        * safe delivery also waits for every member to have it.

        | Service | Waits for |
        |---------|-----------|
        | agreed  | order     |
        | safe    | stability |

        The token's `aru` field is **all received up to**.
        """;

    private static readonly string Page = NotebookHtml.Render(Document(Lesson, "Console.WriteLine(\"a < b\");"), "lesson");

    [Fact]
    public void A_blockquote_is_a_blockquote()
    {
        Assert.Matches(@"<blockquote>\s*<p>In a regular configuration, a message", Page);
    }

    [Fact]
    public void A_bullet_list_is_a_list_of_items()
    {
        Assert.Matches(@"<ul>\s*<li>agreed delivery waits", Page);
        Assert.Contains("<li>safe delivery also waits", Page);
    }

    [Fact]
    public void A_pipe_table_is_a_table()
    {
        Assert.Contains("<table>", Page);
        Assert.Matches(@"<th[^>]*>Service</th>", Page);
        Assert.Matches(@"<td[^>]*>stability</td>", Page);
    }

    [Fact]
    public void Code_spans_and_bold_are_set_as_such()
    {
        Assert.Contains("<code>aru</code>", Page);
        Assert.Matches(@"<(strong|b)>all received up to</\1>", Page);
    }

    [Fact]
    public void A_paragraph_wrapped_over_two_source_lines_is_one_paragraph()
    {
        Assert.Matches(@"<p>In a regular configuration every message\s+is delivered in one total order\.</p>", Page);
        Assert.Contains("<h1", Page);
    }

    // At a line's start, or just after the tag that opens it.
    [Fact]
    public void No_markdown_marker_is_left_at_the_start_of_a_line()
    {
        Assert.DoesNotMatch(new Regex(@"^(\s|<[^>]*>)*(&gt;|>|\*) ", RegexOptions.Multiline), Page);
    }

    [Fact]
    public void A_code_cell_stays_escaped_in_a_pre()
    {
        Assert.Contains("<pre class=\"code\">Console.WriteLine(&quot;a &lt; b&quot;);</pre>", Page);
    }

    [Fact]
    public void Raw_html_in_markdown_passes_as_in_jupyter()
    {
        var page = NotebookHtml.Render(Document("A <span style=\"color: red\">red</span> word."), "raw");

        Assert.Contains("<span style=\"color: red\">red</span>", page);
    }

    // The lessons write a configuration as {p}: text to Jupyter, an attribute to Markdig's generic
    // attributes extension, which would drop it.
    [Fact]
    public void A_configuration_in_braces_stays_text()
    {
        var page = NotebookHtml.Render(Document("Its transitional configuration is {p}, then {q, r}."), "braces");

        Assert.Contains("<p>Its transitional configuration is {p}, then {q, r}.</p>", page);
    }

    // A notebook as Polyglot saves one: a Markdown cell, then C# cells. Read as NotebookRunner.Parse
    // reads it (that runner hosts the C# kernel, which the tests do not carry).
    private static InteractiveDocument Document(string markdown, params string[] code)
    {
        var cells = new List<object> { new { cell_type = "markdown", metadata = new { }, source = markdown } };
        cells.AddRange(code.Select(c => new
        {
            cell_type = "code",
            execution_count = (int?)null,
            metadata = new { polyglot_notebook = new { kernelName = "csharp" } },
            outputs = Array.Empty<object>(),
            source = c,
        }));
        var notebook = new
        {
            cells,
            metadata = new { polyglot_notebook = new { kernelInfo = new { defaultKernelName = "csharp", items = new[] { new { name = "csharp", aliases = Array.Empty<string>() } } } } },
            nbformat = 4,
            nbformat_minor = 2,
        };
        return Notebook.Parse(JsonSerializer.Serialize(notebook), new KernelInfoCollection());
    }
}
