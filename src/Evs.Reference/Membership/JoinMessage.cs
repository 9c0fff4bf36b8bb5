// Totem's join message (TOCS 1995, the membership protocol): in the Gather state a process
// broadcasts the processes it believes can form the next ring (its process set) and those it
// believes have failed (its fail set). Consensus is reached when every process of
// proc_set − fail_set has sent the same two sets.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Membership;

/// <summary>
/// A join message. <see cref="Packet.Ring"/> is the sender's last installed ring (so stale joins
/// from before a ring was formed are recognised); <see cref="HighestRingSequence"/> lets the
/// representative choose a ring sequence number that no member has seen.
/// </summary>
public sealed record JoinMessage(
    ProcessId Sender,
    RingId Ring,
    ImmutableSortedSet<ProcessId> ProcSet,
    ImmutableSortedSet<ProcessId> FailSet,
    long HighestRingSequence) : Packet(Sender, Ring);

/// <summary>
/// A ring's representative announces its ring from time to time (Corosync's merge detect), so
/// that processes of another ring that can hear it again start gathering: a merge.
/// </summary>
public sealed record MergeDetect(ProcessId Sender, RingId Ring) : Packet(Sender, Ring);
