// The real network (the library API): the protocol's timeouts as one option, in Corosync's
// proportions (totem.conf: token 3000 ms; consensus 1.2 × token; token_retransmit
// token / (token_retransmits_before_loss_const + 0.2) = token / 4.2; join 50 ms and merge 200 ms,
// which are token / 60 and token / 15 at Corosync's token), so that a prototyper who wants a
// failure noticed sooner sets the token loss timeout and nothing else. The membership algorithm
// (Totem's Gather, the paper's Section 3.2 Termination Property) and the ordering protocol (step 1's
// token retransmission) read them through the core's settings records.
using Evs.Reference.Membership;
using Evs.Reference.Ordering;

namespace Evs.Runtime;

/// <summary>
/// The protocol's timeouts. Set <see cref="TokenLoss"/>, and the others follow in Corosync's
/// proportions; set any other to override its proportion. The default is Corosync's: a token loss
/// of 3 s, a failure noticed in about 6.6 s (token loss, then consensus).
/// </summary>
public sealed record Timeouts
{
    /// <summary>Corosync's <c>token</c>, the default <see cref="TokenLoss"/>.</summary>
    public static readonly TimeSpan CorosyncTokenLoss = TimeSpan.FromSeconds(3);

    /// <summary>No token for this long: the ring is broken, and the membership gathers again (Corosync's <c>token</c>).</summary>
    public TimeSpan TokenLoss { get; init; } = CorosyncTokenLoss;

    /// <summary>How long the processes of a Gather have to agree before the silent ones are left out (Corosync's <c>consensus</c>); null: 1.2 × <see cref="TokenLoss"/>.</summary>
    public TimeSpan? Consensus { get; init; }

    /// <summary>How often a process in Gather sends its join again (Corosync's <c>join</c>); null: <see cref="TokenLoss"/> / 60 (50 ms at Corosync's token).</summary>
    public TimeSpan? Join { get; init; }

    /// <summary>How often a ring's representative announces its ring, so that components merge (Corosync's <c>merge</c>); null: <see cref="TokenLoss"/> / 15 (200 ms at Corosync's token).</summary>
    public TimeSpan? Merge { get; init; }

    /// <summary>How long the last holder waits for a sign that the token moved on before it sends it again (Corosync's <c>token_retransmit</c>); null: <see cref="TokenLoss"/> / 4.2.</summary>
    public TimeSpan? TokenRetransmit { get; init; }

    /// <summary>The membership algorithm's settings these timeouts make.</summary>
    internal MembershipSettings Membership() =>
        MembershipSettings.Corosync with
        {
            TokenLossTimeoutMs = TokenLoss.TotalMilliseconds,
            ConsensusTimeoutMs = (Consensus ?? 1.2 * TokenLoss).TotalMilliseconds,
            JoinTimeoutMs = (Join ?? TokenLoss / 60).TotalMilliseconds,
            MergeDetectTimeoutMs = (Merge ?? TokenLoss / 15).TotalMilliseconds,
        };

    /// <summary>The ordering protocol's settings these timeouts make (its other settings Corosync's).</summary>
    internal TotemSettings Totem() =>
        TotemSettings.Default with { TokenRetransmitTimeoutMs = (TokenRetransmit ?? TokenLoss / 4.2).TotalMilliseconds };
}
