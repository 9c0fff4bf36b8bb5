// The node: the composition of the paper's algorithm behind the sans-IO contract.
//   Operational  Step 1 in a regular configuration (Ordering/RegularDelivery).
//   Gather       Totem's membership: agree on the next ring (Membership/Gather).
//   Commit       The commit token circulates twice: step 3's exchange (Recovery/Step3Exchange).
//   Recovery     Steps 4-5 on the new ring, then step 6, atomically, and back to Operational.
// "If a failure occurs during execution of the recovery algorithm, then the membership
// algorithm is invoked and the recovery algorithm is restarted at Step 2."
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Recovery;
using Evs.Reference.Storage;

namespace Evs.Reference.Node;

/// <summary>
/// One process of the extended virtual synchrony protocol over a Totem ring. It buffers the
/// application's messages (step 2), runs step 1 in its regular configuration, Totem's
/// membership when the ring breaks or another component is heard, and recovery steps 3-6 on
/// the way to the next regular configuration; every send, delivery and configuration change
/// is an output.
/// </summary>
public sealed class TotemNode : IProtocolNode
{
    private readonly IStableStorage _storage;
    private readonly TotemSettings _settings;
    private readonly MembershipSettings _timeouts;
    private readonly IPrimaryComponentAlgorithm? _primaryAlgorithm;
    private readonly Step2Buffering _buffering = new();
    private long _highestRingSequence;
    private ConfigurationId? _lastConfiguration;
    private PrimaryHistory _primaryHistory = PrimaryHistory.None;
    private PrimaryRecord? _awaitingConfirmation;
    private RegularDelivery? _regular;
    private Gather? _gather;
    private Attempt? _attempt;
    private ObligationSet _obligations = ObligationSet.Empty;
    private (ProcessId To, CommitToken Token)? _commitInFlight;
    private long _lastCommitTokenSeqReceived = -1;

    /// <summary>One attempt at recovery towards a proposed ring (steps 3-6).</summary>
    private sealed class Attempt(CommitToken commit)
    {
        public CommitToken Commit { get; set; } = commit;
        public RegularDelivery? Ring { get; set; }
        public Step5Rebroadcast? Step5 { get; set; }
        public PrimaryDecision? Decision { get; set; }
        public PrimaryRecord? PrimaryRecord { get; set; }
        public int Identity { get; set; }

        // The member that installs the new ring first; the others install after it (PrimaryDecision).
        public ProcessId InstallLeader => Decision?.InstallLeader ?? Commit.Ring.Representative;
    }

    /// <summary>
    /// A node of process <paramref name="id"/> with its stable storage; with a
    /// <paramref name="primary"/> component algorithm, every regular configuration it delivers says
    /// whether it is primary.
    /// </summary>
    public TotemNode(ProcessId id, IStableStorage storage, TotemSettings? settings = null, MembershipSettings? timeouts = null, IPrimaryComponentAlgorithm? primary = null)
    {
        Id = id;
        _storage = storage;
        _settings = settings ?? TotemSettings.Simulation;
        _timeouts = timeouts ?? MembershipSettings.Simulation;
        _primaryAlgorithm = primary;
    }

    /// <summary>What this process knows of primary components (kept in stable storage).</summary>
    public PrimaryHistory PrimaryHistory => _primaryHistory;

    /// <inheritdoc/>
    public ProcessId Id { get; }

    /// <summary>Where this process is in Totem's membership algorithm.</summary>
    public MembershipState State { get; private set; } = MembershipState.Gather;

    /// <summary>Why this process last entered Gather.</summary>
    public GatherReason? LastGatherReason => _gather?.Reason;

    /// <summary>Step 1's state of the last installed regular configuration, or null before the first.</summary>
    public RegularDelivery? Regular => _regular;

    /// <summary>The obligation set (step 5.c); empty in a regular configuration.</summary>
    public ObligationSet Obligations => _obligations;

    /// <summary>Messages the application gave that are not yet originated.</summary>
    public int PendingCount => _buffering.Pending.Count;

    /// <summary>
    /// Packets of no ring or round this node is in now: late copies, traffic of rings it has
    /// left, commit tokens it cannot take (counted, then dropped).
    /// </summary>
    public long IgnoredPackets { get; private set; }

    /// <inheritdoc/>
    public IReadOnlyList<NodeOutput> Handle(NodeInput input)
    {
        var outputs = new List<NodeOutput>();
        switch (input)
        {
            case StartInRing start:
                InstallFixedRing(start, outputs);
                break;
            case Start start:
                LoadStableState();
                EnterGather(GatherReason.Start, [], outputs, start.Expected);
                break;
            case Restart:
                InstallSingleton(outputs);
                break;
            case SendRequested send:
                _buffering.Buffer(send.Payload, send.Service);
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
        return outputs;
    }

    private void OnPacket(Packet packet, List<NodeOutput> outputs)
    {
        switch (packet)
        {
            case JoinMessage join:
                OnJoin(join, outputs);
                break;
            case CommitToken commit:
                OnCommitToken(commit, outputs);
                break;
            case MergeDetect detect when State == MembershipState.Operational && IsForeign(detect):
                EnterGather(GatherReason.ForeignProcess, [detect.Sender], outputs);
                break;
            case Token token when State == MembershipState.Operational && token.Ring == _regular!.Ring:
                if (!_regular.AcceptToken(token, outputs)) break;
                outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
                ConfirmPrimaryIfAllInstalled(token);
                _regular.ForwardToken(token, _buffering.Pending, outputs);
                break;
            case Token token when State == MembershipState.Recovery && token.Ring == _attempt!.Ring?.Ring:
                OnRecoveryToken(token, outputs);
                break;
            case RingMessage message when message.Ring == _regular?.Ring && State == MembershipState.Operational:
                _regular.OnMessage(message, outputs);
                break;
            case RegularMessage late when late.Ring == _regular?.Ring && State == MembershipState.Gather:
                // Late messages of the old ring are still worth having until step 3 states what this process holds.
                _regular.Buffer.Add(late);
                break;
            case RingMessage message when State == MembershipState.Recovery && message.Ring == _attempt!.Ring?.Ring:
                OnRecoveryMessage(message, outputs);
                break;
            case RingMessage message when State == MembershipState.Operational && IsForeign(message):
                EnterGather(GatherReason.ForeignProcess, [message.Sender], outputs);
                break;
            default:
                IgnoredPackets++;
                break;
        }
    }

    private void OnTimer(TimerKind timer, List<NodeOutput> outputs)
    {
        switch (timer)
        {
            case TimerKind.TokenRetransmit when State == MembershipState.Operational:
                _regular!.OnTokenRetransmitTimeout(outputs);
                break;
            case TimerKind.TokenRetransmit when _commitInFlight is { } inFlight:
                outputs.Add(new Unicast(inFlight.To, inFlight.Token));
                outputs.Add(new StartTimer(TimerKind.TokenRetransmit, _settings.TokenRetransmitTimeoutMs));
                break;
            case TimerKind.TokenRetransmit when State == MembershipState.Recovery:
                _attempt!.Ring?.OnTokenRetransmitTimeout(outputs);
                break;
            case TimerKind.TokenLoss when State == MembershipState.Operational:
                EnterGather(GatherReason.TokenLoss, [], outputs);
                break;
            case TimerKind.TokenLoss when State is MembershipState.Commit or MembershipState.Recovery:
                EnterGather(GatherReason.RecoveryInterrupted, _attempt!.Commit.Members, outputs);
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
            case TimerKind.MergeDetect when State == MembershipState.Operational && _regular!.Ring.Representative == Id:
                outputs.Add(new Broadcast(new MergeDetect(Id, _regular.Ring)));
                outputs.Add(new StartTimer(TimerKind.MergeDetect, _timeouts.MergeDetectTimeoutMs));
                break;
        }
    }

    // ---- Gather: agree on the members of the next ring ----

    private void EnterGather(GatherReason reason, IEnumerable<ProcessId> alsoReachable, List<NodeOutput> outputs, IReadOnlySet<ProcessId>? expected = null)
    {
        var reachable = (_regular?.Configuration.Members ?? []).Concat(alsoReachable);
        State = MembershipState.Gather;
        _gather = new Gather(Id, reachable, reason, expected);
        _attempt = null;
        _awaitingConfirmation = null; // stays ambiguous: not every member is known to have installed it
        _commitInFlight = null;
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
                EnterGather(GatherReason.JoinReceived, _attempt!.Commit.Members, outputs);
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
        outputs.Add(new Broadcast(_gather!.Join(_regular?.Ring ?? new RingId(0, Id), _highestRingSequence)));

    // A join that one of this ring's members sent before it had taken part in forming the ring
    // (it had not seen the ring's sequence number yet) is a leftover of that round.
    private bool IsStale(JoinMessage join) =>
        _regular is { } ring && ring.Configuration.Contains(join.Sender) && join.HighestRingSequence < ring.Ring.Sequence;

    // As Corosync does: during commit and recovery only a member of the proposed ring that has
    // seen this ring's sequence number, and so has given up on it, sends the others back to Gather.
    private bool AbandonsAttempt(JoinMessage join) =>
        _attempt!.Commit.Members.Contains(join.Sender) && join.HighestRingSequence >= _attempt.Commit.Ring.Sequence;

    private bool IsForeign(Packet packet) => _regular is { } ring && !ring.Configuration.Contains(packet.Sender);

    // ---- Commit: the representative's commit token, around the new ring twice ----

    private void CommitIfAgreed(List<NodeOutput> outputs)
    {
        if (State != MembershipState.Gather || _gather!.Waiting || !_gather.HasConsensus || _gather.Representative != Id) return;
        long sequence = Math.Max(_highestRingSequence, _gather.HighestRingSequence) + 1;
        RememberRingSequence(sequence);
        var members = _gather.Proposed.ToImmutableArray();
        var commit = new CommitToken(Id, new RingId(sequence, Id), members, [], Rotation: 1, TokenSeq: 0);
        EnterCommit(commit, outputs);
        PassOn(commit with { Infos = [Step3Exchange.InfoOf(Id, _regular, _obligations, _primaryHistory)] }, outputs);
    }

    private void OnCommitToken(CommitToken commit, List<NodeOutput> outputs)
    {
        bool mine = _attempt is { } a && a.Commit.Ring == commit.Ring;
        if (mine && commit.TokenSeq <= _lastCommitTokenSeqReceived) return; // a copy already handled
        bool representative = commit.Ring.Representative == Id;
        if (commit.Rotation == 1 && !representative && CanJoin(commit))
        {
            RememberRingSequence(commit.Ring.Sequence);
            EnterCommit(commit, outputs);
            PassOn(commit with { Infos = commit.Infos.Add(Step3Exchange.InfoOf(Id, _regular, _obligations, _primaryHistory)) }, outputs);
        }
        else if (mine && State == MembershipState.Commit && commit.Complete && (commit.Rotation == 2 || representative))
        {
            _lastCommitTokenSeqReceived = commit.TokenSeq;
            EnterRecovery(commit, outputs);
            PassOn(commit with { Rotation = 2 }, outputs);
        }
        else if (mine && State == MembershipState.Recovery && representative && commit.Rotation == 2 && _attempt!.Ring!.Visits == 0)
        {
            // Every member is in Recovery: the new ring's token starts.
            _lastCommitTokenSeqReceived = commit.TokenSeq;
            _commitInFlight = null;
            outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
            OnRecoveryToken(Token.Initial(Id, commit.Ring), outputs);
        }
        else
        {
            IgnoredPackets++;
        }
    }

    // As in Corosync, a gathering process takes the first rotation when the commit token proposes
    // exactly its own proc_set − fail_set, with a ring sequence number it has not seen: it need
    // not have heard every join itself (under loss it may be one join short), since the
    // representative has.
    private bool CanJoin(CommitToken commit) =>
        State == MembershipState.Gather && _gather!.Proposed.SetEquals(commit.Members) && commit.Ring.Sequence > _highestRingSequence;

    private void EnterCommit(CommitToken commit, List<NodeOutput> outputs)
    {
        State = MembershipState.Commit;
        _attempt = new Attempt(commit);
        _lastCommitTokenSeqReceived = commit.TokenSeq;
        outputs.Add(new StopTimer(TimerKind.Join));
        outputs.Add(new StopTimer(TimerKind.Consensus));
        outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
    }

    private void PassOn(CommitToken commit, List<NodeOutput> outputs)
    {
        var next = commit with { Sender = Id, TokenSeq = commit.TokenSeq + 1 };
        _attempt!.Commit = next;
        var to = next.Successor(Id);
        _commitInFlight = (to, next);
        outputs.Add(new Unicast(to, next));
        outputs.Add(new StartTimer(TimerKind.TokenRetransmit, _settings.TokenRetransmitTimeoutMs));
    }

    // ---- Recovery: steps 4 and 5 on the new ring, then step 6 ----

    private void EnterRecovery(CommitToken commit, List<NodeOutput> outputs)
    {
        State = MembershipState.Recovery;
        var transitional = Step4TransitionalConfiguration.Members(commit.Infos, _regular?.Configuration);
        var ring = new RegularDelivery(Id, commit.Ring, Configuration.Regular(commit.Ring, commit.Members), _settings, installed: false);
        if (_regular is { } old)
            foreach (var message in Step4TransitionalConfiguration.MessagesToRebroadcast(Id, transitional, old.Buffer))
                ring.Rebroadcasts.Enqueue(message);
        _attempt!.Ring = ring;
        _attempt.Step5 = new Step5Rebroadcast(transitional);
        DecidePrimary(_attempt, commit);
        outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
    }

    // ---- The primary component algorithm (Section 5) ----

    // Every member decides from the same exchanged histories, so all decide alike. A primary is
    // recorded as ambiguous before anyone can install it: the new ring's token starts only once
    // every member has passed this point, and installing needs the token.
    private void DecidePrimary(Attempt attempt, CommitToken commit)
    {
        if (_primaryAlgorithm is null) return;
        var members = commit.Members.ToImmutableSortedSet(ProcessId.Ordinal);
        var knowledge = commit.Infos.Select(i => new PrimaryDecision.MemberKnowledge(i.Process, i.OldConfiguration?.Id, i.Primary ?? PrimaryHistory.None)).ToList();
        attempt.Decision = PrimaryDecision.Decide(_primaryAlgorithm, commit.Ring.Representative, members, knowledge);
        if (!attempt.Decision.Primary) return;
        attempt.PrimaryRecord = new PrimaryRecord(ConfigurationId.Regular(commit.Ring), commit.Ring.Sequence, members, attempt.Decision.InstallLeader);
        // From this process's own state, not from the token: a forged copy of it cannot make the
        // identifiers it counts (RecordPrimaryInstalled) arbitrarily many.
        var own = new PrimaryDecision.MemberKnowledge(Id, _regular?.Configuration.Id, _primaryHistory);
        attempt.Identity = PrimaryDecision.IdentityOf(own, attempt.Decision.Continuing);
        _primaryHistory = _primaryHistory.WithAmbiguous(attempt.PrimaryRecord);
        if (!attempt.Decision.Continuing.Contains(Id)) _primaryHistory = _primaryHistory.WithNewIdentity();
        SaveStableState();
    }

    // Just before the primary configuration is delivered: this process has installed it, under its
    // old virtual synchrony identifier or a new one; identifiers given to it in primaries it never
    // installed are never used.
    private void RecordPrimaryInstalled(Attempt attempt, List<NodeOutput> outputs)
    {
        if (attempt is not { Decision: { Primary: true } decision, PrimaryRecord: { } record }) return;
        var neverUsed = _primaryHistory.NamesNeverUsed(Id, attempt.Identity).ToImmutableArray();
        _primaryHistory = _primaryHistory.Installed(record, attempt.Identity);
        _awaitingConfirmation = record;
        SaveStableState();
        outputs.Add(new PrimaryComponentInstalled(record.Id, decision.Continuing, decision.Names, neverUsed));
    }

    private void ConfirmPrimaryIfAllInstalled(Token token)
    {
        if (_awaitingConfirmation is not { } primary || !RegularDelivery.AllInstalled(token, _regular!)) return;
        _primaryHistory = _primaryHistory.Confirmed(primary);
        _awaitingConfirmation = null;
        SaveStableState();
    }

    private void OnRecoveryMessage(RingMessage message, List<NodeOutput> outputs)
    {
        StopCommitRetransmission(outputs);
        if (_attempt!.Ring!.OnMessage(message, outputs) is { } original && original.Ring == _regular?.Ring)
            _regular.Buffer.Add(original);
    }

    private void OnRecoveryToken(Token token, List<NodeOutput> outputs)
    {
        var attempt = _attempt!;
        var ring = attempt.Ring!;
        if (!ring.AcceptToken(token, outputs)) return;
        StopCommitRetransmission(outputs);
        outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
        // The install leader installs when every member has acknowledged every rebroadcast (5.b);
        // the others when the token says the leader has installed, which implies the same.
        bool install = attempt.InstallLeader == Id ? Step5Rebroadcast.AllAcknowledged(token, ring) : token.LeaderInstalled;
        if (install || Step5Rebroadcast.AcknowledgesAll(token, ring)) _obligations = attempt.Step5!.Extend(_obligations);
        if (install) Install(attempt, outputs);
        ring.ForwardToken(install ? token with { LeaderInstalled = true } : token, _buffering.Pending, outputs);
    }

    private void StopCommitRetransmission(List<NodeOutput> outputs)
    {
        if (_commitInFlight is null) return;
        _commitInFlight = null;
        outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
    }

    // Step 6, atomically: deliveries, the transitional configuration, the new regular one.
    private void Install(Attempt attempt, List<NodeOutput> outputs)
    {
        var ring = attempt.Ring!;
        var regular = ring.Configuration with { Primary = attempt.Decision?.Primary };
        var step6 = new Step6Delivery(_regular, attempt.Step5!.Transitional, _obligations, ring.Ring, regular);
        foreach (var output in step6.Perform())
        {
            if (output is ConfigurationDelivered { Configuration.Kind: ConfigurationKind.Regular }) RecordPrimaryInstalled(attempt, outputs);
            outputs.Add(output);
            if (output is ConfigurationDelivered { Configuration: var c }) RememberConfiguration(c);
        }
        ring.Install();
        _regular = ring;
        _attempt = null;
        _obligations = ObligationSet.Empty;
        BecomeOperational(outputs);
    }

    private void BecomeOperational(List<NodeOutput> outputs)
    {
        State = MembershipState.Operational;
        outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
        if (_regular!.Ring.Representative == Id)
            outputs.Add(new StartTimer(TimerKind.MergeDetect, _timeouts.MergeDetectTimeoutMs));
    }

    // ---- Starting ----

    // docs/TRACE.md, recovery: a process that recovers first installs a regular configuration of
    // itself alone, on a ring whose sequence number is higher than any it saw before the crash.
    private void InstallSingleton(List<NodeOutput> outputs)
    {
        LoadStableState();
        var ring = new RingId(_highestRingSequence + 1, Id);
        RememberRingSequence(ring.Sequence);
        InstallDirectly(ring, [Id], outputs);
    }

    private void InstallFixedRing(StartInRing start, List<NodeOutput> outputs)
    {
        if (!start.Members.Contains(Id)) throw new ArgumentException($"{Id} is not a member of {start.Ring}", nameof(start));
        LoadStableState();
        RememberRingSequence(Math.Max(_highestRingSequence, start.Ring.Sequence));
        InstallDirectly(start.Ring, start.Members, outputs);
    }

    // A ring installed without the membership algorithm (a recovered singleton, or a fixed ring):
    // the primary component decision rests on this process's own history.
    private void InstallDirectly(RingId ring, IEnumerable<ProcessId> members, List<NodeOutput> outputs)
    {
        var configuration = Configuration.Regular(ring, members);
        _regular = new RegularDelivery(Id, ring, configuration, _settings);
        if (_primaryAlgorithm is not null)
        {
            var attempt = new Attempt(new CommitToken(Id, ring, configuration.Members, [Step3Exchange.InfoOf(Id, null, _obligations, _primaryHistory)], 2, 0));
            DecidePrimary(attempt, attempt.Commit);
            configuration = configuration with { Primary = attempt.Decision!.Primary };
            RecordPrimaryInstalled(attempt, outputs);
            if (attempt.Decision.Primary && configuration.Members.Length == 1) ConfirmAlone();
        }
        outputs.Add(new ConfigurationDelivered(configuration));
        RememberConfiguration(configuration);
        BecomeOperational(outputs);
        if (ring.Representative == Id) _regular.StartFirstRotation(_buffering.Pending, outputs);
    }

    // A ring of one: its only member has installed it.
    private void ConfirmAlone()
    {
        _primaryHistory = _primaryHistory.Confirmed(_awaitingConfirmation!);
        _awaitingConfirmation = null;
        SaveStableState();
    }

    // ---- Stable storage: written before the identifiers it protects are used ----

    private void LoadStableState()
    {
        var saved = _storage.Load();
        _highestRingSequence = saved?.HighestRingSequence ?? 0;
        _lastConfiguration = saved?.LastConfiguration;
        _primaryHistory = saved?.Primary ?? PrimaryHistory.None;
    }

    private void RememberRingSequence(long sequence)
    {
        _highestRingSequence = Math.Max(_highestRingSequence, sequence);
        SaveStableState();
    }

    private void RememberConfiguration(Configuration configuration)
    {
        _lastConfiguration = configuration.Id;
        SaveStableState();
    }

    private void SaveStableState() =>
        _storage.Save(new StableState(_highestRingSequence, _lastConfiguration, _primaryHistory));
}
