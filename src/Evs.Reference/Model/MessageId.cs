// Specification 1.4: "two different processes do not send the same message" and a process
// does not send the same message twice, so every message needs an identifier unique in the run.
// The parts of this project's spelling are parsed once, when the identifier is made, so that an
// application reads the sender, the ring and the counter as values instead of parsing strings.
namespace Evs.Reference.Model;

/// <summary>
/// The identifier of a message, unique in the whole run. This implementation spells it
/// <c>sender.ringseq.counter</c>: the ring sequence number never repeats for a sender
/// (it lives in stable storage), and the counter restarts in each ring. Traces of other
/// writers may use any unique string, so the identifier keeps the string; its parts are null
/// when it is not spelled this way.
/// </summary>
public readonly record struct MessageId
{
    /// <summary>The identifier spelled <paramref name="name"/>.</summary>
    public MessageId(string name) => Name = name;

    /// <summary>The identifier as written (docs/TRACE.md).</summary>
    public string Name
    {
        get;
        init
        {
            field = value;
            (Sender, RingSequence, Counter) = Parse(value);
        }
    }

    /// <summary>The process that originated the message, or null.</summary>
    public ProcessId? Sender { get; private init; }

    /// <summary>The sequence number of the ring the message was originated in, or null.</summary>
    public long? RingSequence { get; private init; }

    /// <summary>Which of its sender's messages in that ring it is (from 1), or null.</summary>
    public long? Counter { get; private init; }

    /// <summary>The identifier of the <paramref name="counter"/>-th message that <paramref name="sender"/> originates in ring <paramref name="ringSequence"/>.</summary>
    public static MessageId Of(ProcessId sender, long ringSequence, long counter) => new($"{sender}.{ringSequence}.{counter}");

    /// <inheritdoc/>
    public override string ToString() => Name;

    // sender.ringseq.counter, the sender a process identifier (which has no '.'); anything else has no parts.
    private static (ProcessId?, long?, long?) Parse(string? name)
    {
        var parts = name?.Split('.');
        if (parts is not { Length: 3 } || !ProcessId.IsValid(parts[0]) || !Number(parts[1], out long ring) || !Number(parts[2], out long counter))
            return (null, null, null);
        return (new ProcessId(parts[0]), ring, counter);
    }

    private static bool Number(string text, out long value) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
}
