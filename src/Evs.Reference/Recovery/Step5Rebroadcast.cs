// The paper, Section 3, Step 5:
//   "5.a. Rebroadcast messages as required by Step 4.b and acknowledge receipt of such messages.
//    b. Continue Step 5.a until all processes in the proposed transitional configuration of this
//    process acknowledge having received all of the rebroadcast messages.
//    c. If during Step 5.a this process acknowledges having received all of the rebroadcast
//    messages, it includes the members of the proposed transitional configuration and their
//    obligation sets in its obligation set."
// The rebroadcasts travel on the new ring (RecoveredMessage), whose token acknowledges them like
// any message: the token's aru is the acknowledgment, RecoverySeq the highest rebroadcast, and
// Backlog what the members still have to rebroadcast.
using Evs.Reference.Membership;
using Evs.Reference.Ordering;

namespace Evs.Reference.Recovery;

/// <summary>Step 5: when the rebroadcasts are all received, by this process and by every member.</summary>
public sealed class Step5Rebroadcast(IReadOnlyList<MemberInfo> transitional)
{
    /// <summary>The exchanged information of the members of the proposed transitional configuration.</summary>
    public IReadOnlyList<MemberInfo> Transitional { get; } = transitional;

    /// <summary>
    /// Whether no more rebroadcasts will come: every member of the new ring has held the token at
    /// least once since recovery began (this is this process's second visit or later) and none
    /// had anything left to rebroadcast at its last visit.
    /// </summary>
    public static bool NoMoreRebroadcasts(Token token, RegularDelivery ring) => ring.Visits >= 2 && token.Backlog == 0;

    /// <summary>
    /// 5.c's condition: as it forwards this token, this process acknowledges having received all
    /// of the rebroadcast messages.
    /// </summary>
    public static bool AcknowledgesAll(Token token, RegularDelivery ring) =>
        NoMoreRebroadcasts(token, ring) && ring.Buffer.MyAru >= token.RecoverySeq;

    /// <summary>5.b's end: every member of the new ring (so of every transitional configuration) has acknowledged every rebroadcast.</summary>
    public static bool AllAcknowledged(Token token, RegularDelivery ring) =>
        NoMoreRebroadcasts(token, ring) && ring.ReceivedByAll >= token.RecoverySeq;

    /// <summary>5.c: the obligation set grown by the transitional members and their obligation sets.</summary>
    public ObligationSet Extend(ObligationSet obligations) =>
        Transitional.Aggregate(obligations.With(Transitional.Select(i => i.Process)), (o, i) => o.With(i.Obligations.Processes));
}
