// Totem single-ring protocol (Amir, Moser, Melliar-Smith, Agarwal, Ciarfella, TOCS 1995),
// the paper's reference [3]: the token that circulates around the logical ring. Only the
// process holding it may broadcast new messages, which is what gives them a total order.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Ordering;

/// <summary>
/// The regular token of a Totem ring.
/// <list type="bullet">
/// <item><see cref="TokenSeq"/>: incremented at every hop, so a process accepts a token only if it
/// is newer than the last one it accepted; stale and duplicated tokens are dropped.</item>
/// <item><see cref="Seq"/>: the highest sequence number of any message broadcast on the ring.
/// The next new message gets <c>Seq + 1</c>: these ordinals impose the total order.</item>
/// <item><see cref="Aru"/> ("all received up to") and <see cref="AruSetter"/>: a lower bound on
/// what every process has received; see <see cref="AruRule"/>.</item>
/// <item><see cref="RetransmissionRequests"/>: sequence numbers some process is missing.</item>
/// <item><see cref="FlowControlCount"/>: messages broadcast (new and retransmitted) by all
/// processes during the last rotation; see <see cref="FlowControl"/>.</item>
/// <item><see cref="SendBacklog"/>: application messages waiting to be broadcast at the processes,
/// each counted at its last visit; the window is shared in proportion (<see cref="FlowControl.FairShare"/>).</item>
/// <item><see cref="RecoverySeq"/> and <see cref="Backlog"/>, used only while a new ring recovers
/// (step 5): the highest ordinal of a rebroadcast message, and how many rebroadcasts were still
/// waiting at the processes in the last rotation.</item>
/// <item><see cref="PendingInstalls"/>: how many members had not yet installed the ring at their
/// last visit; at zero, every member has installed it (a primary component is then confirmed).</item>
/// <item><see cref="LeaderInstalled"/>: the member that installs a recovering ring first has
/// installed it; the others install when they see this (PrimaryComponent/PrimaryDecision).</item>
/// </list>
/// </summary>
public sealed record Token(
    ProcessId Sender,
    RingId Ring,
    long TokenSeq,
    long Seq,
    long Aru,
    ProcessId? AruSetter,
    ImmutableArray<long> RetransmissionRequests,
    int FlowControlCount,
    long RecoverySeq = 0,
    int Backlog = 0,
    int PendingInstalls = 0,
    bool LeaderInstalled = false,
    int SendBacklog = 0) : Packet(Sender, Ring)
{
    /// <summary>The token the representative creates when a ring is formed: nothing broadcast yet.</summary>
    public static Token Initial(ProcessId representative, RingId ring) =>
        new(representative, ring, TokenSeq: 0, Seq: 0, Aru: 0, AruSetter: null, ImmutableArray<long>.Empty, FlowControlCount: 0);
}
