// Totem's single ring (Amir et al., TOCS 1995), the paper's reference [3], as one process takes
// part in it: the token circulates, only its holder broadcasts new messages, which gives them a
// total order, and the token's aru acknowledges what every member has received. The paper's
// algorithm uses one ring in two ways:
//   - the ring of the regular configuration, where step 1 sends and delivers (RegularDelivery);
//   - the ring of a proposed configuration while it recovers (Recovery/RecoveryAttempt), where
//     step 5.a rebroadcasts the old messages and step 2 keeps the application's messages back
//     until step 6.e installs the configuration, after which the same ring goes on as the first.
// This class is what both share: what one token visit does, and what a message arriving does.
// What a peer claims on the token and in its messages is kept within bounds here (issue #13, item 3:
// Node/ClaimBounds), and a ring on which this process keeps being told of messages it never receives
// is given up, as Corosync does after fail_recv_const rotations (FailedToReceive).
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Recovery;

namespace Evs.Reference.Ordering;

/// <summary>
/// One process's part of one Totem ring. On each token visit it (<see cref="Accept"/>) drops stale
/// tokens and tokens beyond their bounds, and learns what all have received, then
/// (<see cref="PassOn"/>) (1) retransmits what others asked for (what some member may still lack),
/// (2) broadcasts new messages as flow control allows — step 5.a's rebroadcasts
/// first, then the application's (step 2 holds them back until the ring is <see cref="Installed"/>)
/// — (3) asks for what it misses, (4) updates the aru, (5) updates the flow control count, passes
/// the token on, and (6) delivers what has become deliverable (<see cref="DeliveryRule"/>).
/// </summary>
public sealed class TotemRing
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
    private long _myAruAtLastVisit;
    private int _visitsWithoutReceiving;
    private readonly Func<long, bool> _holds; // Buffer.Holds, made into a delegate once rather than at every visit

    /// <summary>
    /// <paramref name="me"/>'s part of ring <paramref name="ring"/> of the regular configuration
    /// <paramref name="configuration"/>; not <paramref name="installed"/> while the ring still
    /// recovers (steps 2-5). <paramref name="counters"/> and <paramref name="drops"/> are the
    /// process's, shared by all its rings (by default this ring's own).
    /// </summary>
    public TotemRing(ProcessId me, RingId ring, Configuration configuration, TotemSettings settings, OrderingCounters? counters = null,
        bool installed = true, PacketDrops? drops = null)
    {
        _me = me;
        Id = ring;
        Configuration = configuration;
        _settings = settings;
        Counters = counters ?? new OrderingCounters();
        Drops = drops ?? new PacketDrops();
        Buffer = new ReceiveBuffer(ClaimBounds.MessageLead(settings), Drops);
        _holds = Buffer.Holds;
        Installed = installed;
        var members = configuration.Members;
        int mine = members.IndexOf(me);
        _successor = members[(mine + 1) % members.Length];
        Predecessor = members[(mine + members.Length - 1) % members.Length];
    }

    /// <summary>The ring's identifier.</summary>
    public RingId Id { get; }

    /// <summary>The regular configuration of this ring.</summary>
    public Configuration Configuration { get; }

    /// <summary>
    /// Whether the configuration change to this ring has been delivered here (step 6.e). Until
    /// then step 2 holds (<see cref="Step2Buffering"/>): no application message is broadcast, and
    /// the application messages received are buffered, neither delivered nor acknowledged.
    /// </summary>
    public bool Installed { get; private set; }

    /// <summary>
    /// The member this process receives the token from: "a token is accepted only from the ring
    /// predecessor it names, for the ring it names" (issue #13). A copy of another member's token,
    /// delivered here by mistake or on purpose, would otherwise be taken for this process's turn, and
    /// a second token would go round with it. (The token a process gives itself when it starts a
    /// ring, <see cref="Token.Initial"/>, is not a packet, and is not asked.)
    /// </summary>
    public ProcessId Predecessor { get; }

    /// <summary>The messages held: received, and not yet known to be received by all or not yet delivered.</summary>
    public ReceiveBuffer Buffer { get; }

    /// <summary>Every message with an ordinal up to this one has been delivered (or, if a rebroadcast, taken in).</summary>
    public long DeliveredUpTo { get; private set; }

    /// <summary>Every message with an ordinal up to this one is known to be received by every member.</summary>
    public long ReceivedByAll { get; private set; }

    /// <summary>How many times this process has accepted the token of this ring.</summary>
    public int Visits { get; private set; }

    /// <summary>What happened that a student or operator may want to count (the process's, across its rings).</summary>
    public OrderingCounters Counters { get; }

    /// <summary>What was dropped as no correct process would send it (the process's, across its rings).</summary>
    public PacketDrops Drops { get; }

    /// <summary>
    /// Corosync's "FAILED TO RECEIVE": for <see cref="TotemSettings.FailToReceiveRotations"/> token
    /// visits in a row, the token showed work to do (an ordinal this process lacks, or anything that
    /// keeps it from looking idle: <see cref="TokenHold.LooksIdle"/>) and this process received
    /// nothing new. On a correct ring a missing message is retransmitted within a rotation or two,
    /// and a token that shows work soon shows it done; what is left are messages that no member
    /// holds (a token whose ordinal a peer raised), or counts that no member will ever take back.
    /// The ring cannot get past them, and the process leaves it (the node gathers): recovery then
    /// starts the new ring from what the members really hold.
    /// </summary>
    public bool FailedToReceive => _visitsWithoutReceiving >= _settings.FailToReceiveRotations;

    /// <summary>
    /// Whether every member has installed this ring: this process has seen the token twice (so
    /// every member has held it since recovery began) and none was without it at its last visit.
    /// </summary>
    public static bool AllInstalled(Token token, TotemRing ring) => ring.Installed && ring.Visits >= 2 && token.PendingInstalls == 0;

    /// <summary>Step 6.e: the regular configuration is delivered here; step 2 ends on this ring.</summary>
    public void Install() => Installed = true;

    /// <summary>The representative starts the ring's first rotation, as if it had received the initial token.</summary>
    public void StartFirstRotation(Queue<PendingMessage> pending, List<NodeOutput> outputs)
    {
        var token = Token.Initial(_me, Id);
        if (Accept(token, outputs)) PassOn(token, NoRebroadcasts, pending, outputs);
    }

    /// <summary>
    /// A message of this ring arrived (new, retransmitted or duplicated): it is held, and delivered
    /// when it may be. Returns the original of a rebroadcast seen for the first time, for recovery
    /// to take in (step 5.a); otherwise null.
    /// </summary>
    public RegularMessage? Receive(RingMessage message, List<NodeOutput> outputs)
    {
        var receipt = Buffer.Add(message);
        if (receipt == Receipt.BeyondWindow) return null;
        if (_lastForwarded is { } forwarded && message.Seq > forwarded.Seq)
        {
            // The next process has broadcast: the token did move on.
            _lastForwarded = null;
            outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
        }
        if (receipt == Receipt.Duplicate)
        {
            Counters.DuplicateMessages++;
            return null;
        }
        DeliverWhatIsDeliverable(outputs);
        return (message as RecoveredMessage)?.Original;
    }

    /// <summary>
    /// The first half of a token visit: false for a stale or duplicated token, or one beyond its
    /// bounds (<see cref="ClaimBounds.TokenWithin"/>), which are dropped; false too when, with this
    /// visit, this process has <see cref="FailedToReceive"/>: it leaves the ring, and the token goes
    /// no further. Otherwise the token is this visit's, and <see cref="ReceivedByAll"/> is brought up to date.
    /// </summary>
    public bool Accept(Token token, List<NodeOutput> outputs)
    {
        if (token.TokenSeq <= _lastTokenSeq)
        {
            Counters.StaleTokens++;
            return false;
        }
        if (!ClaimBounds.TokenWithin(token, _lastTokenSeq, Buffer.SeqOnToken, Configuration, _settings))
        {
            Drops.OutOfBounds++;
            return false;
        }
        _lastTokenSeq = token.TokenSeq;
        Buffer.SawToken(token.Seq);
        Visits++;
        if (_lastForwarded is not null)
        {
            _lastForwarded = null;
            outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
        }
        ReceivedByAll = Math.Max(ReceivedByAll, AruRule.ReceivedByAll(_aruForwardedLastVisit, token.Aru));
        _visitsWithoutReceiving = ReceivedNothingNew(token) ? _visitsWithoutReceiving + 1 : 0;
        _myAruAtLastVisit = Buffer.MyAru;
        if (!FailedToReceive) return true;
        Counters.FailuresToReceive++;
        return false;
    }

    /// <summary>
    /// The second half of a token visit: the six parts above, ending with the token passed on.
    /// <paramref name="rebroadcasts"/> are step 5.a's old messages, broadcast first; <paramref name="pending"/>
    /// the application's, broadcast only once the ring is installed. Returns the token as passed on.
    /// </summary>
    public Token PassOn(Token token, Queue<RegularMessage> rebroadcasts, Queue<PendingMessage> pending, List<NodeOutput> outputs)
    {
        var requests = RetransmissionRequests.Window(token.RetransmissionRequests, Math.Max(token.Aru, ReceivedByAll), token.Seq, _settings.MaxRetransmissionRequests);
        Drops.DroppedRequests += token.RetransmissionRequests.Length - requests.Length;
        var (toRetransmit, stillRequested) = RetransmissionRequests.Serve(requests, _holds);
        foreach (var requested in toRetransmit)
            outputs.Add(new Broadcast(Buffer.Get(requested)! with { Sender = _me }));
        Counters.Retransmissions += toRetransmit.Length;

        long seq = token.Seq;
        int rebroadcast = FlowControl.NewMessagesAllowed(_settings, token, _myShareOfLastRotation, toRetransmit.Length,
            rebroadcasts.Count, FlowControl.OthersWaiting(token.Backlog, _myShareOfBacklog), Configuration.Members.Length);
        for (int n = 0; n < rebroadcast; n++)
            Broadcast(new RecoveredMessage(_me, Id, checked(++seq), rebroadcasts.Dequeue()), outputs);
        long recoverySeq = rebroadcast > 0 ? seq : token.RecoverySeq;

        int originated = Step2Buffering.MayOriginateOn(this)
            ? FlowControl.NewMessagesAllowed(_settings, seq == token.Seq ? token : token with { Seq = seq }, _myShareOfLastRotation, toRetransmit.Length + rebroadcast,
                pending.Count, FlowControl.OthersWaiting(token.SendBacklog, _myShareOfSendBacklog), Configuration.Members.Length)
            : 0;
        for (int n = 0; n < originated; n++)
            Originate(pending.Dequeue(), checked(++seq), outputs);

        int broadcastNow = toRetransmit.Length + rebroadcast + originated;
        var forwarded = token with
        {
            Sender = _me,
            TokenSeq = checked(token.TokenSeq + 1),
            Seq = seq,
            RetransmissionRequests = RetransmissionRequests.AddMissing(stillRequested, Buffer.Missing(seq), _settings.MaxRetransmissionRequests),
            FlowControlCount = FlowControl.UpdatedCount(token, _myShareOfLastRotation, broadcastNow),
            RecoverySeq = Math.Max(token.RecoverySeq, recoverySeq),
            Backlog = FlowControl.UpdatedBacklog(token.Backlog, _myShareOfBacklog, rebroadcasts.Count),
            SendBacklog = FlowControl.UpdatedBacklog(token.SendBacklog, _myShareOfSendBacklog, Step2Buffering.SendBacklog(this, pending)),
            PendingInstalls = Math.Max(0, token.PendingInstalls - _myShareOfPendingInstalls + (Installed ? 0 : 1)),
        };
        forwarded = AruRule.Apply(forwarded, Step2Buffering.Acknowledged(this, forwarded.RecoverySeq), _me);
        _myShareOfLastRotation = broadcastNow;
        _myShareOfBacklog = rebroadcasts.Count;
        _myShareOfSendBacklog = Step2Buffering.SendBacklog(this, pending);
        _myShareOfPendingInstalls = Installed ? 0 : 1;
        _aruForwardedLastVisit = forwarded.Aru;
        Buffer.SawToken(seq);
        _lastForwarded = forwarded;
        outputs.Add(new Unicast(_successor, forwarded));
        outputs.Add(new StartTimer(TimerKind.TokenRetransmit, _settings.TokenRetransmitTimeoutMs));

        DeliverWhatIsDeliverable(outputs);
        Buffer.DiscardUpTo(Math.Min(DeliveredUpTo, ReceivedByAll));
        return forwarded;
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

    /// <summary>
    /// A leaving member announced that every member has received every message up to
    /// <paramref name="seq"/> (<see cref="Membership.LeaveAnnouncement"/>, from what its token visits
    /// showed it): believed as far as this process holds every message itself, which a correct
    /// announcement never exceeds. What has become deliverable is delivered.
    /// </summary>
    public void LearnReceivedByAll(long seq, List<NodeOutput> outputs)
    {
        ReceivedByAll = Math.Max(ReceivedByAll, Math.Min(seq, Buffer.MyAru));
        DeliverWhatIsDeliverable(outputs);
    }

    /// <summary>
    /// Delivers what the delivery rules allow now, between the two halves of a token visit: a leaving
    /// process whose leave point has just become received by all delivers up to it before it stops.
    /// </summary>
    public void DeliverNow(List<NodeOutput> outputs) => DeliverWhatIsDeliverable(outputs);

    /// <summary>No old messages to rebroadcast: what a ring passes on outside recovery. Nothing is ever enqueued on it.</summary>
    internal static Queue<RegularMessage> NoRebroadcasts { get; } = new();

    // A visit at which the token shows work to do (FailedToReceive) and this process's aru has not moved since its last.
    private bool ReceivedNothingNew(Token token) =>
        Buffer.MyAru == _myAruAtLastVisit && (token.Seq > Buffer.MyAru || !TokenHold.LooksIdle(token));

    private void Originate(PendingMessage pending, long seq, List<NodeOutput> outputs)
    {
        var id = MessageId.Of(_me, Id.Sequence, ++_messageCounter);
        outputs.Add(new MessageSent(id, Configuration.Id, pending.Service, pending.Payload));
        Broadcast(new RegularMessage(_me, Id, seq, id, _me, pending.Service, pending.Payload), outputs);
    }

    private void Broadcast(RingMessage message, List<NodeOutput> outputs)
    {
        Buffer.Add(message);
        outputs.Add(new Broadcast(message));
    }

    // Rebroadcasts are taken in on receipt; in the new ring's order they are only passed over.
    // Application messages wait while step 2 holds, then follow the delivery rules of step 1.
    private void DeliverWhatIsDeliverable(List<NodeOutput> outputs)
    {
        while (Buffer.Get(DeliveredUpTo + 1) is { } next)
        {
            if (next is RegularMessage m)
            {
                if (!Step2Buffering.MayDeliverOn(this) || !DeliveryRule.MayDeliver(m.Service, m.Seq, DeliveredUpTo, ReceivedByAll)) break;
                outputs.Add(new MessageDelivered(m.Id, m.Originator, Configuration.Id, m.Service, m.Payload));
            }
            DeliveredUpTo = next.Seq;
        }
    }
}
