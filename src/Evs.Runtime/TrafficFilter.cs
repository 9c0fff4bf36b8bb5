// The real network (the runtime driver): partitions for class demonstrations, without pulling
// cables. The host drops datagrams to and from blocked peers, after encoding and before decoding,
// so the protocol sees exactly what a cut network would show it: silence.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>
/// Which peers this process may exchange datagrams with. <see cref="Block"/> cuts the given peers
/// off, <see cref="Isolate"/> cuts everyone off (also processes the transport cannot name),
/// <see cref="Heal"/> restores everything. Safe to call from any thread while the host runs. A cut
/// is one-sided: a full partition blocks on both sides (or isolates one side).
/// </summary>
public sealed class TrafficFilter
{
    private sealed record Cut(bool Isolated, ImmutableHashSet<ProcessId> Blocked)
    {
        public static Cut None { get; } = new(false, []);
    }

    private Cut _cut = Cut.None;
    private long _droppedIn, _droppedOut;

    /// <summary>Drops every datagram to and from <paramref name="peers"/> (added to those already blocked).</summary>
    public void Block(params ProcessId[] peers) => Change(cut => cut with { Blocked = cut.Blocked.Union(peers) });

    /// <summary>Drops every datagram, to and from anyone.</summary>
    public void Isolate() => Change(cut => cut with { Isolated = true });

    /// <summary>Lets every datagram through again.</summary>
    public void Heal() => Volatile.Write(ref _cut, Cut.None);

    /// <summary>Whether nothing is cut.</summary>
    public bool IsOpen => Volatile.Read(ref _cut) is { Isolated: false, Blocked.IsEmpty: true };

    /// <summary>Whether this process is cut off from everyone.</summary>
    public bool IsIsolated => Volatile.Read(ref _cut).Isolated;

    /// <summary>The peers blocked one by one.</summary>
    public ImmutableHashSet<ProcessId> Blocked => Volatile.Read(ref _cut).Blocked;

    /// <summary>Datagrams received and dropped by the cut.</summary>
    public long DroppedIn => Volatile.Read(ref _droppedIn);

    /// <summary>Datagrams not sent because of the cut.</summary>
    public long DroppedOut => Volatile.Read(ref _droppedOut);

    /// <summary>Whether a datagram from <paramref name="peer"/> (null: a source the transport cannot name) passes; counts it if not.</summary>
    public bool PassesFrom(ProcessId? peer)
    {
        var cut = Volatile.Read(ref _cut);
        bool passes = !cut.Isolated && (peer is not { } p || !cut.Blocked.Contains(p));
        if (!passes) Interlocked.Increment(ref _droppedIn);
        return passes;
    }

    /// <summary>Whether a datagram to <paramref name="peer"/> passes; counts it if not.</summary>
    public bool PassesTo(ProcessId peer)
    {
        var cut = Volatile.Read(ref _cut);
        bool passes = !cut.Isolated && !cut.Blocked.Contains(peer);
        if (!passes) Interlocked.Increment(ref _droppedOut);
        return passes;
    }

    private void Change(Func<Cut, Cut> change)
    {
        Cut seen, changed;
        do
        {
            seen = Volatile.Read(ref _cut);
            changed = change(seen);
        }
        while (Interlocked.CompareExchange(ref _cut, changed, seen) != seen);
    }
}
