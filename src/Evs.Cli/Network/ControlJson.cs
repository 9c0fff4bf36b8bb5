// The JSON of the control socket: the one-line answer to every request, and the lines of an
// `events` stream (a delivery or a configuration change each, named as in docs/TRACE.md; behind the
// virtual synchrony filter, a view, a delivery in a view, or a change of the blocked state; for a
// named group, its views, its deliveries and the node's leaving it; and a handler of the node's
// application that threw). Records and
// one set of serializer options, so that the node writes and `evs ctl` and `evs cluster` read
// exactly the same shapes.
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;
using Evs.Runtime;

namespace Evs.Cli.Network;

/// <summary>The answer to a request: whether it was done, a sentence saying what happened, and the status when asked for (or after quit).</summary>
internal sealed record ControlReply(bool Ok, string Message, NodeReport? Status = null);

/// <summary>A line of an <c>events</c> stream.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(DeliveryLine), "deliver")]
[JsonDerivedType(typeof(ConfigurationLine), "deliver_conf")]
[JsonDerivedType(typeof(ViewLine), "view")]
[JsonDerivedType(typeof(ViewDeliveryLine), "deliver_in_view")]
[JsonDerivedType(typeof(SendsBlockedLine), "sends_blocked")]
[JsonDerivedType(typeof(SendsUnblockedLine), "sends_unblocked")]
[JsonDerivedType(typeof(GroupViewLine), "group_view")]
[JsonDerivedType(typeof(GroupDeliveryLine), "group_deliver")]
[JsonDerivedType(typeof(GroupLeftLine), "group_left")]
[JsonDerivedType(typeof(HandlerFailedLine), "handler_failed")]
internal abstract record EventLine
{
    /// <summary>The line of <paramref name="e"/>.</summary>
    public static EventLine Of(EvsNodeEvent e) => e switch
    {
        MessageDeliveredEvent d => new DeliveryLine(d.Sender.Name, d.Message.Name, d.Configuration.Name, d.Service.ToName(), Convert.ToBase64String(d.Payload.Span)),
        ConfigurationChangedEvent c => new ConfigurationLine(c.Configuration.Name, c.Kind == ConfigurationKind.Regular ? "regular" : "transitional", [.. c.Members.Select(m => m.Name)], c.Primary, c.PreviousRegular?.Name),
        ViewInstalledEvent v => new ViewLine(v.View, v.Identity, v.Members, v.Configuration.Name),
        MessageDeliveredInViewEvent d => new ViewDeliveryLine(d.Sender.Name, d.Message.Name, d.View, d.Service.ToName(), Convert.ToBase64String(d.Payload.Span)),
        SendsBlockedEvent b => new SendsBlockedLine(b.StoppedIdentity, b.Reason),
        SendsUnblockedEvent u => new SendsUnblockedLine(u.Identity, u.View),
        GroupViewChangedEvent g => GroupViewLine.Of(g.View),
        GroupMessageDeliveredEvent d => new GroupDeliveryLine(d.Group, d.Sender.Name, d.Message.Name, d.View.Name, d.Service.ToName(), Convert.ToBase64String(d.Payload.Span)),
        GroupLeftEvent l => new GroupLeftLine(l.Group, l.LastView.Name, l.Left),
        HandlerFailedEvent f => new HandlerFailedLine(f.Event.GetType().Name, $"{f.Exception.GetType().Name}: {f.Exception.Message}"),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "not an event of the node"),
    };
}

/// <summary>deliver_p(m, c): message <paramref name="M"/> from <paramref name="Sender"/>, in configuration <paramref name="C"/>, with service <paramref name="Svc"/>; the payload in base64.</summary>
internal sealed record DeliveryLine(string Sender, string M, string C, string Svc, string Payload) : EventLine;

/// <summary>deliver_conf_p(c): configuration <paramref name="C"/>, <paramref name="Kind"/> regular or transitional, with <paramref name="Members"/>; <paramref name="Reg"/> for a transitional one.</summary>
internal sealed record ConfigurationLine(string C, string Kind, ImmutableArray<string> Members, bool? Primary, string? Reg) : EventLine;

/// <summary>view_i(g^x) behind the virtual synchrony filter: view <paramref name="V"/>, installed as <paramref name="Identity"/>, with <paramref name="Members"/>, cut from configuration <paramref name="C"/>.</summary>
internal sealed record ViewLine(string V, string Identity, ImmutableArray<string> Members, string C) : EventLine;

/// <summary>deliver(m) behind the virtual synchrony filter: message <paramref name="M"/> from <paramref name="Sender"/>, in view <paramref name="V"/>, <paramref name="Svc"/> cbcast or abcast; the payload in base64.</summary>
internal sealed record ViewDeliveryLine(string Sender, string M, string V, string Svc, string Payload) : EventLine;

/// <summary>Behind the virtual synchrony filter, sends are refused from now on, for <paramref name="Reason"/>; <paramref name="Stopped"/> is the identity that ended, if any.</summary>
internal sealed record SendsBlockedLine(string? Stopped, string Reason) : EventLine;

/// <summary>Behind the virtual synchrony filter, sends are accepted again, as <paramref name="Identity"/> in view <paramref name="V"/>.</summary>
internal sealed record SendsUnblockedLine(string Identity, string V) : EventLine;

/// <summary>
/// A view of the named group <paramref name="Group"/> installed here: view <paramref name="V"/>,
/// <paramref name="Kind"/> regular or transitional, with <paramref name="Members"/>, who
/// <paramref name="Joined"/> and who <paramref name="Left"/> since the previous regular view, and
/// why it changed (<paramref name="Cause"/>: joining, joined_or_left, ring_changed or ring_agreed).
/// </summary>
internal sealed record GroupViewLine(string Group, string V, string Kind, ImmutableArray<string> Members, ImmutableArray<string> Joined, ImmutableArray<string> Left, string Cause) : EventLine
{
    /// <summary>The line of <paramref name="view"/>.</summary>
    public static GroupViewLine Of(GroupView view) => new(
        view.Group,
        view.Id.Name,
        view.Kind == ConfigurationKind.Regular ? "regular" : "transitional",
        [.. view.Members.Select(m => m.Name)],
        [.. view.Joined.Select(m => m.Name)],
        [.. view.Left.Select(m => m.Name)],
        CauseName(view.Cause));

    /// <summary>The name of <paramref name="cause"/> on the line.</summary>
    public static string CauseName(GroupViewCause cause) => cause switch
    {
        GroupViewCause.Joining => "joining",
        GroupViewCause.MembersJoinedOrLeft => "joined_or_left",
        GroupViewCause.RingChanged => "ring_changed",
        GroupViewCause.RingAgreed => "ring_agreed",
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, "not a cause of a group's view"),
    };
}

/// <summary>deliver of the named group <paramref name="Group"/>: message <paramref name="M"/> from <paramref name="Sender"/>, in the group's view <paramref name="V"/>, with service <paramref name="Svc"/>; the payload in base64.</summary>
internal sealed record GroupDeliveryLine(string Group, string Sender, string M, string V, string Svc, string Payload) : EventLine;

/// <summary>The node is no longer in <paramref name="Group"/>, whose last view here was <paramref name="V"/>: it left (<paramref name="Left"/>), or it is stopping.</summary>
internal sealed record GroupLeftLine(string Group, string V, bool Left) : EventLine;

/// <summary>A handler of the node's application threw <paramref name="Error"/> (its type and message) on an event of type <paramref name="Failed"/>; it stays subscribed.</summary>
internal sealed record HandlerFailedLine(string Failed, string Error) : EventLine;

/// <summary>The serializer options of every control line: camelCase names, nulls left out, one line.</summary>
internal static class ControlJson
{
    /// <summary>The options.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary><paramref name="value"/> as one line of JSON.</summary>
    public static string Line<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>The <typeparamref name="T"/> in <paramref name="line"/>.</summary>
    /// <exception cref="FormatException">The line is not that JSON.</exception>
    public static T Read<T>(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(line, Options) ?? throw new FormatException($"\"{line}\" is null, not an answer of the control protocol");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException) // a line of a kind not known (no or another discriminator)
        {
            throw new FormatException($"\"{Shorten(line)}\" is not a line of the control protocol: {ex.Message}", ex);
        }
    }

    private static string Shorten(string line) => line.Length <= 200 ? line : line[..200] + "…";
}
