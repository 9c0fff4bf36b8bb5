// Lab 3 starter (labs/03-obligation-sets/README.md): step 5 of the recovery algorithm — when the
// rebroadcasts are all received, by this process (5.c) and by every member (5.b), and how the
// obligation set grows. `evs lab start 3` copies this file to student/, `evs lab check 3` grades it.
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
    /// least once since recovery began and none had anything left to rebroadcast at its last visit.
    /// </summary>
    public static bool NoMoreRebroadcasts(Token token, RegularDelivery ring) =>
        throw new NotImplementedException("lab 3: Step5Rebroadcast.NoMoreRebroadcasts");

    /// <summary>
    /// 5.c's condition: as it forwards this token, this process acknowledges having received all
    /// of the rebroadcast messages.
    /// </summary>
    public static bool AcknowledgesAll(Token token, RegularDelivery ring) =>
        throw new NotImplementedException("lab 3: Step5Rebroadcast.AcknowledgesAll");

    /// <summary>5.b's end: every member of the new ring (so of every transitional configuration) has acknowledged every rebroadcast.</summary>
    public static bool AllAcknowledged(Token token, RegularDelivery ring) =>
        throw new NotImplementedException("lab 3: Step5Rebroadcast.AllAcknowledged");

    /// <summary>5.c: the obligation set grown by the transitional members and their obligation sets.</summary>
    public ObligationSet Extend(ObligationSet obligations) =>
        throw new NotImplementedException("lab 3: Step5Rebroadcast.Extend");
}
