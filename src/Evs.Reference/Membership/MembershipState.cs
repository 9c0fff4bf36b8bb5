// Totem's membership states (TOCS 1995; Corosync's totemsrp.c keeps the same names), and the
// reasons a process leaves normal operation — the first thing a user asks when the
// configuration changes.
namespace Evs.Reference.Membership;

/// <summary>Where a process is in Totem's membership algorithm.</summary>
public enum MembershipState
{
    /// <summary>In a regular configuration: step 1, the token circulates.</summary>
    Operational,

    /// <summary>Agreeing on the members of the next ring by exchanging join messages.</summary>
    Gather,

    /// <summary>The commit token circulates: every member supplies what step 3 of recovery exchanges.</summary>
    Commit,

    /// <summary>The new ring recovers the old rings' messages (steps 4-5) before it is installed (step 6).</summary>
    Recovery,
}

/// <summary>Why a process entered Gather.</summary>
public enum GatherReason
{
    /// <summary>The process started with no configuration (its first start).</summary>
    Start,

    /// <summary>The token did not come back within the token loss timeout: a member failed or the network split.</summary>
    TokenLoss,

    /// <summary>A packet came from a process outside the ring: another component can be heard (a merge).</summary>
    ForeignProcess,

    /// <summary>Another process is gathering and invited this one.</summary>
    JoinReceived,

    /// <summary>Commit or recovery did not finish within the token loss timeout: restart at step 2.</summary>
    RecoveryInterrupted,

    /// <summary>The process recovered from a crash, installed a singleton configuration, and looks for the others.</summary>
    Recovered,

    /// <summary>
    /// For many token visits in a row the token showed messages or work this process never saw
    /// arrive (Corosync's "FAILED TO RECEIVE", <see cref="Ordering.TotemRing.FailedToReceive"/>):
    /// the ring cannot get past them, and is formed again.
    /// </summary>
    FailedToReceive,

    /// <summary>A member of the ring announced its graceful leave (<see cref="LeaveAnnouncement"/>): gather without it, at once.</summary>
    LeaveAnnounced,
}
