// Totem's membership timeouts (TOCS 1995; Corosync's totem.conf names them token, join,
// consensus, merge). They are what makes the membership algorithm terminate: "if the next
// proposed regular configuration is not installed within a bounded time, then the membership
// of that configuration is reduced" (the paper, Section 3.2, Termination Property). And the one
// bound on what a peer may claim about rings (issue #13): how far ahead a ring sequence number may be.
namespace Evs.Reference.Membership;

/// <summary>The membership algorithm's timeouts, in milliseconds, and its bound on ring sequence numbers.</summary>
/// <param name="TokenLossTimeoutMs">No token (or commit token) for this long: the ring is broken; gather. Corosync's <c>token</c>.</param>
/// <param name="JoinTimeoutMs">In Gather, a process broadcasts its join message again this often, so losses do not stall consensus. Corosync's <c>join</c>.</param>
/// <param name="ConsensusTimeoutMs">In Gather, processes that have not agreed by now are moved to the fail set. Corosync's <c>consensus</c>.</param>
/// <param name="MergeDetectTimeoutMs">A ring's representative announces its ring this often, so that components that can hear each other again merge. Corosync's <c>merge</c>.</param>
/// <param name="RingSequenceLead">
/// A packet naming a ring sequence number more than this ahead of the highest this process has
/// seen is dropped (<see cref="Node.ClaimBounds.RingSequencesWithin"/>). Every membership change
/// adds one to the highest sequence number its members have seen, so a correct process is never
/// more than the number of changes it missed behind; a process that has just started (having seen
/// none) must still be able to join a cluster that has gone through many: 2^32 changes, more than a
/// cluster makes in its lifetime, and small enough that a claim within it can be added to 2^31 times
/// before a sequence number could overflow.
/// </param>
public sealed record MembershipSettings(
    double TokenLossTimeoutMs,
    double JoinTimeoutMs,
    double ConsensusTimeoutMs,
    double MergeDetectTimeoutMs,
    long RingSequenceLead = 1L << 32)
{
    /// <summary>
    /// Corosync's defaults (token 3000, join 50, consensus 1.2 × token, merge 200): for a real
    /// network, where a token rotation takes well under a millisecond but a busy host may stall.
    /// </summary>
    public static MembershipSettings Corosync { get; } = new(3000, 50, 3600, 200);

    /// <summary>
    /// Scaled for the simulator, whose one-way delays are up to about ten milliseconds and whose
    /// networks lose up to a fifth of all packets: a rotation of seven processes takes up to
    /// ~70 ms, and every lost hop adds a token retransmission (30 ms,
    /// <see cref="Ordering.TotemSettings.Simulation"/>); 400 ms lets a rotation lose many hops
    /// before the ring is declared broken. Consensus is 1.2 × token, as in Corosync.
    /// </summary>
    public static MembershipSettings Simulation { get; } = new(400, 20, 480, 100);
}
