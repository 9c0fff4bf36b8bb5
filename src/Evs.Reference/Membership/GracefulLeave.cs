// A graceful leave (issue 18, item 3), as Corosync and Spread announce one. In the paper's model a
// process that stops is a failure, fail_p(c); the others learn of it only from the membership
// algorithm (Section 3: token loss, then the consensus timeout). A leaving process knows it will
// stop, and says so: it is still a fail_p(c) in the trace (marked "left"), but the others start the
// membership algorithm at once with it in the fail set, and install the configuration without it.
//
// Where the leave sits in the total order. The leaver originates nothing after a point s of its
// ring's total order (the token's highest ordinal at the first visit at which nothing of its own
// waits to be sent), and keeps taking part in the ring until s is received by all (Step 1's
// acknowledgment: the token's aru) and it has delivered everything up to s; at that token visit it
// broadcasts the announcement, keeps the token, and stops. So it delivers exactly the messages
// ordered through s, every member of its configuration holds all of them (none of the leaver's is
// lost, as it would be on a crash), and its leave is ordered after them.
//
// Why a packet of its own and not a message on the ring: a ring message takes an ordinal, which the
// recovery algorithm must then treat as a message. A member lacking it would count it as "the first
// unavailable message in the total order" (Step 6.a) and discard what follows, so Step 5.a would have
// to rebroadcast it and Step 6 to pass over it wherever delivered. The announcement carries s
// instead: it is outside the total order, but says where in it the leave is, and a survivor that
// receives it knows that every member has received every message up to s (a fact recovery may use:
// those messages are safe in the regular configuration).
//
// Lost announcements are harmless: one survivor that receives it gathers with the leaver in its fail
// set, and its join counts the leaver out for the others (Gather unites fail sets); if none receives
// it, the leaver just looks failed (token loss), as on a crash.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;

namespace Evs.Reference.Membership;

/// <summary>
/// <see cref="Packet.Sender"/> leaves ring <see cref="Packet.Ring"/> gracefully: it originated
/// nothing after ordinal <see cref="AfterSeq"/>, and every member of the ring has received every
/// message up to it.
/// </summary>
public sealed record LeaveAnnouncement(ProcessId Sender, RingId Ring, long AfterSeq) : Packet(Sender, Ring);

/// <summary>
/// The leaver's side: once asked (<see cref="Request"/>), the point of its installed ring after
/// which it leaves, and whether it leaves at a token visit (<see cref="AtTokenVisit"/>). A ring
/// change before it leaves starts the leave again on the next ring.
/// </summary>
public sealed class GracefulLeave
{
    private RingId? _ring;
    private long _afterSeq;

    /// <summary>Whether the application asked this process to leave.</summary>
    public bool Requested { get; private set; }

    /// <summary>The application asks this process to leave.</summary>
    public void Request() => Requested = true;

    /// <summary>
    /// A token of <paramref name="ring"/>, installed here, has just been accepted, and
    /// <paramref name="pending"/> of the application's messages asked before the leave wait to be
    /// sent. The leave point is fixed at the first such visit with none waiting; the announcement is
    /// returned at the visit at which everything up to it is received by all and delivered here,
    /// and null before.
    /// </summary>
    public LeaveAnnouncement? AtTokenVisit(ProcessId me, TotemRing ring, Token token, int pending)
    {
        if (!Requested) return null;
        if (_ring != ring.Id)
        {
            if (pending > 0) return null;
            _ring = ring.Id;
            _afterSeq = token.Seq;
        }
        return ring.ReceivedByAll >= _afterSeq && ring.DeliveredUpTo >= _afterSeq ? new LeaveAnnouncement(me, ring.Id, _afterSeq) : null;
    }
}

/// <summary>
/// The survivors' side: who announced a leave from this process's last regular ring. They are
/// counted out of every round of Gather until the next ring is installed, and named in that ring's
/// regular configuration change (<see cref="ConfigurationDelivered.Left"/>).
/// </summary>
public sealed class LeaveNotices
{
    private RingId? _ring;
    private ImmutableSortedSet<ProcessId> _leavers = ImmutableSortedSet.Create(ProcessId.Ordinal);

    /// <summary>Records that <paramref name="leaver"/> announced its leave from <paramref name="ring"/>; notices of an earlier ring are forgotten.</summary>
    public void Record(RingId ring, ProcessId leaver)
    {
        if (_ring != ring) _leavers = _leavers.Clear();
        _ring = ring;
        _leavers = _leavers.Add(leaver);
    }

    /// <summary>The processes that announced their leave from <paramref name="ring"/> (none for another ring, or no ring).</summary>
    public ImmutableSortedSet<ProcessId> From(RingId? ring) => ring is not null && ring == _ring ? _leavers : _leavers.Clear();

    /// <summary>
    /// The processes that announced their leave from ring <paramref name="old"/> and are not members of
    /// <paramref name="next"/>, in order; null when there are none.
    /// </summary>
    public IReadOnlyList<ProcessId>? LeftBetween(RingId old, Configuration next)
    {
        var left = From(old).Where(p => !next.Contains(p)).ToImmutableArray();
        return left.IsEmpty ? null : left;
    }
}
