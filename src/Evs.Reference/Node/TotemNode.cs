// The node: Totem's four states, each handing its inputs to the class that owns the paper's step.
//   Operational  Step 1 in a regular configuration (Ordering/RegularDelivery).
//   Gather       Totem's membership: agree on the next ring (Membership/Gather).
//   Commit       Steps 2-3: the commit token circulates twice (Recovery/RecoveryAttempt, Step3Exchange).
//   Recovery     Steps 4-5 on the proposed ring, then step 6, atomically (Recovery/RecoveryAttempt).
// "If a failure occurs during execution of the recovery algorithm, then the membership algorithm
// is invoked and the recovery algorithm is restarted at Step 2." What must survive a crash is
// returned as the step's first output (PersistState), never written from here.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Recovery;
using Evs.Reference.Storage;

namespace Evs.Reference.Node;

/// <summary>
/// One process of the extended virtual synchrony protocol over a Totem ring: the dispatcher of
/// Totem's states. Every send, delivery and configuration change is an output.
/// </summary>
public sealed class TotemNode : IProtocolNode
{
    private readonly TotemSettings _settings;
    private readonly MembershipSettings _timeouts;
    private readonly OrderingCounters _counters = new();
    private readonly Step2Buffering _buffering = new();
    private readonly PrimaryInstall _primary;
    private long _highestRingSequence;
    private ConfigurationId? _lastConfiguration;
    private StableState? _persisted;
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
        _timeouts = timeouts ?? MembershipSettings.Simulation;
        _primary = new PrimaryInstall(id, primary);
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
        _attempt?.Obligations ?? _obligations, _buffering.Pending.Count, _primary.History, _counters.Copy(), _ignoredPackets);

    /// <inheritdoc/>
    public IReadOnlyList<NodeOutput> Handle(NodeInput input)
    {
        var outputs = new List<NodeOutput>();
        switch (input)
        {
            case Start start:
                _persisted = Stable();
                EnterGather(GatherReason.Start, [], outputs, start.Expected);
                break;
            case Restart restart:
                Restore(restart.Saved);
                InstallSingleton(outputs);
                break;
            case StartInRing start:
                _persisted = Stable();
                InstallFixedRing(start, outputs);
                break;
            case SendRequested send:
                _buffering.Buffer(send.Payload, send.Service);
                if (State == MembershipState.Operational) _regular!.OnSendRequested(outputs);
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
        PersistIfChanged(outputs);
        return outputs;
    }

    private void OnPacket(Packet packet, List<NodeOutput> outputs)
    {
        var operational = State == MembershipState.Operational;
        var recovering = State == MembershipState.Recovery;
        switch (packet)
        {
            case JoinMessage join:
                OnJoin(join, outputs);
                break;
            case CommitToken commit:
                OnCommitToken(commit, outputs);
                break;
            case MergeDetect detect when operational && IsForeign(detect):
                EnterGather(GatherReason.ForeignProcess, [detect.Sender], outputs);
                break;
            case TokenHoldCancel cancel when operational && cancel.Ring == _regular!.Ring.Id:
                _regular.OnHoldCancel(outputs);
                break;
            case Token token when operational && token.Ring == _regular!.Ring.Id:
                if (!_regular.Accept(token, outputs)) break;
                outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
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
                // Late messages of the old ring are still worth having until step 3 states what this process holds.
                _regular.Ring.Buffer.Add(late);
                break;
            case RingMessage message when recovering && message.Ring == _attempt!.Ring?.Id:
                _attempt.OnMessage(message, outputs);
                break;
            case RingMessage message when operational && IsForeign(message):
                EnterGather(GatherReason.ForeignProcess, [message.Sender], outputs);
                break;
            default:
                _ignoredPackets++;
                break;
        }
    }

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
                BroadcastJoin(outputs);
                outputs.Add(new StartTimer(TimerKind.Join, _timeouts.JoinTimeoutMs));
                break;
            case TimerKind.Consensus when State == MembershipState.Gather:
                if (_gather!.OnConsensusTimeout()) BroadcastJoin(outputs);
                outputs.Add(new StartTimer(TimerKind.Consensus, _timeouts.ConsensusTimeoutMs));
                CommitIfAgreed(outputs);
                break;
            case TimerKind.MergeDetect when State == MembershipState.Operational && _regular!.Ring.Id.Representative == Id:
                outputs.Add(new Broadcast(new MergeDetect(Id, _regular.Ring.Id)));
                outputs.Add(new StartTimer(TimerKind.MergeDetect, _timeouts.MergeDetectTimeoutMs));
                break;
        }
    }

    // ---- Gather: agree on the members of the next ring (Membership/Gather) ----

    private void EnterGather(GatherReason reason, IEnumerable<ProcessId> alsoReachable, List<NodeOutput> outputs, IReadOnlySet<ProcessId>? expected = null)
    {
        var reachable = (_regular?.Configuration.Members ?? []).Concat(alsoReachable);
        State = MembershipState.Gather;
        _gather = new Gather(Id, reachable, reason, expected);
        _obligations = _attempt?.Obligations ?? _obligations; // an interrupted recovery keeps what its step 5.c took on
        _attempt = null;
        _primary.Abandon();
        _regular?.Hold.Abandon(outputs);
        outputs.Add(new StopTimer(TimerKind.TokenLoss));
        outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
        outputs.Add(new StopTimer(TimerKind.MergeDetect));
        outputs.Add(new StartTimer(TimerKind.Join, _timeouts.JoinTimeoutMs));
        outputs.Add(new StartTimer(TimerKind.Consensus, _timeouts.ConsensusTimeoutMs));
        BroadcastJoin(outputs);
        CommitIfAgreed(outputs);
    }

    private void OnJoin(JoinMessage join, List<NodeOutput> outputs)
    {
        switch (State)
        {
            case MembershipState.Operational when IsStale(join):
                return;
            case MembershipState.Operational:
                EnterGather(IsForeign(join) ? GatherReason.ForeignProcess : GatherReason.JoinReceived, [join.Sender], outputs);
                break;
            case MembershipState.Commit or MembershipState.Recovery when AbandonsAttempt(join):
                EnterGather(GatherReason.JoinReceived, _attempt!.Members, outputs);
                break;
            case MembershipState.Commit or MembershipState.Recovery:
                return; // a late join of the round that agreed on this ring, or an outsider's: merged later
        }
        if (_gather!.OnJoin(join))
        {
            // As in Corosync, the consensus timeout counts from the last change of this process's
            // view: it fails only processes that stayed silent while the views were still. Counting
            // from the start of Gather would fail live processes that were merely one join behind.
            BroadcastJoin(outputs);
            outputs.Add(new StartTimer(TimerKind.Consensus, _timeouts.ConsensusTimeoutMs));
        }
        CommitIfAgreed(outputs);
    }

    private void BroadcastJoin(List<NodeOutput> outputs) =>
        outputs.Add(new Broadcast(_gather!.Join(_regular?.Ring.Id ?? new RingId(0, Id), _highestRingSequence)));

    // A join that one of this ring's members sent before it had taken part in forming the ring
    // (it had not seen the ring's sequence number yet) is a leftover of that round.
    private bool IsStale(JoinMessage join) =>
        _regular is { } ring && ring.Configuration.Contains(join.Sender) && join.HighestRingSequence < ring.Ring.Id.Sequence;

    // As Corosync does: during commit and recovery only a member of the proposed ring that has
    // seen this ring's sequence number, and so has given up on it, sends the others back to Gather.
    private bool AbandonsAttempt(JoinMessage join) =>
        _attempt!.Members.Contains(join.Sender) && join.HighestRingSequence >= _attempt.ProposedRing.Sequence;

    private bool IsForeign(Packet packet) => _regular is { } ring && !ring.Configuration.Contains(packet.Sender);

    // ---- Commit and Recovery: one attempt of the recovery algorithm (Recovery/RecoveryAttempt) ----

    private void CommitIfAgreed(List<NodeOutput> outputs)
    {
        if (State != MembershipState.Gather || _gather!.Waiting || !_gather.HasConsensus || _gather.Representative != Id) return;
        long sequence = Math.Max(_highestRingSequence, _gather.HighestRingSequence) + 1;
        _highestRingSequence = Math.Max(_highestRingSequence, sequence);
        EnterCommit(new CommitToken(Id, new RingId(sequence, Id), [.. _gather.Proposed], [], Rotation: 1, TokenSeq: 0), outputs);
    }

    private void OnCommitToken(CommitToken commit, List<NodeOutput> outputs)
    {
        bool mine = _attempt?.ProposedRing == commit.Ring;
        if (mine && _attempt!.Exchange.IsCopy(commit)) return; // a copy already handled
        if (commit.Rotation == 1 && commit.Ring.Representative != Id && CanJoin(commit))
        {
            _highestRingSequence = Math.Max(_highestRingSequence, commit.Ring.Sequence);
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

    // As in Corosync, a gathering process takes the first rotation when the commit token proposes
    // exactly its own proc_set − fail_set, with a ring sequence number it has not seen: it need
    // not have heard every join itself (under loss it may be one join short), since the
    // representative has.
    private bool CanJoin(CommitToken commit) =>
        State == MembershipState.Gather && _gather!.Proposed.SetEquals(commit.Members) && commit.Ring.Sequence > _highestRingSequence;

    // Step 2 begins (the application's messages wait until the next regular configuration), and
    // step 3: this process writes what it knows on the commit token and passes it on.
    private void EnterCommit(CommitToken commit, List<NodeOutput> outputs)
    {
        State = MembershipState.Commit;
        _attempt = new RecoveryAttempt(Id, commit, _regular?.Ring, _obligations, _settings, _timeouts, _counters, _primary);
        outputs.Add(new StopTimer(TimerKind.Join));
        outputs.Add(new StopTimer(TimerKind.Consensus));
        outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
        _attempt.Exchange.Write(Step3Exchange.InfoOf(Id, _regular?.Ring, _obligations, _primary.History), outputs);
    }

    private void OnRecoveryToken(Token token, List<NodeOutput> outputs)
    {
        var attempt = _attempt!;
        if (attempt.OnToken(token, _buffering.Pending, outputs) is not { } toPassOn) return;
        // Step 6 has installed the new regular configuration: the proposed ring goes on as step 1's.
        _lastConfiguration = attempt.Ring!.Configuration.Id;
        _regular = new RegularDelivery(Id, attempt.Ring, _buffering.Pending, _settings);
        _attempt = null;
        _obligations = ObligationSet.Empty;
        BecomeOperational(outputs);
        _regular.PassOnAfterInstall(toPassOn, attempt.Rebroadcast!.Queue, outputs);
    }

    private void BecomeOperational(List<NodeOutput> outputs)
    {
        State = MembershipState.Operational;
        outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
        if (_regular!.Ring.Id.Representative == Id)
            outputs.Add(new StartTimer(TimerKind.MergeDetect, _timeouts.MergeDetectTimeoutMs));
    }

    // ---- A ring installed without recovery: a recovered singleton, or a fixed ring ----

    // docs/TRACE.md: a process that recovers after a failure delivers a regular configuration
    // whose members are exactly itself, with a ring sequence number larger than any it had seen.
    private void InstallSingleton(List<NodeOutput> outputs)
    {
        var ring = new RingId(_highestRingSequence + 1, Id);
        _highestRingSequence = ring.Sequence;
        InstallDirectly(ring, [Id], outputs);
    }

    private void InstallFixedRing(StartInRing start, List<NodeOutput> outputs)
    {
        if (!start.Members.Contains(Id)) throw new ArgumentException($"{Id} is not a member of {start.Ring}", nameof(start));
        _highestRingSequence = Math.Max(_highestRingSequence, start.Ring.Sequence);
        InstallDirectly(start.Ring, start.Members, outputs);
    }

    // The primary component decision rests on this process's own history.
    private void InstallDirectly(RingId ring, ImmutableArray<ProcessId> members, List<NodeOutput> outputs)
    {
        var configuration = Configuration.Regular(ring, members);
        _regular = new RegularDelivery(Id, new TotemRing(Id, ring, configuration, _settings, _counters), _buffering.Pending, _settings);
        if (_primary.Decide(ring, configuration.Members, [Step3Exchange.InfoOf(Id, null, _obligations, _primary.History)], configuration.Id) is { } attempt)
        {
            configuration = configuration with { Primary = attempt.Decision.Primary };
            if (_primary.Installing(attempt) is { } installed) outputs.Add(installed);
            if (attempt.Decision.Primary && configuration.Members.Length == 1) _primary.ConfirmAlone();
        }
        outputs.Add(new ConfigurationDelivered(configuration));
        _lastConfiguration = configuration.Id;
        BecomeOperational(outputs);
        if (ring.Representative == Id) _regular.StartFirstRotation(outputs);
    }

    // ---- Stable storage: returned, first, whenever a step changed it ----

    private StableState Stable() => new(_highestRingSequence, _lastConfiguration, _primary.History);

    private void Restore(StableState? saved)
    {
        _highestRingSequence = saved?.HighestRingSequence ?? 0;
        _lastConfiguration = saved?.LastConfiguration;
        _primary.Restore(saved?.Primary);
        _persisted = Stable();
    }

    // Written before anything else of the step takes effect: a ring or message identifier is never
    // sent, nor a configuration delivered, before the state that must outlive it is in stable storage.
    private void PersistIfChanged(List<NodeOutput> outputs)
    {
        if (_persisted is { } p && p.HighestRingSequence == _highestRingSequence && p.LastConfiguration == _lastConfiguration
            && ReferenceEquals(p.Primary, _primary.History)) return;
        _persisted = Stable();
        outputs.Insert(0, new PersistState(_persisted));
    }
}
