// The tunable numbers of Totem's ordering. Corosync's names and defaults (totem.conf:
// window_size 50, max_messages 17, token_retransmit, hold, fail_recv_const 2500) are kept;
// timeouts are scaled per driver.
namespace Evs.Reference.Ordering;

/// <summary>Settings of the ordering protocol (step 1).</summary>
/// <param name="WindowSize">At most this many messages, new and retransmitted, broadcast by all processes in one token rotation.</param>
/// <param name="MaxMessagesPerVisit">At most this many messages one process broadcasts per token visit.</param>
/// <param name="OutstandingLimit">No new message is broadcast whose ordinal would be more than this ahead of the token's aru; bounds every buffer.</param>
/// <param name="MaxRetransmissionRequests">The longest retransmission request list the token carries.</param>
/// <param name="TokenRetransmitTimeoutMs">How long the last holder waits for a sign that the token moved on before sending it again.</param>
/// <param name="IdleTokenHoldMs">How long the representative holds an idle token (<see cref="TokenHold"/>); 0: never. Null: Corosync's rule, <see cref="IdleTokenHold"/>.</param>
/// <param name="IdleRotationsBeforeHold">How many idle rotations in a row make a ring idle enough to hold its token (<see cref="TokenHold"/>).</param>
/// <param name="FailToReceiveRotations">
/// Corosync's <c>fail_recv_const</c>, "how many rotations of the token without receiving any of the
/// messages when messages should be received may occur before a new configuration is formed": after
/// this many token visits in a row at which the token showed work to do and this process received
/// nothing new, it gathers (<see cref="TotemRing.FailedToReceive"/>). Corosync's default, 2500: a
/// lost message is retransmitted within a rotation or two, so a correct ring never comes near it.
/// </param>
public sealed record TotemSettings(
    int WindowSize = 50,
    int MaxMessagesPerVisit = 17,
    int OutstandingLimit = 500,
    int MaxRetransmissionRequests = 200,
    double TokenRetransmitTimeoutMs = 70,
    double? IdleTokenHoldMs = null,
    int IdleRotationsBeforeHold = 16,
    int FailToReceiveRotations = 2500)
{
    /// <summary>
    /// How long an idle token is held: <see cref="IdleTokenHoldMs"/>, or by default Corosync's
    /// <c>hold</c>, 180 ms but at most a quarter of the token retransmission timeout. The token's
    /// predecessor starts that timeout when it passes the token on, so a hold must end well before it.
    /// </summary>
    public double IdleTokenHold => IdleTokenHoldMs ?? Math.Min(180, TokenRetransmitTimeoutMs / 4);

    /// <summary>The defaults for a real network: Corosync's token retransmission, 3000 / 4.2 ms.</summary>
    public static TotemSettings Default { get; } = new(TokenRetransmitTimeoutMs: 714);

    /// <summary>For the simulator: a lost token is sent again after 30 ms (see <see cref="Membership.MembershipSettings.Simulation"/>).</summary>
    public static TotemSettings Simulation { get; } = new(TokenRetransmitTimeoutMs: 30);
}
