// Issue #13 (items 2 and 3): a peer holding the cluster key, but buggy or hostile, can put any
// number in a packet, replay an old one, or send a token to the wrong process. Totem takes its
// peers' word for everything; a node here checks each claim against what the protocol can produce
// (Node/ClaimBounds, Membership/Gather's fresh joins, the token's predecessor) and drops what it
// cannot. Operators read these counts in a node's status, tests assert on them: a count that grows
// in a cluster without faults is a bug, or a member that is not what it should be.
namespace Evs.Reference.Node;

/// <summary>
/// What a node dropped because a peer claimed what no correct process sends. Packets of another
/// ring or round, late copies and duplicates are counted elsewhere
/// (<see cref="NodeSnapshot.IgnoredPackets"/>, <see cref="Ordering.OrderingCounters"/>): they are
/// what a lossy, duplicating network produces.
/// </summary>
public sealed record PacketDrops
{
    /// <summary>
    /// Packets dropped for a claim beyond its bound (<see cref="ClaimBounds"/>): a ring sequence
    /// number far ahead of any seen, a message or token far ahead of its ring, a token or commit
    /// token whose numbers contradict each other.
    /// </summary>
    public long OutOfBounds { get; set; }

    /// <summary>Tokens and commit tokens dropped because they did not come from this process's predecessor on their ring.</summary>
    public long Misaddressed { get; set; }

    /// <summary>Joins dropped as older than what their sender had already said (<see cref="Membership.Gather.IsStale"/>, <see cref="Membership.JoinMessage.IsLeftoverOf"/>).</summary>
    public long StaleJoins { get; set; }

    /// <summary>
    /// Retransmission requests taken off a token: for ordinals that no member lacks or that nobody has
    /// broadcast, repeated, or beyond the longest list (<see cref="Ordering.RetransmissionRequests.Window"/>).
    /// </summary>
    public long DroppedRequests { get; set; }

    /// <summary>A copy of these counts as they are now.</summary>
    public PacketDrops Copy() => this with { };

    /// <summary>Adds <paramref name="other"/>'s counts to these (a simulator sums its nodes'); returns these.</summary>
    public PacketDrops Add(PacketDrops other)
    {
        OutOfBounds += other.OutOfBounds;
        Misaddressed += other.Misaddressed;
        StaleJoins += other.StaleJoins;
        DroppedRequests += other.DroppedRequests;
        return this;
    }
}
