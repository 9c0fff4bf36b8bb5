// How deliveries and configuration changes look to a person at `evs node`, `evs ctl NODE events`
// and `evs cluster`: one line each, saying who sent a message, with which service, in which
// configuration and whether that configuration is regular or transitional; a configuration's
// members and whether it is primary. Regular configurations green, transitional ones yellow,
// as in `evs demo`. Behind the virtual synchrony filter: views (and the name the process has in
// them), deliveries in a view, and, in red, that sends are refused outside the primary component.
// A named group's views (◇, beside the ring's configurations) and its deliveries say which group
// and which of its views, regular or transitional; a handler of the application that threw, in red.
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
    private readonly Dictionary<string, GroupViewLine> _groupViews = [];

    /// <summary>
    /// The line of <paramref name="e"/>:
    /// <c>═ regular configuration R8.p1 [p1, p2, p3] primary</c>,
    /// <c>─ transitional configuration T9.p1/R8.p1 [p1, p2] after R8.p1</c>, or
    /// <c>✓ p2 (agreed, in R8.p1, regular): TEXT</c>; behind the virtual synchrony filter
    /// <c>◆ view R8.p1#2 [p1, p2, p3~1] as p1</c>, <c>✓ p2 (abcast, in view R8.p1#2): TEXT</c>,
    /// <c>⊘ p3 is not in the primary component … (its identity p3 has stopped)</c> or
    /// <c>✔ sends are accepted again as p3~1, in view R8.p1#2</c>; for a named group
    /// <c>◇ group chat view F:p1.1.5{p1,p2,p3} [p1, p2, p3] regular (members joined or left; joined p3)</c>,
    /// <c>✓ p2 (agreed, to group chat, in view F:p1.1.5{p1,p2,p3}, regular): TEXT</c> and
    /// <c>◇ left group chat (its last view F:p1.1.5{p1,p2,p3})</c>.
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
            case GroupViewLine g:
                _groupViews[g.Group] = g;
                var viewColour = g.Kind == "regular" ? "green" : "yellow";
                return $"[bold {viewColour}]◇ group {Escape(g.Group)} view {Escape(g.V)}[/] [{viewColour}]{Escape(Bracketed(g.Members))} {Escape(g.Kind)}[/] [grey]({Escape(Change(g))})[/]";
            case GroupDeliveryLine d:
                var viewKind = _groupViews.GetValueOrDefault(d.Group) is { } seen && seen.V == d.V ? seen.Kind : "view not seen";
                var deliveryColour = viewKind == "transitional" ? "yellow" : "green";
                return $"[{deliveryColour}]✓[/] [bold]{Escape(d.Sender)}[/] [grey]({Escape(d.Svc)}, to group {Escape(d.Group)}, in view {Escape(d.V)}, [/][{deliveryColour}]{Escape(viewKind)}[/][grey]):[/] {Escape(Text(d.Payload))}";
            case GroupLeftLine l:
                _groupViews.Remove(l.Group);
                return l.Left
                    ? $"[bold]◇ left group {Escape(l.Group)}[/] [grey](its last view {Escape(l.V)})[/]"
                    : $"[bold]◇ no longer in group {Escape(l.Group)}: the node is stopping[/] [grey](its last view {Escape(l.V)})[/]";
            case HandlerFailedLine f:
                return $"[bold red]✗ a handler of the application failed on a {Escape(f.Failed)}:[/] [red]{Escape(f.Error)}[/] [grey](it stays subscribed)[/]";
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

    private static string Members(ConfigurationLine c) => Bracketed(c.Members);

    private static string Bracketed(IEnumerable<string> names) => $"[{string.Join(", ", names)}]";

    // Why a group's view changed, and who joined and who left, in words.
    private static string Change(GroupViewLine g)
    {
        var why = g.Cause switch
        {
            "joining" => "this node's join is sent",
            "joined_or_left" => "members joined or left",
            "ring_changed" => "the ring changed",
            "ring_agreed" => "the new ring agreed on the members",
            _ => g.Cause,
        };
        if (g.Joined.Length > 0) why += $"; joined {string.Join(", ", g.Joined)}";
        if (g.Left.Length > 0) why += $"; left {string.Join(", ", g.Left)}";
        return why;
    }

    private static string PrimaryMarkup(bool? primary) => primary switch
    {
        true => " [bold green]primary[/]",
        false => " [red]not primary[/]",
        null => "",
    };

    private static string Escape(string text) => Spectre.Console.Markup.Escape(text);
}
