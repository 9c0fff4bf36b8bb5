// Lab 3 starter (labs/03-obligation-sets/README.md): step 5 of the recovery algorithm — when the
// rebroadcasts are all received, by this process (5.c) and by every member (5.b), and how the
// obligation set grows. The constructor, the queue of rebroadcasts, TakeIn and Ends are given; the
// four rules are yours. `evs lab start 3` copies this file to student/, `evs lab check 3` grades it.
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
        if (original is not null && old is not null && original.Ring == old.Id) old.Buffer.Add(original);
    }

    /// <summary>
    /// Whether no more rebroadcasts will come: every member of the new ring has held the token at
    /// least once since recovery began and none had anything left to rebroadcast at its last visit.
    /// </summary>
    public static bool NoMoreRebroadcasts(Token token, TotemRing ring) =>
        throw new NotImplementedException("lab 3: Step5Rebroadcast.NoMoreRebroadcasts");

    /// <summary>
    /// 5.c's condition: as it passes this token on, this process acknowledges having received all
    /// of the rebroadcast messages.
    /// </summary>
    public static bool AcknowledgesAll(Token token, TotemRing ring) =>
        throw new NotImplementedException("lab 3: Step5Rebroadcast.AcknowledgesAll");

    /// <summary>Every member of the new ring (so of every transitional configuration) has received every rebroadcast.</summary>
    public static bool AllAcknowledged(Token token, TotemRing ring) =>
        throw new NotImplementedException("lab 3: Step5Rebroadcast.AllAcknowledged");

    /// <summary>
    /// 5.b's end, at this token visit (given): the visit after the one at which every member was first
    /// known to have received everything (<see cref="AllAcknowledged"/>). In between, every other member
    /// held the token knowing that no more rebroadcasts come (<see cref="AcknowledgesAll"/>), and took on
    /// its obligations, so the process that installs first relies only on members that did (Section 3.2).
    /// </summary>
    public bool Ends(Token token, TotemRing ring)
    {
        bool ends = _allReceivedAtLastVisit;
        _allReceivedAtLastVisit = AllAcknowledged(token, ring);
        return ends;
    }

    /// <summary>5.c: the obligation set grown by the transitional members and their obligation sets.</summary>
    public ObligationSet Extend(ObligationSet obligations) =>
        throw new NotImplementedException("lab 3: Step5Rebroadcast.Extend");
}
