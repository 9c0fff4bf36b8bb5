// Tests of the real network under attack: a datagram an attacker sends should be dropped and
// counted, so that an operator sees the attack in a node's status. A process counts what it
// refuses in several places (the transport, the wire format); this is the one list of them, so
// that an attack test asserts on all at once and a new counter is one more line here.
using System.Collections.Immutable;
using Evs.Runtime;

namespace SpecTests.Runtime.Attacks;

/// <summary>The drop counters of one process at one moment, by name.</summary>
internal sealed record Drops(ImmutableSortedDictionary<string, long> Counts)
{
    private static readonly (string Name, Func<NodeHost, long> Read)[] Counters =
    [
        ("malformed", h => h.WireCounters.Malformed),
        ("unauthenticated", h => h.WireCounters.Unauthenticated),
        ("wrong version", h => h.WireCounters.WrongVersion),
        ("other cluster", h => h.WireCounters.OtherCluster),
        ("replayed", h => h.WireCounters.Replayed),
        ("stale", h => h.WireCounters.Stale),
        ("misaddressed", h => h.WireCounters.Misaddressed),
        ("unknown source", h => h.Transport.Counters.UnknownSource),
        ("wrong source", h => h.Transport.Counters.WrongSource),
        ("unknown sender", h => h.Senders.Refused),
        ("out of bounds", h => h.PacketDrops.OutOfBounds),
        ("misaddressed tokens", h => h.PacketDrops.Misaddressed),
        ("stale joins", h => h.PacketDrops.StaleJoins),
    ];

    /// <summary>The counters of <paramref name="host"/> now.</summary>
    public static Drops Of(NodeHost host) => new(Counters.ToImmutableSortedDictionary(c => c.Name, c => c.Read(host)));

    /// <summary>Every datagram or packet dropped, whatever the reason.</summary>
    public long Total => Counts.Values.Sum();

    /// <summary>What was counted since <paramref name="before"/>.</summary>
    public Drops Since(Drops before) => new(Counts.ToImmutableSortedDictionary(c => c.Key, c => c.Value - before.Counts[c.Key]));

    /// <inheritdoc/>
    public override string ToString() =>
        Counts.Any(c => c.Value != 0) ? string.Join(", ", Counts.Where(c => c.Value != 0).Select(c => $"{c.Key} {c.Value}")) : "nothing";
}
