// The real network (the runtime driver): a key proves that a datagram comes from a key holder,
// not that its sender belongs to the cluster. A key holder (or, in an open cluster, anyone) can
// send joins as a process no one configured, every 100 ms, and keep the ring reforming around a
// ghost. So the host takes packets only from the processes the configuration names: the peer
// list over unicast, the membership policy over multicast (EvsNodeOptions.AcceptedSenders).
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>
/// Which processes this one accepts packets from, and how many packets it refused: any process
/// when the set is null. Each refused identifier is worth one log line, not one a packet; at
/// most <see cref="MaxLogged"/> are. Safe to read from any thread; judged on the event loop only.
/// </summary>
internal sealed class SenderPolicy(IReadOnlySet<ProcessId>? accepted)
{
    /// <summary>Refused identifiers logged, at most: more are counted, not logged.</summary>
    public const int MaxLogged = 64;

    private readonly HashSet<ProcessId> _logged = [];
    private long _refused;

    /// <summary>The processes accepted, or null for any.</summary>
    public IReadOnlySet<ProcessId>? Accepted => accepted;

    /// <summary>Packets refused because their sender is not accepted.</summary>
    public long Refused => Volatile.Read(ref _refused);

    /// <summary>Whether a packet from <paramref name="sender"/> is accepted; counts it if not.</summary>
    public bool Accepts(ProcessId sender)
    {
        if (accepted is null || accepted.Contains(sender)) return true;
        Interlocked.Increment(ref _refused);
        return false;
    }

    /// <summary>Whether <paramref name="sender"/>, just refused, is refused for the first time (and should be logged).</summary>
    public bool FirstRefusal(ProcessId sender) => _logged.Count < MaxLogged && _logged.Add(sender);
}
