// The JSON of the control socket: the one-line answer to every request, and the lines of an
// `events` stream (a delivery or a configuration change each, named as in docs/TRACE.md). Records and
// one set of serializer options, so that the node writes and `evs ctl` and `evs cluster` read
// exactly the same shapes.
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Evs.Reference.Model;
using Evs.Runtime;

namespace Evs.Cli.Network;

/// <summary>The answer to a request: whether it was done, a sentence saying what happened, and the status when asked for (or after quit).</summary>
internal sealed record ControlReply(bool Ok, string Message, NodeReport? Status = null);

/// <summary>A line of an <c>events</c> stream.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(DeliveryLine), "deliver")]
[JsonDerivedType(typeof(ConfigurationLine), "deliver_conf")]
internal abstract record EventLine
{
    /// <summary>The line of <paramref name="e"/>.</summary>
    public static EventLine Of(EvsNodeEvent e) => e switch
    {
        MessageDeliveredEvent d => new DeliveryLine(d.Sender.Name, d.Message.Name, d.Configuration.Name, d.Service.ToName(), Convert.ToBase64String(d.Payload.Span)),
        ConfigurationChangedEvent c => new ConfigurationLine(c.Configuration.Name, c.Kind == ConfigurationKind.Regular ? "regular" : "transitional", [.. c.Members.Select(m => m.Name)], c.Primary, c.PreviousRegular?.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "not an event of the node"),
    };
}

/// <summary>deliver_p(m, c): message <paramref name="M"/> from <paramref name="Sender"/>, in configuration <paramref name="C"/>, with service <paramref name="Svc"/>; the payload in base64.</summary>
internal sealed record DeliveryLine(string Sender, string M, string C, string Svc, string Payload) : EventLine;

/// <summary>deliver_conf_p(c): configuration <paramref name="C"/>, <paramref name="Kind"/> regular or transitional, with <paramref name="Members"/>; <paramref name="Reg"/> for a transitional one.</summary>
internal sealed record ConfigurationLine(string C, string Kind, ImmutableArray<string> Members, bool? Primary, string? Reg) : EventLine;

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
        catch (JsonException ex)
        {
            throw new FormatException($"\"{Shorten(line)}\" is not a line of the control protocol: {ex.Message}", ex);
        }
    }

    private static string Shorten(string line) => line.Length <= 200 ? line : line[..200] + "…";
}
