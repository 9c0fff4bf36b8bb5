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
// The same ring machinery carries step 5 of recovery on a new ring before it is installed:
// rebroadcasts are ordered, acknowledged and retransmitted like any message.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Ordering;

/// <summary>
/// Step 1: one process's part of a Totem ring. On each token visit it
/// (<see cref="AcceptToken"/>) drops stale tokens and learns what all have received, then
/// (<see cref="ForwardToken"/>) (1) retransmits what others asked for, (2) broadcasts new
/// messages as flow control allows — step 5's rebroadcasts first, then, once the ring is
/// installed, the application's — (3) asks for what it misses, (4) updates the aru, (5) updates
/// the flow control count, passes the token on and (6) delivers what has become deliverable.
/// "In a regular configuration, this process records that there are no processes to which it
/// is obligated": the obligation set lives with recovery, not here.
/// </summary>
public sealed class RegularDelivery
{
    private readonly ProcessId _me;
    private readonly TotemSettings _settings;
    private readonly ProcessId _successor;
    private long _lastTokenSeq = -1;
    private long _aruForwardedLastVisit;
    private int _myShareOfLastRotation;
    private int _myShareOfBacklog;
    private int _myShareOfSendBacklog;
    private int _myShareOfPendingInstalls;
    private long _messageCounter;
    private Token? _lastForwarded;

    /// <summary>
    /// Step 1 on ring <paramref name="ring"/> of the regular configuration <paramref name="configuration"/>;
    /// not <paramref name="installed"/> while the ring is still recovering (steps 2-5).
    /// </summary>
    public RegularDelivery(ProcessId me, RingId ring, Configuration configuration, TotemSettings settings, bool installed = true)
    {
        _me = me;
        Ring = ring;
        Configuration = configuration;
        _settings = settings;
        Installed = installed;
        var members = configuration.Members;
        _successor = members[(members.IndexOf(me) + 1) % members.Length];
    }

    /// <summary>The ring of this configuration.</summary>
    public RingId Ring { get; }

    /// <summary>The regular configuration of this ring.</summary>
    public Configuration Configuration { get; }

    /// <summary>
    /// Whether the configuration change to this ring has been delivered (step 6.e). Before that,
    /// step 2: no application message is broadcast, and messages received are only buffered.
    /// </summary>
    public bool Installed { get; private set; }

    /// <summary>The messages held: received, and not yet known to be received by all or not yet delivered.</summary>
    public ReceiveBuffer Buffer { get; } = new();

    /// <summary>Step 5.a: old messages this process must rebroadcast on this ring, in order.</summary>
    public Queue<RegularMessage> Rebroadcasts { get; } = new();

    /// <summary>Every message with an ordinal up to this one has been delivered (or, if rebroadcast, taken in).</summary>
    public long DeliveredUpTo { get; private set; }

    /// <summary>Every message with an ordinal up to this one is known to be received by every member.</summary>
    public long ReceivedByAll { get; private set; }

    /// <summary>How many times this process has accepted the token of this ring.</summary>
    public int Visits { get; private set; }

    /// <summary>What happened that a student or operator may want to count.</summary>
    public OrderingCounters Counters { get; } = new();

    /// <summary>
    /// Whether every member has installed this ring: this process has seen the token twice (so
    /// every member has held it since recovery began) and none was without it at its last visit.
    /// </summary>
    public static bool AllInstalled(Token token, RegularDelivery ring) => ring.Installed && ring.Visits >= 2 && token.PendingInstalls == 0;

    /// <summary>Step 6.e: the regular configuration is delivered; application messages may flow.</summary>
    public void Install() => Installed = true;

    /// <summary>The representative starts the ring's first rotation, as if it had received the initial token.</summary>
    public void StartFirstRotation(Queue<PendingMessage> pending, List<NodeOutput> outputs)
    {
        var token = Token.Initial(_me, Ring);
        if (AcceptToken(token, outputs)) ForwardToken(token, pending, outputs);
    }

    /// <summary>
    /// A message of this ring arrived (new, retransmitted or duplicated). Returns the original
    /// of a rebroadcast seen for the first time, for recovery to take in; otherwise null.
    /// </summary>
    public RegularMessage? OnMessage(RingMessage message, List<NodeOutput> outputs)
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
            return null;
        }
        DeliverWhatIsDeliverable(outputs);
        return (message as RecoveredMessage)?.Original;
    }

    /// <summary>
    /// The first half of a token visit: false for a stale or duplicated token (dropped);
    /// otherwise the token is this visit's, and <see cref="ReceivedByAll"/> is brought up to date.
    /// </summary>
    public bool AcceptToken(Token token, List<NodeOutput> outputs)
    {
        if (token.TokenSeq <= _lastTokenSeq)
        {
            Counters.StaleTokens++;
            return false;
        }
        _lastTokenSeq = token.TokenSeq;
        Visits++;
        if (_lastForwarded is not null)
        {
            _lastForwarded = null;
            outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
        }
        ReceivedByAll = Math.Max(ReceivedByAll, AruRule.ReceivedByAll(_aruForwardedLastVisit, token.Aru));
        return true;
    }

    /// <summary>The second half of a token visit: the six parts above, ending with the token passed on.</summary>
    public void ForwardToken(Token token, Queue<PendingMessage> pending, List<NodeOutput> outputs)
    {
        var (toRetransmit, stillRequested) = RetransmissionRequests.Serve(token.RetransmissionRequests, Buffer.Holds);
        foreach (var requested in toRetransmit)
            outputs.Add(new Broadcast(Buffer.Get(requested)! with { Sender = _me }));
        Counters.Retransmissions += toRetransmit.Length;

        long seq = token.Seq;
        int rebroadcast = FlowControl.NewMessagesAllowed(_settings, token, _myShareOfLastRotation, toRetransmit.Length,
            Rebroadcasts.Count, FlowControl.OthersWaiting(token.Backlog, _myShareOfBacklog), Configuration.Members.Length);
        for (int n = 0; n < rebroadcast; n++)
            Broadcast(new RecoveredMessage(_me, Ring, ++seq, Rebroadcasts.Dequeue()), outputs);
        long recoverySeq = rebroadcast > 0 ? seq : token.RecoverySeq;

        int originated = Installed
            ? FlowControl.NewMessagesAllowed(_settings, token with { Seq = seq }, _myShareOfLastRotation, toRetransmit.Length + rebroadcast,
                pending.Count, FlowControl.OthersWaiting(token.SendBacklog, _myShareOfSendBacklog), Configuration.Members.Length)
            : 0;
        for (int n = 0; n < originated; n++)
            Originate(pending.Dequeue(), ++seq, outputs);

        int broadcastNow = toRetransmit.Length + rebroadcast + originated;
        var forwarded = token with
        {
            Sender = _me,
            TokenSeq = token.TokenSeq + 1,
            Seq = seq,
            RetransmissionRequests = RetransmissionRequests.AddMissing(stillRequested, Buffer.Missing(seq), _settings.MaxRetransmissionRequests),
            FlowControlCount = FlowControl.UpdatedCount(token, _myShareOfLastRotation, broadcastNow),
            RecoverySeq = Math.Max(token.RecoverySeq, recoverySeq),
            Backlog = FlowControl.UpdatedBacklog(token.Backlog, _myShareOfBacklog, Rebroadcasts.Count),
            SendBacklog = FlowControl.UpdatedBacklog(token.SendBacklog, _myShareOfSendBacklog, SendBacklogHere(pending)),
            PendingInstalls = Math.Max(0, token.PendingInstalls - _myShareOfPendingInstalls + (Installed ? 0 : 1)),
        };
        forwarded = AruRule.Apply(forwarded, Acknowledged(forwarded), _me);
        _myShareOfLastRotation = broadcastNow;
        _myShareOfBacklog = Rebroadcasts.Count;
        _myShareOfSendBacklog = SendBacklogHere(pending);
        _myShareOfPendingInstalls = Installed ? 0 : 1;
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

    // What this process has waiting to send, as it tells the others on the token: nothing before
    // the ring is installed here, since it may not send yet and would only shrink their shares.
    private int SendBacklogHere(Queue<PendingMessage> pending) => Installed ? pending.Count : 0;

    // What this process acknowledges on the token. Before the ring is installed here, only the
    // rebroadcasts: another member may already have installed it and broadcast application
    // messages, and acknowledging one of those would let that member deliver it as safe in a
    // configuration this process may never install (Specification 7.2).
    private long Acknowledged(Token token) => Installed ? Buffer.MyAru : Math.Min(Buffer.MyAru, token.RecoverySeq);

    private void Originate(PendingMessage pending, long seq, List<NodeOutput> outputs)
    {
        var id = MessageId.Of(_me, Ring.Sequence, ++_messageCounter);
        outputs.Add(new MessageSent(id, Configuration.Id, pending.Service, pending.Payload));
        Broadcast(new RegularMessage(_me, Ring, seq, id, _me, pending.Service, pending.Payload), outputs);
    }

    private void Broadcast(RingMessage message, List<NodeOutput> outputs)
    {
        Buffer.Add(message);
        outputs.Add(new Broadcast(message));
    }

    // Rebroadcasts are taken in on receipt; in the new ring's order they are only passed over.
    // Application messages wait until the ring is installed (step 2), then follow the rules of step 1.
    private void DeliverWhatIsDeliverable(List<NodeOutput> outputs)
    {
        while (Buffer.Get(DeliveredUpTo + 1) is { } next)
        {
            if (next is RegularMessage m)
            {
                if (!Installed || !DeliveryRule.MayDeliver(m.Service, m.Seq, DeliveredUpTo, ReceivedByAll)) break;
                outputs.Add(new MessageDelivered(m.Id, m.Originator, Configuration.Id, m.Service, m.Payload));
            }
            DeliveredUpTo = next.Seq;
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
