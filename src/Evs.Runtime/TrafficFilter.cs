// The real network (the runtime driver): partitions for class demonstrations, without pulling
// cables. The host drops datagrams to and from blocked peers, after encoding and before decoding,
// so the protocol sees exactly what a cut network would show it: silence. A cut has a direction
// (issue #17): real LANs lose traffic one way only (a node that hears the others but is not
// heard: a half-broken switch port, a firewall rule in one direction), and the protocol must be
// tried against that too, not only against the symmetric partitions of the simulator.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>Which way a cut drops a peer's traffic, seen from the process that cuts.</summary>
[Flags]
public enum TrafficDirection
{
    /// <summary>Nothing is dropped (not a cut; what a peer not blocked has).</summary>
    None = 0,

    /// <summary>What comes from the peer is dropped on arrival; what goes to it passes.</summary>
    In = 1,

    /// <summary>What goes to the peer is not sent; what comes from it passes.</summary>
    Out = 2,

    /// <summary>Both ways: the network between the two is cut.</summary>
    Both = In | Out,
}

/// <summary>The spelling of a direction at the prompt, on the control socket and in a status: <c>in</c>, <c>out</c>, <c>both</c>.</summary>
internal static class TrafficDirectionNames
{
    /// <summary>The lower-case name of a cut's direction.</summary>
    public static string ToName(this TrafficDirection direction) => direction switch
    {
        TrafficDirection.In => "in",
        TrafficDirection.Out => "out",
        TrafficDirection.Both => "both",
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "not the direction of a cut"),
    };

    /// <summary>Parses a direction's name; false when it is none of the three.</summary>
    public static bool TryParse(string? name, out TrafficDirection direction)
    {
        switch (name)
        {
            case "in": direction = TrafficDirection.In; return true;
            case "out": direction = TrafficDirection.Out; return true;
            case "both": direction = TrafficDirection.Both; return true;
            default: direction = TrafficDirection.None; return false;
        }
    }

    /// <summary>A peer's cut as the block command names it: <c>p3</c> (both ways), <c>p3 in</c>, <c>p3 out</c>.</summary>
    public static string Cut(ProcessId peer, TrafficDirection direction) =>
        direction == TrafficDirection.Both ? peer.Name : $"{peer.Name} {direction.ToName()}";
}

/// <summary>
/// Which peers this process may exchange datagrams with, and in which direction. <see cref="Block(TrafficDirection, ProcessId[])"/>
/// cuts the given peers off one way or both, <see cref="Isolate"/> cuts everyone off (also processes
/// the transport cannot name), <see cref="Heal"/> restores everything. Safe to call from any thread
/// while the host runs. A cut is one-sided: a full partition blocks on both sides (or isolates one
/// side); a one-way loss from p1 to p3 is p3 blocking p1 <see cref="TrafficDirection.In"/> (or p1
/// blocking p3 <see cref="TrafficDirection.Out"/>).
/// </summary>
internal sealed class TrafficFilter
{
    private sealed record Cut(bool Isolated, ImmutableSortedDictionary<ProcessId, TrafficDirection> Blocked)
    {
        public static Cut None { get; } = new(false, ImmutableSortedDictionary.Create<ProcessId, TrafficDirection>(ProcessId.Ordinal));

        public TrafficDirection Of(ProcessId peer) => Blocked.GetValueOrDefault(peer, TrafficDirection.None);
    }

    private Cut _cut = Cut.None;
    private long _droppedIn, _droppedOut;

    /// <summary>Drops every datagram to and from <paramref name="peers"/> (added to those already blocked).</summary>
    public void Block(params ProcessId[] peers) => Block(TrafficDirection.Both, peers);

    /// <summary>
    /// Drops the datagrams of <paramref name="peers"/> in <paramref name="direction"/>, added to the
    /// cuts already made: a peer blocked <see cref="TrafficDirection.In"/>, then
    /// <see cref="TrafficDirection.Out"/>, is blocked both ways.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="direction"/> is <see cref="TrafficDirection.None"/> or not a direction.</exception>
    public void Block(TrafficDirection direction, params ProcessId[] peers)
    {
        if (direction is not (TrafficDirection.In or TrafficDirection.Out or TrafficDirection.Both))
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "a cut drops traffic In, Out or Both ways");
        Change(cut => cut with { Blocked = peers.Aggregate(cut.Blocked, (blocked, peer) => blocked.SetItem(peer, cut.Of(peer) | direction)) });
    }

    /// <summary>Drops every datagram, to and from anyone.</summary>
    public void Isolate() => Change(cut => cut with { Isolated = true });

    /// <summary>Lets every datagram through again.</summary>
    public void Heal() => Volatile.Write(ref _cut, Cut.None);

    /// <summary>
    /// Whether nothing this process sends is cut (cuts <see cref="TrafficDirection.In"/> may be in
    /// force): a multicast datagram may then go to the whole group at once.
    /// </summary>
    public bool SendsToEveryone
    {
        get
        {
            var cut = Volatile.Read(ref _cut);
            return !cut.Isolated && cut.Blocked.Values.All(direction => !direction.HasFlag(TrafficDirection.Out));
        }
    }

    /// <summary>Whether this process is cut off from everyone.</summary>
    public bool IsIsolated => Volatile.Read(ref _cut).Isolated;

    /// <summary>The peers blocked one by one, each with the directions cut, in the order of their names.</summary>
    public ImmutableSortedDictionary<ProcessId, TrafficDirection> Blocked => Volatile.Read(ref _cut).Blocked;

    /// <summary>Datagrams received and dropped by the cut.</summary>
    public long DroppedIn => Volatile.Read(ref _droppedIn);

    /// <summary>Datagrams not sent because of the cut.</summary>
    public long DroppedOut => Volatile.Read(ref _droppedOut);

    /// <summary>Whether a datagram from <paramref name="peer"/> (null: a source the transport cannot name) passes; counts it if not.</summary>
    public bool PassesFrom(ProcessId? peer)
    {
        var cut = Volatile.Read(ref _cut);
        bool passes = !cut.Isolated && (peer is not { } p || !cut.Of(p).HasFlag(TrafficDirection.In));
        if (!passes) Interlocked.Increment(ref _droppedIn);
        return passes;
    }

    /// <summary>Whether a datagram to <paramref name="peer"/> passes; counts it if not.</summary>
    public bool PassesTo(ProcessId peer)
    {
        var cut = Volatile.Read(ref _cut);
        bool passes = !cut.Isolated && !cut.Of(peer).HasFlag(TrafficDirection.Out);
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
