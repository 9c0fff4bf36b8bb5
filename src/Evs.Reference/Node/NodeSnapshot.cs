// etcd raft's Status() and BasicStatus(): what a node is doing, read without changing it. The
// drivers read it (the runtime's status, the simulator's counts; at every step, only the cheap
// NodeProgress, to tell whether the run has settled), and the notebooks and transcripts show it
// between two packets: Totem's state, the rings, and during recovery the attempt's step, its
// transitional members, its rebroadcast queue and the obligation set — the node's own state.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Recovery;

namespace Evs.Reference.Node;

/// <summary>A read-only picture of one node, taken between two inputs.</summary>
/// <param name="Id">The process.</param>
/// <param name="State">Where it is in Totem's membership algorithm.</param>
/// <param name="LastGatherReason">Why it last entered Gather (null before it ever did).</param>
/// <param name="Regular">The ring of its last installed regular configuration (null before the first).</param>
/// <param name="Gather">In Gather: the round's sets.</param>
/// <param name="Recovery">In Commit or Recovery: the attempt.</param>
/// <param name="Obligations">Its obligation set (step 5.c; empty in a regular configuration).</param>
/// <param name="PendingSends">The application's messages buffered, not yet originated (step 2).</param>
/// <param name="Primary">What it knows of primary components.</param>
/// <param name="Counters">The ordering protocol's counts, over all its rings since it started.</param>
/// <param name="IgnoredPackets">Packets of no ring or round it is in: late copies, traffic of rings it has left.</param>
/// <param name="Drops">Packets it dropped as no correct process sends them: numbers beyond their bounds, misaddressed tokens, stale joins (issue #13).</param>
public sealed record NodeSnapshot(
    ProcessId Id,
    MembershipState State,
    GatherReason? LastGatherReason,
    RingSnapshot? Regular,
    GatherSnapshot? Gather,
    RecoverySnapshot? Recovery,
    ObligationSet Obligations,
    int PendingSends,
    PrimaryHistory Primary,
    OrderingCounters Counters,
    long IgnoredPackets,
    PacketDrops Drops);

/// <summary>
/// The part of a node's state that is cheap to read at every step (etcd raft's <c>BasicStatus</c>
/// beside its <c>Status</c>): where it is in Totem's membership, the ring and regular configuration
/// it last installed, how many of its application's messages wait to be sent, and how far it has
/// delivered and seen that ring's messages. What a driver needs to tell whether a run has settled
/// (<see cref="Quiescence"/>).
/// </summary>
public readonly record struct NodeProgress(ProcessId Id, MembershipState State, RingId? Ring, Configuration? Configuration, int PendingSends, long DeliveredUpTo, long HighestSeen);

/// <summary>One ring as this process holds it.</summary>
/// <param name="Ring">Its identifier.</param>
/// <param name="Configuration">Its regular configuration.</param>
/// <param name="Installed">Whether its regular configuration has been delivered here (step 6.e).</param>
/// <param name="Held">The messages held in the buffer (received, not yet known received by all or not yet delivered), by ordinal.</param>
/// <param name="MyAru">Every ordinal up to this one has been received here.</param>
/// <param name="HighestSeen">The highest ordinal received here.</param>
/// <param name="DeliveredUpTo">Every ordinal up to this one has been delivered here.</param>
/// <param name="ReceivedByAll">Every ordinal up to this one is known to be received by every member.</param>
/// <param name="Visits">How many times the token has been accepted here.</param>
/// <param name="TokenHeld">Whether this process holds the ring's idle token now.</param>
public sealed record RingSnapshot(
    RingId Ring,
    Configuration Configuration,
    bool Installed,
    ImmutableArray<RingMessage> Held,
    long MyAru,
    long HighestSeen,
    long DeliveredUpTo,
    long ReceivedByAll,
    int Visits,
    bool TokenHeld)
{
    /// <summary>The picture of <paramref name="ring"/>, whose token is <paramref name="tokenHeld"/> here or not.</summary>
    public static RingSnapshot Of(TotemRing ring, bool tokenHeld = false) => new(
        ring.Id, ring.Configuration, ring.Installed, [.. ring.Buffer.After(0)], ring.Buffer.MyAru,
        ring.Buffer.HighestSeen, ring.DeliveredUpTo, ring.ReceivedByAll, ring.Visits, tokenHeld);
}

/// <summary>One round of Gather (Membership/Gather): the processes believed able to form the next ring, and those believed failed.</summary>
public sealed record GatherSnapshot(ImmutableSortedSet<ProcessId> ProcSet, ImmutableSortedSet<ProcessId> FailSet, bool Consensus);

/// <summary>One attempt at recovery (Recovery/RecoveryAttempt).</summary>
/// <param name="Step">Where it is.</param>
/// <param name="ProposedRing">The proposed ring.</param>
/// <param name="Members">The proposed configuration's members, in ring order.</param>
/// <param name="Exchanged">What step 3 has gathered so far (every member's, once it is complete).</param>
/// <param name="Transitional">From step 4 on: the members of this process's transitional configuration (4.a).</param>
/// <param name="ToRebroadcast">From step 4 on: the old messages this process has still to rebroadcast (4.b, 5.a).</param>
/// <param name="InstallLeader">The member that installs first.</param>
/// <param name="Primary">From step 4 on: whether the configuration is primary (null without a primary component algorithm).</param>
/// <param name="Ring">From step 4 on: the proposed ring as this process holds it.</param>
public sealed record RecoverySnapshot(
    RecoveryStep Step,
    RingId ProposedRing,
    ImmutableArray<ProcessId> Members,
    ImmutableArray<MemberInfo> Exchanged,
    ImmutableArray<ProcessId> Transitional,
    ImmutableArray<MessageId> ToRebroadcast,
    ProcessId InstallLeader,
    bool? Primary,
    RingSnapshot? Ring)
{
    /// <summary>The picture of <paramref name="attempt"/>.</summary>
    public static RecoverySnapshot Of(RecoveryAttempt attempt) => new(
        attempt.Step, attempt.ProposedRing, attempt.Members, attempt.Exchange.Exchanged,
        [.. attempt.Rebroadcast?.Transitional.Select(i => i.Process) ?? []],
        [.. attempt.Rebroadcast?.Queue.Select(m => m.Id) ?? []],
        attempt.InstallLeader, attempt.Primary?.Decision.Primary,
        attempt.Ring is { } ring ? RingSnapshot.Of(ring) : null);
}
