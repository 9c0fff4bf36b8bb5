// Issue #13, item 3: "Bounds on every number a peer claims". Totem's packets carry numbers that a
// receiver believes and builds on: ring sequence numbers, the token's ordinals and hop count, what
// each member writes on the commit token in step 3. A correct process only claims numbers that
// Totem's invariants keep close to what the receiver knows already; each bound below is such an
// invariant, given where it is checked. A packet beyond one cannot come from a correct process: it
// is dropped and counted (PacketDrops.OutOfBounds), where believing it would wrap a ring sequence
// number round, stall the ring, or grow a buffer without end.
// With the bounds a number this process adds one to (a ring sequence number, a token's hop count or
// ordinal) grows by at most its bound per packet believed, so it stays far from the largest long;
// the additions are checked all the same, so that an overflow would stop the node (fail-stop)
// instead of wrapping round to numbers that every later packet contradicts.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;

namespace Evs.Reference.Node;

/// <summary>The bounds on what a peer may claim, each a pure check of one packet against what this process knows.</summary>
public static class ClaimBounds
{
    /// <summary>
    /// Whether the ring sequence numbers <paramref name="packet"/> claims (the ring it names, and a
    /// join's highest ring sequence number) are at most <paramref name="lead"/>
    /// (<see cref="MembershipSettings.RingSequenceLead"/>) ahead of <paramref name="highestSeen"/>,
    /// the highest this process has seen. A ring's sequence number is one more than the highest any
    /// of its members had seen, so a correct peer is ahead of this process only by the membership
    /// changes this process missed.
    /// </summary>
    public static bool RingSequencesWithin(Packet packet, long highestSeen, long lead)
    {
        long claimed = packet is JoinMessage join ? Math.Max(join.HighestRingSequence, packet.Ring.Sequence) : packet.Ring.Sequence;
        return claimed <= highestSeen || claimed - highestSeen <= lead;
    }

    /// <summary>
    /// How far ahead of the highest ordinal this process knows on a ring (from the tokens it accepted
    /// and passed on) a message or a token may be: <see cref="TotemSettings.OutstandingLimit"/> plus
    /// <see cref="TotemSettings.WindowSize"/>. A message is broadcast only by the token holder, and
    /// the token must pass this process between two of its visits: by flow control, what all members
    /// broadcast in one rotation is at most the window, and no new ordinal runs more than the
    /// outstanding limit ahead of the aru. A correct message is therefore at most one window ahead of
    /// the token this process last passed on; the outstanding limit is margin on top. A correct
    /// message dropped for being ahead would only be a loss, recovered by retransmission once the
    /// token has caught up with it.
    /// </summary>
    public static long MessageLead(TotemSettings settings) => (long)settings.OutstandingLimit + settings.WindowSize;

    /// <summary>
    /// Whether a token of a ring with these <paramref name="members"/> stays within what one rotation
    /// can do, after a token with hop count <paramref name="lastTokenSeq"/> and highest ordinal
    /// <paramref name="knownSeq"/> passed this process (a token not newer than the last is stale,
    /// and is dropped before this check):
    /// <list type="bullet">
    /// <item>its hop count grows by one per hop, so by the number of members per rotation;</item>
    /// <item>its highest ordinal only grows, by at most <see cref="MessageLead"/> per rotation;</item>
    /// <item>its aru and its highest rebroadcast are ordinals already broadcast: from 0 to its highest;</item>
    /// <item>its aru setter is a member; at most every member has yet to install the ring; no count is negative.</item>
    /// </list>
    /// Its retransmission requests are not a reason to drop it: they are kept only where they can be
    /// answered (<see cref="RetransmissionRequests.Window"/>).
    /// </summary>
    public static bool TokenWithin(Token token, long lastTokenSeq, long knownSeq, Configuration members, TotemSettings settings) =>
        token.TokenSeq <= lastTokenSeq + members.Members.Length
        && token.Seq >= knownSeq && token.Seq <= knownSeq + MessageLead(settings)
        && token.Aru >= 0 && token.Aru <= token.Seq
        && token.RecoverySeq >= 0 && token.RecoverySeq <= token.Seq
        && (token.AruSetter is not { } setter || members.Contains(setter))
        && token.PendingInstalls >= 0 && token.PendingInstalls <= members.Members.Length
        && token.FlowControlCount >= 0 && token.Backlog >= 0 && token.SendBacklog >= 0;

    /// <summary>
    /// Whether a commit token is one its representative could have made and its members filled in:
    /// the members in ring order (the process identifiers ascending, none twice) with the
    /// representative first; a first or a second rotation; a hop count within the two rotations; and
    /// each member's information written in ring order, one per member at most, each consistent
    /// (<see cref="InformationWithin"/>) with itself and with <paramref name="myOldRing"/>.
    /// </summary>
    public static bool CommitTokenWithin(CommitToken commit, TotemRing? myOldRing)
    {
        var members = commit.Members;
        if (members.IsEmpty || commit.Ring.Representative != members[0]) return false;
        for (int i = 1; i < members.Length; i++)
            if (members[i - 1].CompareTo(members[i]) >= 0) return false;
        if (commit.Rotation is not (1 or 2) || commit.TokenSeq < 0 || commit.TokenSeq > 2L * members.Length) return false;
        if (commit.Infos.Length > members.Length) return false;
        for (int i = 0; i < commit.Infos.Length; i++)
            if (commit.Infos[i].Process != members[i] || !InformationWithin(commit.Infos[i], myOldRing)) return false;
        return true;
    }

    /// <summary>
    /// Whether what one member supplies in step 3 holds together: nothing it received or delivered
    /// lies beyond what it holds without a gap (<see cref="MemberInfo.MyAru"/>), which lies within
    /// what it has seen; and, when it comes from this process's own last regular configuration, what
    /// it says every member received this process has received too: "received by all" includes this
    /// process. That last bound keeps a claim from making step 6.b deliver as safe a message that
    /// this process never saw acknowledged.
    /// </summary>
    public static bool InformationWithin(MemberInfo info, TotemRing? myOldRing) =>
        info.ReceivedByAll >= 0 && info.DeliveredUpTo >= 0
        && info.ReceivedByAll <= info.MyAru && info.DeliveredUpTo <= info.MyAru && info.MyAru <= info.HighestSeen
        && (myOldRing is null || info.OldConfiguration?.Id != myOldRing.Configuration.Id || info.ReceivedByAll <= myOldRing.Buffer.MyAru);
}
