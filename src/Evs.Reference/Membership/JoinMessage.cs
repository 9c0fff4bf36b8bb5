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
    long HighestRingSequence) : Packet(Sender, Ring)
{
    /// <summary>
    /// Whether this join, from a member of the installed <paramref name="ring"/>, is a leftover
    /// of the round that formed it (or an older one): its sender had not seen the ring's sequence
    /// number yet. Such a join is stale in every state, Gather too (issue #13, item 2): a member saw
    /// the sequence number when it took the ring's commit token, and saved it before passing the
    /// token on, so every join it sends after reports at least that. The one process whose fresh
    /// joins look like leftovers is a member that lost its stable storage and starts again from 0
    /// under the same identifier: it is left out of the next ring, and heard once that ring is installed.
    /// </summary>
    public bool IsLeftoverOf(RingId ring, Configuration configuration) =>
        configuration.Contains(Sender) && HighestRingSequence < ring.Sequence;

    /// <summary>
    /// As Corosync does: during commit and recovery only a member of the proposed ring
    /// (<paramref name="members"/>, <paramref name="proposed"/>) that has seen its sequence number,
    /// and so has given up on it, sends the others back to Gather.
    /// </summary>
    public bool Abandons(RingId proposed, IEnumerable<ProcessId> members) =>
        members.Contains(Sender) && HighestRingSequence >= proposed.Sequence;
}

/// <summary>
/// A ring's representative announces its ring from time to time (Corosync's merge detect), so
/// that processes of another ring that can hear it again start gathering: a merge.
/// </summary>
public sealed record MergeDetect(ProcessId Sender, RingId Ring) : Packet(Sender, Ring);
