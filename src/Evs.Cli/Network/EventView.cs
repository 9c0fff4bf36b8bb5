// How deliveries and configuration changes look to a person at `evs node`, `evs ctl NODE events`
// and `evs cluster`: one line each, saying who sent a message, with which service, in which
// configuration and whether that configuration is regular or transitional; a configuration's
// members and whether it is primary. Regular configurations green, transitional ones yellow,
// as in `evs demo`. Behind the virtual synchrony filter: views (and the name the process has in
// them), deliveries in a view, and, in red, that sends are refused outside the primary component.
using System.Text;
using Spectre.Console;

namespace Evs.Cli.Network;

/// <summary>
/// Renders one process's stream of events (<see cref="EventLine"/>) as Spectre markup lines. It
/// remembers the configuration last delivered, to say whether a delivery is in a regular or a
/// transitional configuration; so use one view per stream.
/// </summary>
internal sealed class EventView
{
    private ConfigurationLine? _current;

    /// <summary>
    /// The line of <paramref name="e"/>:
    /// <c>═ regular configuration R8.p1 [p1, p2, p3] primary</c>,
    /// <c>─ transitional configuration T9.p1/R8.p1 [p1, p2] after R8.p1</c>, or
    /// <c>✓ p2 (agreed, in R8.p1, regular): TEXT</c>; behind the virtual synchrony filter
    /// <c>◆ view R8.p1#2 [p1, p2, p3~1] as p1</c>, <c>✓ p2 (abcast, in view R8.p1#2): TEXT</c>,
    /// <c>⊘ p3 is not in the primary component … (its identity p3 has stopped)</c> or
    /// <c>✔ sends are accepted again as p3~1, in view R8.p1#2</c>.
    /// </summary>
    public string Markup(EventLine e)
    {
        switch (e)
        {
            case ConfigurationLine c:
                _current = c;
                return c.Kind == "regular"
                    ? $"[bold green]═ regular configuration {Escape(c.C)}[/] [green]{Escape(Members(c))}[/]{PrimaryMarkup(c.Primary)}"
                    : $"[bold yellow]─ transitional configuration {Escape(c.C)}[/] [yellow]{Escape(Members(c))}[/] [grey]after {Escape(c.Reg ?? "?")}[/]";
            case DeliveryLine d:
                var kind = _current?.C == d.C ? _current.Kind : "configuration not seen";
                var colour = kind == "transitional" ? "yellow" : "green";
                return $"[{colour}]✓[/] [bold]{Escape(d.Sender)}[/] [grey]({Escape(d.Svc)}, in {Escape(d.C)}, [/][{colour}]{Escape(kind)}[/][grey]):[/] {Escape(Text(d.Payload))}";
            case ViewLine v:
                return $"[bold green]◆ view {Escape(v.V)}[/] [green][[{Escape(string.Join(", ", v.Members))}]][/] [grey]as {Escape(v.Identity)}[/]";
            case ViewDeliveryLine d:
                return $"[green]✓[/] [bold]{Escape(d.Sender)}[/] [grey]({Escape(d.Svc)}, in view {Escape(d.V)}):[/] {Escape(Text(d.Payload))}";
            case SendsBlockedLine b:
                return $"[bold red]⊘ {Escape(b.Reason)}[/]" + (b.Stopped is { } stopped ? $" [grey](its identity {Escape(stopped)} has stopped)[/]" : "");
            case SendsUnblockedLine u:
                return $"[bold green]✔ sends are accepted again[/] [grey]as {Escape(u.Identity)}, in view {Escape(u.V)}[/]";
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e, "not an event line");
        }
    }

    // The payload as text: UTF-8, control characters shown as '·'; a payload that is not text as its size.
    private static string Text(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return $"<{bytes.Length} bytes, not UTF-8 text>";
        }
        return new string([.. text.Select(ch => char.IsControl(ch) ? '·' : ch)]);
    }

    private static string Members(ConfigurationLine c) => $"[{string.Join(", ", c.Members)}]";

    private static string PrimaryMarkup(bool? primary) => primary switch
    {
        true => " [bold green]primary[/]",
        false => " [red]not primary[/]",
        null => "",
    };

    private static string Escape(string text) => Spectre.Console.Markup.Escape(text);
}
