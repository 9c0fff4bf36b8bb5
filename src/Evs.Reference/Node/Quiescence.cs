// docs/TRACE.md's "quiescent": the run ended with traffic stopped, every partition healed, and
// every live process in one final regular configuration with nothing left in flight. Only then
// may a checker judge the specifications that speak of the last configuration (2.1, 3, 4, 7.1,
// 7.2). The one test, made by both drivers: the simulator at the end of a run, and a tool that
// runs real nodes (Evs.Runtime's NodeStatus) from what each process reports.
using Evs.Reference.Membership;
using Evs.Reference.Model;

namespace Evs.Reference.Node;

/// <summary>Whether the live processes have settled.</summary>
public static class Quiescence
{
    /// <summary>
    /// What the test needs of one live process: where it is in Totem's membership, the ring and
    /// configuration it last installed, how many of its application's messages wait to be sent, and
    /// how far it has delivered and seen that ring's messages.
    /// </summary>
    public sealed record Process(ProcessId Id, MembershipState State, RingId? Ring, Configuration? Configuration, int PendingSends, long DeliveredUpTo, long HighestSeen);

    /// <summary>What <paramref name="node"/> shows of itself.</summary>
    public static Process Of(NodeSnapshot node) => new(
        node.Id, node.State, node.Regular?.Ring, node.Regular?.Configuration, node.PendingSends,
        node.Regular?.DeliveredUpTo ?? 0, node.Regular?.HighestSeen ?? 0);

    /// <summary>
    /// Whether <paramref name="live"/>, every process still alive, show a quiescent run: every one
    /// operational in the same ring, whose members are exactly these processes, nothing waiting to
    /// be sent, and every message of the ring delivered everywhere.
    /// </summary>
    public static bool Holds(IReadOnlyCollection<Process> live)
    {
        if (live.Count == 0) return true;
        var first = live.MinBy(s => s.Id, ProcessId.Ordinal)!;
        if (first.Ring is not { } ring || first.Configuration is not { } configuration) return false;
        var ids = live.Select(s => s.Id).OrderBy(p => p, ProcessId.Ordinal);
        if (!configuration.Members.SequenceEqual(ids)) return false;
        return live.All(s =>
            s.State == MembershipState.Operational && s.Ring == ring && s.PendingSends == 0
            && s.DeliveredUpTo == first.HighestSeen && s.HighestSeen == first.HighestSeen);
    }
}
