// The terminal of `evs node` and `evs cluster`: events arrive at any moment while a person types,
// so every line goes through one lock, and at a terminal the prompt (which shows the delivery
// service in use) is drawn again below each one. When the output is a pipe (tests, a log file,
// `evs cluster` reading its children) there is no prompt and lines are never wrapped.
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Evs.Cli.Network;

/// <summary>Thread-safe output of Spectre markup lines, with a prompt at an interactive terminal.</summary>
internal sealed class NodeConsole
{
    // Lines longer than the console never wrap when the output is not a terminal: one event, one line.
    private const int PipeWidth = 1 << 16;

    private readonly Lock _lock = new();
    private readonly bool _interactive;
    private string _prompt = "";

    /// <summary>A console for this process's standard output; interactive when both input and output are a terminal.</summary>
    public NodeConsole()
    {
        _interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
        UnwrappedWhenRedirected();
    }

    /// <summary>When standard output is not a terminal, lets Spectre write lines of any length unwrapped (one message, one line).</summary>
    public static void UnwrappedWhenRedirected()
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = PipeWidth;
    }

    /// <summary>Sets the prompt (markup) and shows it.</summary>
    public void Prompt(string markup)
    {
        lock (_lock)
        {
            _prompt = markup;
            if (_interactive)
            {
                ClearLine();
                AnsiConsole.Markup(_prompt);
            }
        }
    }

    /// <summary>Writes one line of markup, above the prompt.</summary>
    public void Line(string markup) => Write(() => AnsiConsole.MarkupLine(markup));

    /// <summary>Writes a renderable (a table, a grid), above the prompt.</summary>
    public void Write(IRenderable renderable) => Write(() => AnsiConsole.Write(renderable));

    private void Write(Action write)
    {
        lock (_lock)
        {
            if (_interactive) ClearLine();
            write();
            if (_interactive) AnsiConsole.Markup(_prompt);
        }
    }

    // Carriage return and "erase line": the prompt (and what was typed after it, which the input
    // still holds) is drawn again below the new line.
    private static void ClearLine() => Console.Out.Write("\r\u001b[2K");
}
