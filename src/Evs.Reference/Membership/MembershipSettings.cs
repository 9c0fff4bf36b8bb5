// Totem's membership timeouts (TOCS 1995; Corosync's totem.conf names them token, join,
// consensus, merge). They are what makes the membership algorithm terminate: "if the next
// proposed regular configuration is not installed within a bounded time, then the membership
// of that configuration is reduced" (the paper, Section 3.2, Termination Property).
namespace Evs.Reference.Membership;

/// <summary>The membership algorithm's timeouts, in milliseconds.</summary>
/// <param name="TokenLossTimeoutMs">No token (or commit token) for this long: the ring is broken; gather. Corosync's <c>token</c>.</param>
/// <param name="JoinTimeoutMs">In Gather, a process broadcasts its join message again this often, so losses do not stall consensus. Corosync's <c>join</c>.</param>
/// <param name="ConsensusTimeoutMs">In Gather, processes that have not agreed by now are moved to the fail set. Corosync's <c>consensus</c>.</param>
/// <param name="MergeDetectTimeoutMs">A ring's representative announces its ring this often, so that components that can hear each other again merge. Corosync's <c>merge</c>.</param>
public sealed record MembershipSettings(
    double TokenLossTimeoutMs,
    double JoinTimeoutMs,
    double ConsensusTimeoutMs,
    double MergeDetectTimeoutMs)
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
