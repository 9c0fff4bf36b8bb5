// The tunable numbers of Totem's ordering. Corosync's names and defaults (totem.conf:
// window_size 50, max_messages 17) are kept; timeouts are scaled per driver.
namespace Evs.Reference.Ordering;

/// <summary>Settings of the ordering protocol (step 1).</summary>
/// <param name="WindowSize">At most this many messages, new and retransmitted, broadcast by all processes in one token rotation.</param>
/// <param name="MaxMessagesPerVisit">At most this many messages one process broadcasts per token visit.</param>
/// <param name="OutstandingLimit">No new message is broadcast whose ordinal would be more than this ahead of the token's aru; bounds every buffer.</param>
/// <param name="MaxRetransmissionRequests">The longest retransmission request list the token carries.</param>
/// <param name="TokenRetransmitTimeoutMs">How long the last holder waits for a sign that the token moved on before sending it again.</param>
public sealed record TotemSettings(
    int WindowSize = 50,
    int MaxMessagesPerVisit = 17,
    int OutstandingLimit = 500,
    int MaxRetransmissionRequests = 200,
    double TokenRetransmitTimeoutMs = 70)
{
    /// <summary>The defaults for a real network: Corosync's token retransmission, 3000 / 4.2 ms.</summary>
    public static TotemSettings Default { get; } = new(TokenRetransmitTimeoutMs: 714);

    /// <summary>For the simulator: a lost token is sent again after 30 ms (see <see cref="Membership.MembershipSettings.Simulation"/>).</summary>
    public static TotemSettings Simulation { get; } = new(TokenRetransmitTimeoutMs: 30);
}
