// The paper, Section 3, Step 1 — the algorithm's work in a regular configuration:
//
//   "1. In a regular configuration, this process sends and receives messages, holding in a
//    message buffer any messages that it has received but cannot yet deliver. The process
//    delivers a message as safe when it has delivered all of the messages that precede the
//    message in the total order and has received acknowledgments for the message from all of
//    the other processes in the configuration. An acknowledgment indicates that a process has
//    received and will deliver the message unless it fails."
//
// The total order and the acknowledgments come from Totem's single ring (TOCS 1995): the
// token holder stamps new messages with consecutive ordinals; the token's aru acknowledges.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Ordering;

/// <summary>
/// Step 1: one process's part of the Totem ring in one regular configuration. On each token
/// visit it (1) retransmits what others asked for, (2) broadcasts new messages as flow control
/// allows, (3) asks for what it misses, (4) updates the aru, (5) updates the flow control count,
/// passes the token on and (6) delivers what has become deliverable. On each message received it
/// stores the message and delivers what has become deliverable.
/// "In a regular configuration, this process records that there are no processes to which it
/// is obligated": the obligation set is empty here and only grows during recovery (step 5.c).
/// </summary>
public sealed class RegularDelivery
{
    private readonly ProcessId _me;
    private readonly TotemSettings _settings;
    private readonly ProcessId _successor;
    private long _lastTokenSeq = -1;
    private long _aruForwardedLastVisit;
    private int _myShareOfLastRotation;
    private long _messageCounter;
    private Token? _lastForwarded;

    /// <summary>Starts step 1 in a newly installed regular configuration of ring <paramref name="ring"/>.</summary>
    public RegularDelivery(ProcessId me, RingId ring, Configuration configuration, TotemSettings settings)
    {
        _me = me;
        Ring = ring;
        Configuration = configuration;
        _settings = settings;
        var members = configuration.Members;
        _successor = members[(members.IndexOf(me) + 1) % members.Length];
    }

    /// <summary>The ring of this configuration.</summary>
    public RingId Ring { get; }

    /// <summary>The regular configuration this process is in.</summary>
    public Configuration Configuration { get; }

    /// <summary>The messages held: received, not yet known to be received by all or not yet delivered.</summary>
    public ReceiveBuffer Buffer { get; } = new();

    /// <summary>Every message with an ordinal up to this one has been delivered.</summary>
    public long DeliveredUpTo { get; private set; }

    /// <summary>Every message with an ordinal up to this one is known to be received by every member.</summary>
    public long ReceivedByAll { get; private set; }

    /// <summary>What happened that a student or operator may want to count.</summary>
    public OrderingCounters Counters { get; } = new();

    /// <summary>
    /// The representative starts the ring's first rotation, as if it had received the initial token.
    /// </summary>
    public void StartFirstRotation(Queue<PendingMessage> pending, List<NodeOutput> outputs) =>
        OnToken(Token.Initial(_me, Ring), pending, outputs);

    /// <summary>A message of this ring arrived (new, retransmitted or duplicated).</summary>
    public void OnMessage(RegularMessage message, List<NodeOutput> outputs)
    {
        if (_lastForwarded is { } forwarded && message.Seq > forwarded.Seq)
        {
            // The next process has broadcast: the token did move on.
            _lastForwarded = null;
            outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
        }
        if (!Buffer.Add(message))
        {
            Counters.DuplicateMessages++;
            return;
        }
        DeliverWhatIsDeliverable(outputs);
    }

    /// <summary>The token of this ring arrived: one visit of the six parts above.</summary>
    public void OnToken(Token token, Queue<PendingMessage> pending, List<NodeOutput> outputs)
    {
        if (token.TokenSeq <= _lastTokenSeq)
        {
            Counters.StaleTokens++;
            return;
        }
        _lastTokenSeq = token.TokenSeq;
        if (_lastForwarded is not null)
        {
            _lastForwarded = null;
            outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
        }
        ReceivedByAll = Math.Max(ReceivedByAll, AruRule.ReceivedByAll(_aruForwardedLastVisit, token.Aru));

        var (toRetransmit, stillRequested) = RetransmissionRequests.Serve(token.RetransmissionRequests, Buffer.Holds);
        foreach (var requested in toRetransmit)
            outputs.Add(new Broadcast(Buffer.Get(requested)! with { Sender = _me }));
        Counters.Retransmissions += toRetransmit.Length;

        int allowed = FlowControl.NewMessagesAllowed(_settings, token, _myShareOfLastRotation, toRetransmit.Length, pending.Count);
        long seq = token.Seq;
        for (int n = 0; n < allowed; n++)
            Originate(pending.Dequeue(), ++seq, outputs);

        int broadcastNow = toRetransmit.Length + allowed;
        var forwarded = token with
        {
            Sender = _me,
            TokenSeq = token.TokenSeq + 1,
            Seq = seq,
            RetransmissionRequests = RetransmissionRequests.AddMissing(stillRequested, Buffer.Missing(seq), _settings.MaxRetransmissionRequests),
            FlowControlCount = FlowControl.UpdatedCount(token, _myShareOfLastRotation, broadcastNow),
        };
        forwarded = AruRule.Apply(forwarded, Buffer.MyAru, _me);
        _myShareOfLastRotation = broadcastNow;
        _aruForwardedLastVisit = forwarded.Aru;
        _lastForwarded = forwarded;
        outputs.Add(new Unicast(_successor, forwarded));
        outputs.Add(new StartTimer(TimerKind.TokenRetransmit, _settings.TokenRetransmitTimeoutMs));

        DeliverWhatIsDeliverable(outputs);
        Buffer.DiscardUpTo(Math.Min(DeliveredUpTo, ReceivedByAll));
    }

    /// <summary>
    /// The token retransmission timer expired with no sign that the token moved on: send the
    /// same token again. If the first copy did arrive, the next process drops this one as stale.
    /// </summary>
    public void OnTokenRetransmitTimeout(List<NodeOutput> outputs)
    {
        if (_lastForwarded is not { } token) return;
        Counters.TokenRetransmissions++;
        outputs.Add(new Unicast(_successor, token));
        outputs.Add(new StartTimer(TimerKind.TokenRetransmit, _settings.TokenRetransmitTimeoutMs));
    }

    private void Originate(PendingMessage pending, long seq, List<NodeOutput> outputs)
    {
        var id = MessageId.Of(_me, Ring.Sequence, ++_messageCounter);
        var message = new RegularMessage(_me, Ring, seq, id, _me, pending.Service, pending.Payload);
        Buffer.Add(message);
        outputs.Add(new MessageSent(id, Configuration.Id, pending.Service, pending.Payload));
        outputs.Add(new Broadcast(message));
    }

    private void DeliverWhatIsDeliverable(List<NodeOutput> outputs)
    {
        while (Buffer.Get(DeliveredUpTo + 1) is { } next
               && DeliveryRule.MayDeliver(next.Service, next.Seq, DeliveredUpTo, ReceivedByAll))
        {
            DeliveredUpTo = next.Seq;
            outputs.Add(new MessageDelivered(next.Id, next.Originator, Configuration.Id, next.Service, next.Payload));
        }
    }
}

/// <summary>Counts of the ordering protocol's exceptional events, for reports and tests.</summary>
public sealed class OrderingCounters
{
    /// <summary>Tokens dropped because a newer one had been accepted already.</summary>
    public long StaleTokens { get; set; }

    /// <summary>Messages dropped because they were held or discarded already.</summary>
    public long DuplicateMessages { get; set; }

    /// <summary>Messages broadcast again on request.</summary>
    public long Retransmissions { get; set; }

    /// <summary>Times the token was sent again after the token retransmission timeout.</summary>
    public long TokenRetransmissions { get; set; }
}
