// The paper, Section 3: "When this process has been informed by the underlying membership
// algorithm of the membership and identifier of a proposed new configuration, it commences to
// perform the following steps, which constitute the recovery algorithm." And: "If a failure
// occurs during execution of the recovery algorithm, then the membership algorithm is invoked and
// the recovery algorithm is restarted at Step 2."
//
// One attempt is one proposed configuration, from the commit token that proposes it to the
// installation of its regular configuration, or to its abandonment (the node then gathers again
// and a later attempt starts at step 2, keeping the obligation set: Section 3.2).
//   Step 2  the application's messages wait (Step2Buffering), for the whole attempt;
//   Step 3  the commit token's two rotations (Step3Exchange): Totem's Commit state;
//   Step 4  from what was exchanged, the transitional configuration and what to rebroadcast;
//   Step 5  the rebroadcasts on the proposed ring (Step5Rebroadcast): Totem's Recovery state;
//   Step 6  at the token visit that ends step 5, the deliveries and the two configuration changes
//           (Step6Delivery), atomically; the proposed ring goes on as the installed one.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;

namespace Evs.Reference.Recovery;

/// <summary>Where an attempt is in the recovery algorithm.</summary>
public enum RecoveryStep
{
    /// <summary>Step 3: the commit token circulates (Totem's Commit state).</summary>
    Exchanging,

    /// <summary>Step 4 is done; step 5 runs on the proposed ring (Totem's Recovery state), until step 6 installs it.</summary>
    Rebroadcasting,
}

/// <summary>What a commit token did to an attempt.</summary>
public enum CommitTokenOutcome
{
    /// <summary>It was not for this attempt's present step (a late or stray copy).</summary>
    Ignored,

    /// <summary>The exchange is complete here: steps 4 and 5 begin on the proposed ring.</summary>
    EnteredRecovery,

    /// <summary>The representative has it back from its second rotation: every member is recovering, and the proposed ring's token starts here.</summary>
    RingStarts,
}

/// <summary>
/// One attempt at recovery towards a proposed configuration, walking steps 3 to 6; step 2 holds
/// throughout (the node's <see cref="Step2Buffering"/>).
/// </summary>
public sealed class RecoveryAttempt
{
    private readonly ProcessId _me;
    private readonly TotemRing? _old;
    private readonly TotemSettings _settings;
    private readonly MembershipSettings _timeouts;
    private readonly OrderingCounters _counters;
    private readonly PacketDrops _drops;
    private readonly PrimaryInstall _primary;
    private readonly LeaveNotices _leaves;

    /// <summary>
    /// An attempt at <paramref name="me"/> towards the ring <paramref name="commit"/> proposes, from
    /// the ring of its last regular configuration (<paramref name="old"/>, null for a process never
    /// in one) and its obligation set; the proposed ring counts in the process's <paramref name="counters"/> and <paramref name="drops"/>.
    /// <paramref name="leaves"/> are the process's notices of graceful leaves, read when step 6 installs.
    /// </summary>
    public RecoveryAttempt(ProcessId me, CommitToken commit, TotemRing? old, ObligationSet obligations,
        TotemSettings settings, MembershipSettings timeouts, OrderingCounters counters, PacketDrops drops, PrimaryInstall primary,
        LeaveNotices? leaves = null)
    {
        _leaves = leaves ?? new LeaveNotices();
        _me = me;
        _old = old;
        _settings = settings;
        _timeouts = timeouts;
        _counters = counters;
        _drops = drops;
        _primary = primary;
        Obligations = obligations;
        Exchange = new Step3Exchange(me, commit, settings);
    }

    /// <summary>Where this attempt is.</summary>
    public RecoveryStep Step { get; private set; } = RecoveryStep.Exchanging;

    /// <summary>Step 3.</summary>
    public Step3Exchange Exchange { get; }

    /// <summary>The proposed ring.</summary>
    public RingId ProposedRing => Exchange.Ring;

    /// <summary>The members of the proposed configuration, in ring order.</summary>
    public ImmutableArray<ProcessId> Members => Exchange.Commit.Members;

    /// <summary>The proposed ring, from step 4 on.</summary>
    public TotemRing? Ring { get; private set; }

    /// <summary>Step 5, from step 4 on: the transitional members (4.a) and the rebroadcasts (4.b, 5.a).</summary>
    public Step5Rebroadcast? Rebroadcast { get; private set; }

    /// <summary>The primary component decision, from step 4 on (null without a primary component algorithm).</summary>
    public PrimaryAttempt? Primary { get; private set; }

    /// <summary>This process's obligation set: the one it came with, grown by step 5.c.</summary>
    public ObligationSet Obligations { get; private set; }

    /// <summary>The member that installs the proposed configuration first (<see cref="PrimaryInstall"/>, rule 1).</summary>
    public ProcessId InstallLeader => PrimaryInstall.InstallLeader(Primary, ProposedRing);

    /// <summary>
    /// The attempt begins (Totem's Commit state): Gather's timers stop, the token loss timer starts
    /// (a commit token that does not come back means a failure during recovery), and this process
    /// writes what it knows on the commit token and passes it on (step 3).
    /// </summary>
    public void Begin(List<NodeOutput> outputs)
    {
        outputs.Add(new StopTimer(TimerKind.Join));
        outputs.Add(new StopTimer(TimerKind.Consensus));
        outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
        Exchange.Write(Step3Exchange.InfoOf(_me, _old, Obligations, _primary.History), outputs);
    }

    /// <summary>
    /// Step 3: a commit token of the proposed ring, not a copy of one already handled. When the
    /// exchange is complete here, steps 4 and 5 begin and the token goes round once more; when the
    /// representative has it back from that second rotation, the proposed ring's token starts.
    /// </summary>
    public CommitTokenOutcome OnCommitToken(CommitToken commit, List<NodeOutput> outputs)
    {
        bool representative = commit.Ring.Representative == _me;
        if (Step == RecoveryStep.Exchanging && commit.Complete && (commit.Rotation == 2 || representative))
        {
            Exchange.Received(commit);
            BeginRecovery(commit, outputs);
            Exchange.PassOnRead(outputs);
            return CommitTokenOutcome.EnteredRecovery;
        }
        if (Step == RecoveryStep.Rebroadcasting && representative && commit.Rotation == 2 && Ring!.Visits == 0)
        {
            Exchange.Received(commit);
            Exchange.End(outputs);
            return CommitTokenOutcome.RingStarts;
        }
        return CommitTokenOutcome.Ignored;
    }

    /// <summary>Step 5: a message of the proposed ring; a rebroadcast's original joins the old ring's messages.</summary>
    public void OnMessage(RingMessage message, List<NodeOutput> outputs)
    {
        Exchange.StopRetransmission(outputs);
        Step5Rebroadcast.TakeIn(Ring!.Receive(message, outputs), _old);
    }

    /// <summary>
    /// Step 5, one visit of the proposed ring's token; at the visit where step 5 ends for this
    /// process, step 6. Returns null when the visit is over (the token passed on), or, when step 6
    /// has installed the new regular configuration, the token still to pass on, marked as passed by
    /// a member that has installed: the node first becomes operational, then passes it on.
    /// </summary>
    public Token? OnToken(Token token, Queue<PendingMessage> pending, List<NodeOutput> outputs)
    {
        var ring = Ring!;
        if (!ring.Accept(token, outputs)) return null;
        Exchange.StopRetransmission(outputs);
        outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
        bool install = PrimaryInstall.InstallsNow(_me, InstallLeader, Rebroadcast!.Ends(token, ring), token);
        if (install || Step5Rebroadcast.AcknowledgesAll(token, ring)) Obligations = Obligations.Extend(Rebroadcast!.Transitional);
        if (!install)
        {
            ring.PassOn(token, Rebroadcast!.Queue, pending, outputs);
            return null;
        }
        Install(outputs);
        return token with { LeaderInstalled = true };
    }

    /// <summary>Totem's token retransmission: the commit token while it may be lost, otherwise the proposed ring's token.</summary>
    public void OnTokenRetransmitTimeout(List<NodeOutput> outputs)
    {
        if (Exchange.InFlight) Exchange.Retransmit(outputs);
        else Ring?.OnTokenRetransmitTimeout(outputs);
    }

    // Step 4 and the start of step 5, with every member's information in hand; the primary
    // component decision is made here too, from the same information, before the ring's token
    // can start (PrimaryInstall records it as ambiguous at once).
    private void BeginRecovery(CommitToken commit, List<NodeOutput> outputs)
    {
        Step = RecoveryStep.Rebroadcasting;
        var transitional = Step4TransitionalConfiguration.Members(commit.Infos, _old?.Configuration);
        Ring = new TotemRing(_me, commit.Ring, Configuration.Regular(commit.Ring, commit.Members), _settings, _counters, installed: false, _drops);
        var toRebroadcast = _old is null ? [] : Step4TransitionalConfiguration.MessagesToRebroadcast(_me, transitional, _old.Buffer);
        Rebroadcast = new Step5Rebroadcast(transitional, toRebroadcast);
        Primary = _primary.Decide(commit.Ring, commit.Members, commit.Infos);
        outputs.Add(new StartTimer(TimerKind.TokenLoss, _timeouts.TokenLossTimeoutMs));
    }

    // Step 6, atomically: deliveries, the transitional configuration, the new regular one (just
    // before which a primary component is recorded as installed here), naming the old members that
    // left gracefully.
    private void Install(List<NodeOutput> outputs)
    {
        var ring = Ring!;
        var regular = ring.Configuration with { Primary = Primary?.Decision.Primary };
        var left = _old is null ? null : _leaves.LeftBetween(_old.Id, regular);
        var step6 = new Step6Delivery(_old, Rebroadcast!.Transitional, Obligations, ring.Id, regular);
        foreach (var output in step6.Perform())
        {
            if (output is ConfigurationDelivered { Configuration.Kind: ConfigurationKind.Regular } installing)
            {
                if (_primary.Installing(Primary) is { } installed) outputs.Add(installed);
                outputs.Add(installing with { Left = left });
                continue;
            }
            outputs.Add(output);
        }
        ring.Install();
    }
}
