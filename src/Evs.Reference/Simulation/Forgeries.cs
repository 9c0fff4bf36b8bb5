// Issue #13, item 6, "with the key": what a buggy or hostile member that can authenticate packets
// may send — numbers no honest member ever sends, which the protocol core must bound. Each forgery
// is made from a packet the adversary captured, so that everything but the forged number is what
// an honest member sent (the ring, the sender the destination expects): a node that refuses it must
// refuse it for the number, not for a wrong ring or sender.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;

namespace Evs.Reference.Simulation;

/// <summary>The forged packets of <see cref="AdversaryAttack"/>, made from captured ones.</summary>
public static class Forgeries
{
    /// <summary>The ring number a forged join claims: 2^63 - 2, one below the largest a ring number can hold.</summary>
    public const long HugeRingSequence = long.MaxValue - 1;

    /// <summary>Forged regular messages are numbered from here up to twice this.</summary>
    public const long HugeMessageNumber = 1_000_000_000;

    /// <summary>How much a forged token raises Seq.</summary>
    public const long TokenSeqRaise = 1_000_000;

    /// <summary>How many retransmission requests a forged token carries.</summary>
    public const int FakeRetransmissionRequests = 5_000;

    /// <summary>
    /// The forgery <paramref name="attack"/> makes of <paramref name="captured"/> (of a kind the
    /// attack uses, <see cref="AdversarySettings.Uses"/>); a ghost join claims to come from one of
    /// <paramref name="ghosts"/>.
    /// </summary>
    public static Packet Forge(AdversaryAttack attack, Packet captured, ImmutableArray<ProcessId> ghosts, DeterministicRandom random) => (attack, captured) switch
    {
        (AdversaryAttack.ForgeRingNumber, JoinMessage join) =>
            join with { Ring = join.Ring with { Sequence = HugeRingSequence }, HighestRingSequence = HugeRingSequence },
        (AdversaryAttack.ForgeGhostJoin, JoinMessage join) =>
            FromGhost(join, ghosts[(int)random.Below(ghosts.Length)]),
        (AdversaryAttack.ForgeMessageNumber, RegularMessage message) =>
            message with { Seq = HugeMessageNumber + random.Below(HugeMessageNumber) },
        (AdversaryAttack.ForgeTokenSeq, Token token) =>
            token with { Seq = token.Seq + TokenSeqRaise },
        (AdversaryAttack.ForgeRetransmissionRequests, Token token) =>
            token with { RetransmissionRequests = FakeRequests(token.Seq, random) },
        _ => throw new ArgumentException($"{attack} forges nothing from a {captured.GetType().Name}", nameof(attack)),
    };

    /// <summary>
    /// Two processes outside the group: one whose id sorts before the usual ids (it would be a
    /// ring's representative), one after.
    /// </summary>
    public static ImmutableArray<ProcessId> Ghosts(IReadOnlyCollection<ProcessId> group) =>
        [Outside(group, "-ghost"), Outside(group, "zz_ghost")];

    private static JoinMessage FromGhost(JoinMessage join, ProcessId ghost) => join with { Sender = ghost, ProcSet = join.ProcSet.Add(ghost) };

    private static ProcessId Outside(IReadOnlyCollection<ProcessId> group, string name)
    {
        var ghost = new ProcessId(name);
        while (group.Contains(ghost)) ghost = new ProcessId(ghost.Name + "_");
        return ghost;
    }

    // Half of them ordinals the ring has used (every holder that has the message broadcasts it
    // again), half far above anything sent; distinct and sorted, as an honest list is.
    private static ImmutableArray<long> FakeRequests(long seq, DeterministicRandom random)
    {
        var requests = new HashSet<long>(FakeRetransmissionRequests);
        while (requests.Count < FakeRetransmissionRequests)
            requests.Add(seq > 0 && random.Chance(0.5) ? 1 + random.Below(seq) : HugeMessageNumber + random.Below(HugeMessageNumber));
        return [.. requests.Order()];
    }
}
