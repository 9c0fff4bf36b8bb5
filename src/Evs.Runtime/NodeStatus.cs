// The real network (the runtime driver): what a running process can say about itself, and the
// one judgement that needs every process at once: has the cluster settled (docs/TRACE.md's
// "quiescent")? A tool that runs the processes asks each one, then decides with the same test the
// simulator makes (Evs.Reference's Quiescence).
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;

namespace Evs.Runtime;

/// <summary>
/// One process's state, taken on its event loop between two inputs.
/// <see cref="Configuration"/> is the last regular configuration it delivered;
/// <see cref="Ring"/> the ring of the last regular configuration it installed (null before the first);
/// <see cref="PendingSends"/> the application's messages not yet sent (queued for the node or
/// buffered in it); <see cref="DeliveredUpTo"/> and <see cref="HighestSeen"/> the ring's ordinals
/// delivered here and seen here; <see cref="Counters"/> the ordering protocol's counts and
/// <see cref="Drops"/> the packets it dropped as no correct process sends them (null when the
/// status was rebuilt from a report that does not carry them); <see cref="Delivered"/> the messages
/// delivered to the application since the process started, in every configuration, and
/// <see cref="DeliveredInConfiguration"/> those of them delivered in <see cref="Configuration"/>
/// (ordinals count the ring's messages, and start again with every ring). A stopped host reports its
/// last state with <see cref="Running"/> false.
/// </summary>
internal sealed record NodeStatus(
    ProcessId Id,
    bool Running,
    MembershipState State,
    Configuration? Configuration,
    RingId? Ring,
    int PendingSends,
    long DeliveredUpTo,
    long HighestSeen,
    OrderingCounters? Counters = null,
    PacketDrops? Drops = null,
    long Delivered = 0,
    long DeliveredInConfiguration = 0)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Id} {(Running ? "running" : "stopped")}, {State}, last regular configuration {Configuration?.Id.Name ?? "none"} [{string.Join(",", Configuration?.Members ?? [])}], "
        + $"{PendingSends} to send, delivered up to {DeliveredUpTo} of {HighestSeen} seen";

    /// <summary>
    /// Whether <paramref name="live"/>, the statuses of every process still alive, show a quiescent
    /// cluster (<see cref="Quiescence.Holds"/>): the test the simulator makes at the end of a run.
    /// </summary>
    public static bool AllQuiescent(IReadOnlyCollection<NodeStatus> live) =>
        Quiescence.Holds([.. live.Select(s => new NodeProgress(s.Id, s.State, s.Ring, s.Configuration, s.PendingSends, s.DeliveredUpTo, s.HighestSeen))]);
}
