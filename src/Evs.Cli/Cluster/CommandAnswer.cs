// What `evs cluster` says in answer to one line of its prompt. The line may come from the
// keyboard or from the live page's controls (--web), and the answer goes to the console either
// way, where the class watches; for the page it is also kept as plain text, which the page shows
// under its controls.
using Spectre.Console;
using Spectre.Console.Rendering;
using Evs.Cli.Network;

namespace Evs.Cli.Cluster;

/// <summary>The answer to one command: written to the console as it comes, and kept as text.</summary>
internal sealed class CommandAnswer(NodeConsole console)
{
    // A table is rendered to text at this width: the page has room for it.
    private const int TextWidth = 200;

    private readonly List<string> _lines = [];

    /// <summary>Writes a line of markup to the console and keeps its text.</summary>
    public void Line(string markup)
    {
        console.Line(markup);
        lock (_lines) _lines.Add(Markup.Remove(markup));
    }

    /// <summary>Writes a renderable (the status table) to the console and keeps it as plain text.</summary>
    public void Write(IRenderable renderable)
    {
        console.Write(renderable);
        var text = new StringWriter();
        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(text),
        });
        plain.Profile.Width = TextWidth;
        plain.Write(renderable);
        lock (_lines) _lines.Add(text.ToString().TrimEnd());
    }

    /// <summary>Everything said, one line after another.</summary>
    public string Text
    {
        get
        {
            lock (_lines) return string.Join('\n', _lines);
        }
    }
}
