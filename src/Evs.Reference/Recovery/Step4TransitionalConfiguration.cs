// The paper, Section 3, Step 4:
//   "4.a. Determine the members of the proposed transitional configuration of this process,
//    i.e. the members of the new regular configuration whose previous regular configuration is
//    the same as the previous regular configuration of this process.
//    b. Determine the messages to be rebroadcast because some process in the proposed
//    transitional configuration of this process has not acknowledged receipt of those messages."
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
        myOld is null ? [] : exchanged.Where(i => i.OldConfiguration?.Id == myOld.Id).OrderBy(i => i.Process, ProcessId.Ordinal).ToList();

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
        if (transitional.Count <= 1) return [];
        long low = transitional.Min(i => i.MyAru);
        long high = transitional.Max(i => i.HighestSeen);
        var mine = new List<RegularMessage>();
        foreach (var held in old.After(low))
        {
            if (held.Seq > high) break;
            if (held is not RegularMessage message) continue;
            var responsible = transitional.FirstOrDefault(i => i.MyAru >= message.Seq);
            if (responsible is null || responsible.Process == me) mine.Add(message);
        }
        return mine;
    }
}
