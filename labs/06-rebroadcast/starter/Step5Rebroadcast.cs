// Lab 6 starter (labs/06-rebroadcast/README.md): step 5 of the recovery algorithm — taking in the
// old messages the others rebroadcast (5.a), when this process has received them all (5.c's
// condition), when every member has, and when step 5 ends (5.b). The constructor and the queue of
// rebroadcasts are given; the rest is yours. `evs lab start 6` copies this file to student/,
// `evs lab check 6` grades it.
using Evs.Reference.Ordering;

namespace Evs.Reference.Recovery;

/// <summary>
/// Step 5 towards one proposed ring: the queue of old messages this process rebroadcasts (5.a),
/// taking in the old messages the others rebroadcast, and when the rebroadcasts are all
/// acknowledged, by this process (5.c) and by every member (5.b).
/// </summary>
public sealed class Step5Rebroadcast
{
    private bool _allReceivedAtLastVisit;

    /// <summary>
    /// Step 5 with the exchanged information of the members of the proposed transitional
    /// configuration (4.a) and the old messages this process must rebroadcast (4.b), in order (none by default).
    /// </summary>
    public Step5Rebroadcast(IReadOnlyList<MemberInfo> transitional, IEnumerable<RegularMessage>? toRebroadcast = null)
    {
        Transitional = transitional;
        Queue = new Queue<RegularMessage>(toRebroadcast ?? []);
    }

    /// <summary>The exchanged information of the members of the proposed transitional configuration.</summary>
    public IReadOnlyList<MemberInfo> Transitional { get; }

    /// <summary>5.a: the old messages still to rebroadcast, in order; the ring takes them first, as flow control allows.</summary>
    public Queue<RegularMessage> Queue { get; }

    /// <summary>
    /// 5.a, at the receiving end: a rebroadcast seen on the proposed ring for the first time
    /// (<paramref name="original"/>, with its old ordinal) joins the messages of this process's old
    /// ring, when it is of that ring, for step 6 to deliver.
    /// </summary>
    public static void TakeIn(RegularMessage? original, TotemRing? old)
    {
        throw new NotImplementedException("lab 6: Step5Rebroadcast.TakeIn");
    }

    /// <summary>
    /// Whether no more rebroadcasts will come: every member of the new ring has held the token at
    /// least once since recovery began (this is this process's second visit or later) and none
    /// had anything left to rebroadcast at its last visit.
    /// </summary>
    public static bool NoMoreRebroadcasts(Token token, TotemRing ring) =>
        throw new NotImplementedException("lab 6: Step5Rebroadcast.NoMoreRebroadcasts");

    /// <summary>
    /// 5.c's condition: as it passes this token on, this process acknowledges having received all
    /// of the rebroadcast messages.
    /// </summary>
    public static bool AcknowledgesAll(Token token, TotemRing ring) =>
        throw new NotImplementedException("lab 6: Step5Rebroadcast.AcknowledgesAll");

    /// <summary>Every member of the new ring (so of every transitional configuration) has received every rebroadcast.</summary>
    public static bool AllAcknowledged(Token token, TotemRing ring) =>
        throw new NotImplementedException("lab 6: Step5Rebroadcast.AllAcknowledged");

    /// <summary>
    /// 5.b's end, at this token visit: every member has "acknowledged having received all of the
    /// rebroadcast messages" in the sense of 5.c — knowing that no more will come, and so having
    /// taken on its obligations. Received by all is not enough: a member acknowledges a rebroadcast
    /// on the token before it knows it is the last one, and a process that installed relying on that
    /// acknowledgment, then failed, would leave the member free to discard the messages it delivered
    /// as safe (Section 3.2, Specification 7.1). So 5.b ends at the visit after the one at which every
    /// member was first known to have received everything: in between, every other member held the
    /// token with nothing left to rebroadcast anywhere and every rebroadcast received
    /// (<see cref="AcknowledgesAll"/>), and took on its obligations. Call it once per token visit.
    /// </summary>
    public bool Ends(Token token, TotemRing ring)
    {
        throw new NotImplementedException("lab 6: Step5Rebroadcast.Ends");
    }
}
