// The node: Totem's four states, each handing its inputs to the class that owns the paper's step.
//   Operational  Step 1 in a regular configuration (Ordering/RegularDelivery).
//   Gather       Totem's membership: agree on the next ring (Membership/Gather).
//   Commit       Steps 2-3: the commit token circulates twice (Recovery/RecoveryAttempt, Step3Exchange).
//   Recovery     Steps 4-5 on the proposed ring, then step 6, atomically (Recovery/RecoveryAttempt).
// "If a failure occurs during execution of the recovery algorithm, then the membership algorithm
// is invoked and the recovery algorithm is restarted at Step 2." What must survive a crash is
// returned as the step's first output (Node/StableMemory), never written from here.
// Every packet is a peer's claim (issue #13): before a state sees it, its ring sequence numbers are
// checked against their bound (Node/ClaimBounds), a token or commit token must come from this
// process's predecessor on its ring, and a join must be fresh; what fails is dropped and counted
// (Node/PacketDrops).
// Over links that work one way only, a foreign process's packet starts a merge only on evidence
// that the two rings hear each other both ways, once a round has failed with it
// (Membership/HearingEvidence).
// A graceful leave (Membership/GracefulLeave): the leaver stops at a token visit once everything up
// to its leave point is received by all and delivered; a member that hears the announcement
// gathers at once with the leaver counted out, and every later round of Gather until the next
// install counts it out too.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Recovery;

namespace Evs.Reference.Node;

/// <summary>
/// One process of the extended virtual synchrony protocol over a Totem ring: the dispatcher of
/// Totem's states. Every send, delivery and configuration change is an output.
/// </summary>
public sealed class TotemNode : IProtocolNode
{
    private readonly TotemSettings _settings;
    private readonly MembershipSettings _membership;
    private readonly OrderingCounters _counters = new();
    private readonly PacketDrops _drops = new();
    private readonly Step2Buffering _buffering = new();
    private readonly StableMemory _stable = new();
    private readonly PrimaryInstall _primary;
    private readonly HearingEvidence _hearing;
    private readonly GracefulLeave _leave = new();
    private readonly LeaveNotices _leaves = new();
    private bool _left;
    private bool _reporting;
    private RegularDelivery? _regular;
    private Gather? _gather;
    private RecoveryAttempt? _attempt;
    private ObligationSet _obligations = ObligationSet.Empty;
    private long _ignoredPackets;

    /// <summary>
    /// A node of process <paramref name="id"/>; with a <paramref name="primary"/> component
    /// algorithm, every regular configuration it delivers says whether it is primary.
    /// </summary>
    public TotemNode(ProcessId id, TotemSettings? settings = null, MembershipSettings? timeouts = null, IPrimaryComponentAlgorithm? primary = null)
    {
        Id = id;
        _settings = settings ?? TotemSettings.Simulation;
        _membership = timeouts ?? MembershipSettings.Simulation;
        _primary = new PrimaryInstall(id, primary);
        _hearing = new HearingEvidence(id);
    }

    /// <inheritdoc/>
    public ProcessId Id { get; }

    /// <inheritdoc/>
    public MembershipState State { get; private set; } = MembershipState.Gather;

    /// <inheritdoc/>
    public NodeSnapshot Snapshot() => new(
        Id, State, _gather?.Reason,
        _regular is { } regular ? RingSnapshot.Of(regular.Ring, regular.Hold.Held is not null) : null,
        State == MembershipState.Gather && _gather is { } g ? new GatherSnapshot(g.ProcSet, g.FailSet, g.HasConsensus) : null,
        _attempt is { } attempt ? RecoverySnapshot.Of(attempt) : null,
        _attempt?.Obligations ?? _obligations, _buffering.Pending.Count, _primary.History, _counters.Copy(), _ignoredPackets, _drops.Copy());

    /// <inheritdoc/>
    public PacketDrops Drops() => _drops.Copy();

    /// <inheritdoc/>
    /// <remarks>A leave asked for and not yet done counts as one send still to make, its announcement:
    /// a run in which a process is still to leave has not settled (docs/TRACE.md, quiescent).</remarks>
    public NodeProgress Progress() => new(
        Id, State, _regular?.Ring.Id, _regular?.Configuration, _buffering.Pending.Count + (_leave.Requested ? 1 : 0),
        _regular?.Ring.DeliveredUpTo ?? 0, _regular?.Ring.Buffer.HighestSeen ?? 0);

    /// <inheritdoc/>
    public IReadOnlyList<NodeOutput> Handle(NodeInput input)
    {
        var outputs = new List<NodeOutput>();
        Handle(input, outputs);
        return outputs;
    }

    /// <summary>
    /// <see cref="Handle(NodeInput)"/>, with the outputs added to <paramref name="outputs"/>: for a
    /// driver that carries out each step's outputs before the next step, and so needs one list only.
    /// </summary>
    public void Handle(NodeInput input, List<NodeOutput> outputs)
    {
        if (_left) return; // a driver's stray input after the leave: the process has stopped
        switch (input)
        {
            case Start start:
                _stable.Begin(_primary.History);
                EnterGather(GatherReason.Start, [], outputs, start.Expected);
                break;
            case Restart restart:
                _primary.Restore(restart.Saved?.Primary);
                _stable.Restore(restart.Saved, _primary.History);
                var singleton = new RingId(checked(_stable.HighestRingSequence + 1), Id); // larger than any it had seen (docs/TRACE.md)
                InstallDirectly(singleton, [Id], outputs);
                break;
            case StartInRing start:
                if (!start.Members.Contains(Id)) throw new ArgumentException($"{Id} is not a member of {start.Ring}", nameof(input));
                _stable.Begin(_primary.History);
                InstallDirectly(start.Ring, start.Members, outputs);
                break;
            case SendRequested when _leave.Requested:
                break;
            case SendRequested send:
                _buffering.Buffer(send.Payload, send.Service);
                if (State == MembershipState.Operational) _regular!.OnSendRequested(outputs);
                break;
            case LeaveRequested:
                _leave.Request();
                if (State == MembershipState.Operational) _regular!.OnSendRequested(outputs); // the token is wanted here, held or not
                break;
            case PacketArrived { Packet: var packet }:
                OnPacket(packet, outputs);
                break;
            case TimerExpired { Timer: var timer }:
                OnTimer(timer, outputs);
                break;
            default:
                throw new ArgumentException($"{Id}: unexpected input {input}", nameof(input));
        }
        _stable.PersistIfChanged(_primary.History, outputs);
    }

    private void OnPacket(Packet packet, List<NodeOutput> outputs)
    {
        bool operational = State == MembershipState.Operational, recovering = State == MembershipState.Recovery;
        if (!ClaimBounds.RingSequencesWithin(packet, _stable.HighestRingSequence, _membership.RingSequenceLead))
        {
            _drops.OutOfBounds++;
            return;
        }
        _hearing.Heard(packet.Sender);
        switch (packet)
        {
            case Token token when TokenRing(token) is { } ring && token.Sender != ring.Predecessor:
                _drops.Misaddressed++;
                break;
            case JoinMessage join:
                OnJoin(join, outputs);
                break;
            case CommitToken commit:
                OnCommitToken(commit, outputs);
                break;
            case LeaveAnnouncement leave:
                OnLeaveAnnounced(leave, outputs);
                break;
            case HearingReport report:
                _hearing.OnReport(report);
                if (operational && IsForeign(report) && MayMergeWith(report.Sender)) EnterGather(GatherReason.ForeignProcess, [report.Sender], outputs);
                break;
            case MergeDetect detect when operational && IsForeign(detect) && MayMergeWith(detect.Sender):
                EnterGather(GatherReason.ForeignProcess, [detect.Sender], outputs);
                break;
            case TokenHoldCancel cancel when operational && cancel.Ring == _regular!.Ring.Id && _regular.Configuration.Contains(cancel.Sender):
                _regular.OnHoldCancel(outputs);
                break;
            case Token token when operational && token.Ring == _regular!.Ring.Id:
                if (!_regular.Accept(token, outputs))
                {
                    if (_regular.Ring.FailedToReceive) EnterGather(GatherReason.FailedToReceive, [], outputs);
                    break;
                }
                if (_leave.AtTokenVisit(Id, _regular.Ring, token, _buffering.Pending.Count) is { } announcement)
                {
                    Leave(announcement, outputs);
                    break;
                }
                outputs.Add(new StartTimer(TimerKind.TokenLoss, _membership.TokenLossTimeoutMs));
                _primary.ConfirmIfAllInstalled(token, _regular.Ring);
                _regular.PassOnOrHold(token, outputs);
                break;
            case Token token when recovering && token.Ring == _attempt!.Ring?.Id:
                OnRecoveryToken(token, outputs);
                break;
            case RingMessage message when operational && message.Ring == _regular!.Ring.Id:
                _regular.OnMessage(message, outputs);
                break;
            case RegularMessage late when State == MembershipState.Gather && late.Ring == _regular?.Ring.Id:
                _regular.Ring.Buffer.Add(late); // still worth having until step 3 says what this process holds
                break;
            case RingMessage message when recovering && message.Ring == _attempt!.Ring?.Id:
                _attempt.OnMessage(message, outputs);
                break;
            case RingMessage message when operational && IsForeign(message) && MayMergeWith(message.Sender):
                EnterGather(GatherReason.ForeignProcess, [message.Sender], outputs);
                break;
            default:
                _ignoredPackets++;
                break;
        }
    }

    // The ring a token is for, when this process is taking part in it now: its regular ring while
    // operational, the proposed ring while recovering.
    private TotemRing? TokenRing(Token token) =>
        State == MembershipState.Operational && token.Ring == _regular!.Ring.Id ? _regular.Ring
        : State == MembershipState.Recovery && token.Ring == _attempt!.Ring?.Id ? _attempt.Ring
        : null;

    private void OnTimer(TimerKind timer, List<NodeOutput> outputs)
    {
        switch (timer)
        {
            case TimerKind.TokenRetransmit when State == MembershipState.Operational:
                _regular!.Ring.OnTokenRetransmitTimeout(outputs);
                break;
            case TimerKind.TokenRetransmit when _attempt is { } attempt:
                attempt.OnTokenRetransmitTimeout(outputs);
                break;
            case TimerKind.TokenHold when State == MembershipState.Operational:
                _regular!.OnHoldExpired(outputs);
                break;
            case TimerKind.TokenLoss when State == MembershipState.Operational:
                EnterGather(GatherReason.TokenLoss, [], outputs);
                break;
            case TimerKind.TokenLoss when _attempt is { } attempt:
                EnterGather(GatherReason.RecoveryInterrupted, attempt.Members, outputs);
                break;
            case TimerKind.Join when State == MembershipState.Gather:
                _gather!.OnJoinTimeout(outputs);
                break;
            case TimerKind.Consensus when State == MembershipState.Gather:
                _gather!.OnConsensusTimeout(outputs);
                CommitIfAgreed(outputs);
                break;
            case TimerKind.HearingReport when _reporting && _regular is { } ring: // a driver's stray timer, before any install or after the reports stopped, is ignored
                _reporting = _hearing.OnReportTimer(ring.Ring.Id, ring.Configuration.Members, outputs);
                if (_reporting) outputs.Add(new StartTimer(TimerKind.HearingReport, _membership.MergeDetectTimeoutMs));
                break;
            case TimerKind.MergeDetect when State == MembershipState.Operational && _regular!.Ring.Id.Representative == Id:
                outputs.Add(new Broadcast(new MergeDetect(Id, _regular.Ring.Id)));
                outputs.Add(new StartTimer(TimerKind.MergeDetect, _membership.MergeDetectTimeoutMs));
                break;
        }
    }

    // ---- Gather: agree on the members of the next ring (Membership/Gather) ----

    private void EnterGather(GatherReason reason, IEnumerable<ProcessId> alsoReachable, List<NodeOutput> outputs, IReadOnlySet<ProcessId>? expected = null)
    {
        var reachable = (_regular?.Configuration.Members ?? []).Concat(alsoReachable);
        if (State == MembershipState.Operational) _hearing.RoundBegins();
        State = MembershipState.Gather;
        _gather = new Gather(Id, reachable, reason, expected, _leaves.From(_regular?.Ring.Id));
        _obligations = _attempt?.Obligations ?? _obligations; // an interrupted recovery keeps what its step 5.c took on
        _attempt = null;
        _primary.Abandon();
        _regular?.Hold.Abandon(outputs);
        _gather.Begin(_regular?.Ring.Id ?? new RingId(0, Id), _stable.HighestRingSequence, _membership, outputs);
        CommitIfAgreed(outputs);
    }

    // A leftover of the round that formed the last installed ring is stale in every state (issue #13,
    // item 2): its sender has seen that ring since, so it says nothing that sender still holds. In
    // Gather it would add back to the round a fail set its sender has given up.
    private void OnJoin(JoinMessage join, List<NodeOutput> outputs)
    {
        if (_regular is { } regular && join.IsLeftoverOf(regular.Ring.Id, regular.Configuration))
        {
            _drops.StaleJoins++;
            return;
        }
        if (State == MembershipState.Operational && IsForeign(join) && !MayMergeWith(join.Sender))
        {
            _ignoredPackets++;
            return;
        }
        if (State == MembershipState.Operational)
            EnterGather(IsForeign(join) ? GatherReason.ForeignProcess : GatherReason.JoinReceived, [join.Sender], outputs);
        else if (_attempt is { } attempt && join.Abandons(attempt.ProposedRing, attempt.Members))
            EnterGather(GatherReason.JoinReceived, attempt.Members, outputs);
        else if (_attempt is not null)
            return; // a late join of the round that agreed on this ring, or an outsider's: merged later
        if (!_gather!.Receive(join, outputs))
        {
            _drops.StaleJoins++;
            return;
        }
        CommitIfAgreed(outputs);
    }

    private bool IsForeign(Packet packet) => _regular is { } ring && !ring.Configuration.Contains(packet.Sender);

    private bool MayMergeWith(ProcessId foreign) => _hearing.MayMergeWith(foreign, _regular!.Configuration.Members);

    // ---- A graceful leave (Membership/GracefulLeave) ----

    // The leaver, at the token visit at which everything up to its leave point is received by all:
    // it delivers up to there, announces, keeps the token, and stops (its timers stop with it, as on a crash).
    private void Leave(LeaveAnnouncement leave, List<NodeOutput> outputs)
    {
        _regular!.Ring.DeliverNow(outputs);
        _regular.Hold.Abandon(outputs);
        outputs.Add(new Broadcast(leave));
        outputs.Add(new ProcessLeft(_regular.Configuration.Id));
        _left = true;
    }

    // A member of this process's last regular ring announced its leave from it: it is counted out of
    // this round of Gather and of every round until the next ring is installed. While operational,
    // what the announcement says is received by all is delivered first, then the round begins; a
    // commit or recovery towards a ring with the leaver in it cannot end, and is given up at once.
    private void OnLeaveAnnounced(LeaveAnnouncement leave, List<NodeOutput> outputs)
    {
        if (_regular is not { } regular || leave.Ring != regular.Ring.Id || leave.Sender == Id || !regular.Configuration.Contains(leave.Sender))
        {
            _ignoredPackets++;
            return;
        }
        _leaves.Record(leave.Ring, leave.Sender);
        switch (State)
        {
            case MembershipState.Operational:
                regular.Ring.LearnReceivedByAll(leave.AfterSeq, outputs);
                EnterGather(GatherReason.LeaveAnnounced, [], outputs);
                break;
            case MembershipState.Gather:
                _gather!.CountOut(leave.Sender, outputs);
                CommitIfAgreed(outputs);
                break;
            case MembershipState.Commit or MembershipState.Recovery when _attempt!.Members.Contains(leave.Sender):
                EnterGather(GatherReason.LeaveAnnounced, _attempt.Members, outputs);
                break;
        }
    }

    // ---- Commit and Recovery: one attempt of the recovery algorithm (Recovery/RecoveryAttempt) ----

    private void CommitIfAgreed(List<NodeOutput> outputs)
    {
        if (State != MembershipState.Gather || _gather!.Waiting || !_gather.HasConsensus || _gather.Representative != Id) return;
        var ring = new RingId(checked(Math.Max(_stable.HighestRingSequence, _gather.HighestRingSequence) + 1), Id);
        EnterCommit(new CommitToken(Id, ring, [.. _gather.Proposed], [], Rotation: 1, TokenSeq: 0), outputs);
    }

    // A commit token is taken only from this process's predecessor on the ring it proposes, and only
    // if it is one its representative and members could have written (ClaimBounds.CommitTokenWithin).
    private void OnCommitToken(CommitToken commit, List<NodeOutput> outputs)
    {
        if (commit.Sender != commit.Predecessor(Id))
        {
            _drops.Misaddressed++;
            return;
        }
        if (!ClaimBounds.CommitTokenWithin(commit, _regular?.Ring))
        {
            _drops.OutOfBounds++;
            return;
        }
        bool mine = _attempt?.ProposedRing == commit.Ring;
        if (mine && _attempt!.Exchange.IsCopy(commit)) return;
        if (commit.Rotation == 1 && commit.Ring.Representative != Id && State == MembershipState.Gather && _gather!.Accepts(commit, _stable.HighestRingSequence))
        {
            EnterCommit(commit, outputs);
            return;
        }
        switch (mine ? _attempt!.OnCommitToken(commit, outputs) : CommitTokenOutcome.Ignored)
        {
            case CommitTokenOutcome.EnteredRecovery:
                State = MembershipState.Recovery;
                break;
            case CommitTokenOutcome.RingStarts:
                OnRecoveryToken(Token.Initial(Id, commit.Ring), outputs);
                break;
            default:
                _ignoredPackets++;
                break;
        }
    }

    // Step 2 begins (the application's messages wait until the next regular configuration), and
    // step 3: this process writes what it knows on the commit token and passes it on.
    private void EnterCommit(CommitToken commit, List<NodeOutput> outputs)
    {
        State = MembershipState.Commit;
        _stable.SawRingSequence(commit.Ring.Sequence);
        _attempt = new RecoveryAttempt(Id, commit, _regular?.Ring, _obligations, _settings, _membership, _counters, _drops, _primary, _leaves);
        _attempt.Begin(outputs);
    }

    private void OnRecoveryToken(Token token, List<NodeOutput> outputs)
    {
        var attempt = _attempt!;
        if (attempt.OnToken(token, _buffering.Pending, outputs) is not { } toPassOn)
        {
            if (attempt.Ring!.FailedToReceive) EnterGather(GatherReason.FailedToReceive, attempt.Members, outputs);
            return;
        }
        // Step 6 has installed the new regular configuration: the proposed ring goes on as step 1's.
        _stable.Installed(attempt.Ring!.Configuration.Id);
        _regular = new RegularDelivery(Id, attempt.Ring, _buffering.Pending, _settings);
        _attempt = null;
        _obligations = ObligationSet.Empty;
        BecomeOperational(outputs);
        _regular.PassOnAfterInstall(toPassOn, attempt.Rebroadcast!.Queue, outputs);
    }

    private void BecomeOperational(List<NodeOutput> outputs)
    {
        State = MembershipState.Operational;
        if (_hearing.Installed(_regular!.Configuration.Members) && !_reporting)
        {
            _reporting = true;
            OnTimer(TimerKind.HearingReport, outputs); // the first report at once: the others wait for it to merge
        }
        outputs.Add(new StartTimer(TimerKind.TokenLoss, _membership.TokenLossTimeoutMs));
        if (_regular!.Ring.Id.Representative == Id)
            outputs.Add(new StartTimer(TimerKind.MergeDetect, _membership.MergeDetectTimeoutMs));
    }

    // A ring installed without recovery: a recovered process's singleton, or a fixed ring. The
    // primary component decision rests on this process's own history.
    private void InstallDirectly(RingId ring, ImmutableArray<ProcessId> members, List<NodeOutput> outputs)
    {
        _stable.SawRingSequence(ring.Sequence);
        var configuration = Configuration.Regular(ring, members);
        _regular = new RegularDelivery(Id, new TotemRing(Id, ring, configuration, _settings, _counters, drops: _drops), _buffering.Pending, _settings);
        if (_primary.Decide(ring, configuration.Members, [Step3Exchange.InfoOf(Id, null, _obligations, _primary.History)]) is { } attempt)
        {
            configuration = configuration with { Primary = attempt.Decision.Primary };
            if (_primary.Installing(attempt) is { } installed) outputs.Add(installed);
            if (attempt.Decision.Primary && configuration.Members.Length == 1) _primary.ConfirmAlone();
        }
        outputs.Add(new ConfigurationDelivered(configuration));
        _stable.Installed(configuration.Id);
        BecomeOperational(outputs);
        if (ring.Representative == Id) _regular.StartFirstRotation(outputs);
    }
}
