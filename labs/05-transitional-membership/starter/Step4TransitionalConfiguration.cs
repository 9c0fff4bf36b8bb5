// Lab 5 starter (labs/05-transitional-membership/README.md): step 4 of the recovery algorithm, from
// the information the members exchanged in step 3: who is in this process's transitional
// configuration (4.a), and which old messages this process rebroadcasts (4.b). Both are yours.
// `evs lab start 5` copies this file to student/, `evs lab check 5` grades it.
using Evs.Reference.Model;
using Evs.Reference.Ordering;

namespace Evs.Reference.Recovery;

/// <summary>Step 4: the transitional configuration and the messages to rebroadcast, from the exchanged information.</summary>
public static class Step4TransitionalConfiguration
{
    /// <summary>
    /// 4.a: the exchanged information of the members whose last regular configuration is
    /// <paramref name="myOld"/>, in process order. Empty for a process that has never been in a
    /// configuration: it has no transitional configuration.
    /// </summary>
    public static IReadOnlyList<MemberInfo> Members(IEnumerable<MemberInfo> exchanged, Configuration? myOld) =>
        throw new NotImplementedException("lab 5: Step4TransitionalConfiguration.Members");

    /// <summary>
    /// 4.b: the old messages <paramref name="me"/> rebroadcasts, in order. Every member of the
    /// transitional configuration holds every message up to the lowest aru among them, so only
    /// ordinals above it, up to the highest any of them has seen, may be missing somewhere. Each
    /// such message is rebroadcast by one process that surely holds it — the first member whose
    /// aru covers it — or, when no member's aru does, by every member that holds it. Only the
    /// messages this process holds are looked at: the ordinals come from other processes, and a
    /// range as wide as they claim could be too long to walk.
    /// </summary>
    public static IReadOnlyList<RegularMessage> MessagesToRebroadcast(ProcessId me, IReadOnlyList<MemberInfo> transitional, ReceiveBuffer old)
    {
        throw new NotImplementedException("lab 5: Step4TransitionalConfiguration.MessagesToRebroadcast");
    }
}
