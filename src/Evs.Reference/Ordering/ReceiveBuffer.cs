// Step 1: "holding in a message buffer any messages that it has received but cannot yet
// deliver". The same buffer serves retransmission requests of others, and forgets a message
// only once every process has received it and this process has delivered it. It is a window
// (issue #13, item 3): an ordinal is a peer's claim, and a buffer that took any ordinal would grow
// without end, then hand every forged message to step 6 at the next configuration change.
using Evs.Reference.Node;

namespace Evs.Reference.Ordering;

/// <summary>What became of a message given to the buffer.</summary>
public enum Receipt
{
    /// <summary>It is held now.</summary>
    Held,

    /// <summary>It was held or discarded already.</summary>
    Duplicate,

    /// <summary>Its ordinal lies beyond the window: dropped and counted (<see cref="PacketDrops.OutOfBounds"/>).</summary>
    BeyondWindow,
}

/// <summary>
/// The messages of one ring that this process holds, by ordinal. <see cref="MyAru"/> is the
/// highest ordinal up to which it holds (or has already discarded) every message. It takes no
/// ordinal more than <paramref name="lead"/> (<see cref="ClaimBounds.MessageLead"/>) ahead of the
/// ring's token as this process last saw it (<see cref="SeqOnToken"/>); what it refuses is counted
/// in <paramref name="drops"/>.
/// </summary>
public sealed class ReceiveBuffer(long lead, PacketDrops? drops = null)
{
    private readonly Dictionary<long, RingMessage> _messages = new();
    private readonly PacketDrops _drops = drops ?? new PacketDrops();
    private long _discardedUpTo;

    /// <summary>Every message with an ordinal up to this one has been received.</summary>
    public long MyAru { get; private set; }

    /// <summary>The highest ordinal received so far.</summary>
    public long HighestSeen { get; private set; }

    /// <summary>How many messages are held now.</summary>
    public int Count => _messages.Count;

    /// <summary>
    /// The highest ordinal on the ring's token as this process last accepted it or passed it on: the
    /// window's base. Only tokens move it, never messages, so forged messages cannot carry the
    /// window along with them.
    /// </summary>
    public long SeqOnToken { get; private set; }

    /// <summary>The ring's token was here with highest ordinal <paramref name="seq"/>: the window moves up to it.</summary>
    public void SawToken(long seq) => SeqOnToken = Math.Max(SeqOnToken, seq);

    /// <summary>Stores a message, unless it is a duplicate, was discarded already, or lies beyond the window (counted).</summary>
    public Receipt Add(RingMessage message)
    {
        if (message.Seq <= _discardedUpTo || _messages.ContainsKey(message.Seq)) return Receipt.Duplicate;
        if (message.Seq > SeqOnToken + lead)
        {
            _drops.OutOfBounds++;
            return Receipt.BeyondWindow;
        }
        _messages.Add(message.Seq, message);
        HighestSeen = Math.Max(HighestSeen, message.Seq);
        while (_messages.ContainsKey(MyAru + 1)) MyAru++;
        return Receipt.Held;
    }

    /// <summary>Whether the message with this ordinal is held (so it can be retransmitted).</summary>
    public bool Holds(long seq) => _messages.ContainsKey(seq);

    /// <summary>The held message with this ordinal, or null.</summary>
    public RingMessage? Get(long seq) => _messages.GetValueOrDefault(seq);

    /// <summary>The ordinals after <see cref="MyAru"/> and up to <paramref name="upTo"/> that are missing.</summary>
    public IEnumerable<long> Missing(long upTo) => upTo <= MyAru ? [] : MissingAfterAru(upTo);

    private IEnumerable<long> MissingAfterAru(long upTo)
    {
        for (long seq = MyAru + 1; seq <= upTo; seq++)
            if (!_messages.ContainsKey(seq)) yield return seq;
    }

    /// <summary>The held messages with ordinals above <paramref name="seq"/>, in order.</summary>
    public IEnumerable<RingMessage> After(long seq) =>
        _messages.Keys.Where(k => k > seq).Order().Select(k => _messages[k]);

    /// <summary>Forgets one message (step 6.a discards messages that may depend on an unavailable one).</summary>
    public void Remove(long seq) => _messages.Remove(seq);

    /// <summary>Forgets every message up to <paramref name="seq"/>: received by all and delivered here.</summary>
    public void DiscardUpTo(long seq)
    {
        for (long s = _discardedUpTo + 1; s <= seq; s++) _messages.Remove(s);
        _discardedUpTo = Math.Max(_discardedUpTo, seq);
        MyAru = Math.Max(MyAru, _discardedUpTo);
    }
}
