// Specification 1.4: "two different processes do not send the same message" and a process
// does not send the same message twice, so every message needs an identifier unique in the run.
namespace Evs.Reference.Model;

/// <summary>
/// The identifier of a message, unique in the whole run. This implementation spells it
/// <c>sender.ringseq.counter</c>: the ring sequence number never repeats for a sender
/// (it lives in stable storage), and the counter restarts in each ring. Traces of other
/// writers may use any unique string, so the identifier keeps the string.
/// </summary>
public readonly record struct MessageId(string Name)
{
    /// <summary>The identifier of the <paramref name="counter"/>-th message that <paramref name="sender"/> originates in ring <paramref name="ringSequence"/>.</summary>
    public static MessageId Of(ProcessId sender, long ringSequence, long counter) => new($"{sender}.{ringSequence}.{counter}");

    /// <inheritdoc/>
    public override string ToString() => Name;
}
