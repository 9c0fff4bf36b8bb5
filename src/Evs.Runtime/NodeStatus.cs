// The real network (the runtime driver): what a running process can say about itself, and the
// one judgement that needs every process at once: has the cluster settled (docs/TRACE.md's
// "quiescent")? A tool that runs the processes asks each one, then decides.
using Evs.Reference.Membership;
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>
/// One process's state, taken on its event loop between two inputs.
/// <see cref="Configuration"/> is the last regular configuration it delivered;
/// <see cref="Ring"/> the ring of the last regular configuration it installed (null before the first);
/// <see cref="PendingSends"/> the application's messages not yet sent (queued for the node or
/// buffered in it); <see cref="DeliveredUpTo"/> and <see cref="HighestSeen"/> the ring's ordinals
/// delivered here and seen here. A stopped host reports its last state with <see cref="Running"/> false.
/// </summary>
public sealed record NodeStatus(
    ProcessId Id,
    bool Running,
    MembershipState State,
    Configuration? Configuration,
    RingId? Ring,
    int PendingSends,
    long DeliveredUpTo,
    long HighestSeen)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Id} {(Running ? "running" : "stopped")}, {State}, last regular configuration {Configuration?.Id.Name ?? "none"} [{string.Join(",", Configuration?.Members ?? [])}], "
        + $"{PendingSends} to send, delivered up to {DeliveredUpTo} of {HighestSeen} seen";

    /// <summary>
    /// Whether <paramref name="live"/>, the statuses of every process still alive, show a
    /// quiescent cluster (docs/TRACE.md): every one operational in the same ring, whose members are
    /// exactly these processes, nothing waiting to be sent, and every message of the ring
    /// delivered everywhere. The same test the simulator makes at the end of a run.
    /// </summary>
    public static bool AllQuiescent(IReadOnlyCollection<NodeStatus> live)
    {
        if (live.Count == 0) return true;
        var first = live.First();
        if (first.Ring is not { } ring || first.Configuration is not { } configuration) return false;
        var ids = live.Select(s => s.Id).OrderBy(p => p, ProcessId.Ordinal);
        if (!configuration.Members.SequenceEqual(ids)) return false;
        return live.All(s =>
            s.State == MembershipState.Operational && s.Ring == ring && s.PendingSends == 0
            && s.DeliveredUpTo == first.HighestSeen && s.HighestSeen == first.HighestSeen);
    }
}
