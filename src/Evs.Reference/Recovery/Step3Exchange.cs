// The paper, Section 3, Step 3: "Exchange information with each process of the proposed new
// configuration. In particular, each process supplies the identifier of its last regular
// configuration, the identifier of the last safe message it delivered, and its obligation set."
// The exchange rides on Totem's commit token: each member writes its MemberInfo on the first
// rotation and reads everyone's on the second.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;

namespace Evs.Reference.Recovery;

/// <summary>Step 3: what this process tells the other members of the proposed configuration.</summary>
public static class Step3Exchange
{
    /// <summary>
    /// The information <paramref name="me"/> supplies about its last regular configuration
    /// (<paramref name="old"/>, null if it has never been in one), its obligation set, and for the
    /// primary component algorithm what it knows of primary components.
    /// </summary>
    public static MemberInfo InfoOf(ProcessId me, RegularDelivery? old, ObligationSet obligations, PrimaryHistory? primary = null) =>
        old is null
            ? new MemberInfo(me, null, 0, 0, 0, 0, obligations, primary)
            : new MemberInfo(me, old.Configuration, old.Buffer.MyAru, Math.Max(old.Buffer.HighestSeen, old.DeliveredUpTo),
                old.ReceivedByAll, old.DeliveredUpTo, obligations, primary);
}
