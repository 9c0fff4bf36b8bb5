// docs/TRACE.md's "quiescent": the run ended with traffic stopped, every partition healed, and
// every live process in one final regular configuration with nothing left in flight. Only then
// may a checker judge the specifications that speak of the last configuration (2.1, 3, 4, 7.1,
// 7.2). The one test, made by both drivers: the simulator at every step after its stop step, and
// a tool that runs real nodes (Evs.Runtime's NodeStatus) from what each process reports.
using Evs.Reference.Membership;
using Evs.Reference.Model;

namespace Evs.Reference.Node;

/// <summary>Whether the live processes have settled.</summary>
public static class Quiescence
{
    /// <summary>
    /// Whether <paramref name="live"/>, every process still alive, show a quiescent run: every one
    /// operational in the same ring, whose members are exactly these processes, nothing waiting to
    /// be sent, and every message of the ring delivered everywhere.
    /// </summary>
    public static bool Holds(IReadOnlyCollection<NodeProgress> live)
    {
        if (live.Count == 0) return true;
        if (!live.All(Settled)) return false;
        var first = live.MinBy(s => s.Id, ProcessId.Ordinal);
        if (first.Ring is not { } ring || first.Configuration is not { } configuration) return false;
        var ids = live.Select(s => s.Id).OrderBy(p => p, ProcessId.Ordinal);
        if (!configuration.Members.SequenceEqual(ids)) return false;
        return live.All(s => s.Ring == ring && s.HighestSeen == first.HighestSeen);
    }

    /// <summary>
    /// What one process must show for the run to be quiescent, whatever the others show: it is
    /// operational, has nothing waiting to be sent, and has delivered every message of its ring it has seen.
    /// (A simulator that asks at every step can stop at the first process that has not settled.)
    /// </summary>
    public static bool Settled(NodeProgress process) =>
        process.State == MembershipState.Operational && process.PendingSends == 0 && process.DeliveredUpTo == process.HighestSeen;
}
