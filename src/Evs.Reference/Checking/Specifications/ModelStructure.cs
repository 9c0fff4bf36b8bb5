// Section 2, before the numbered specifications, states rules of the model itself: how a process
// comes back after a failure, and where a transitional configuration sits among the regular ones.
// Specifications 1.1-7.2 take these rules for granted, so a history that breaks them can satisfy
// every numbered specification (a process that recovers straight into {p, q}, or installs two
// transitional configurations in a row). These classes decide them, beside the numbered ones,
// under the names M.1 and M.2. Two more rules of the section need no class of their own: that a
// configuration identifier names one membership everywhere ("all processes in a configuration
// agree on the membership of that configuration"), and that a failed process does nothing before
// it recovers; Specification 2.2 reports both (see the class comments below).
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking.Specifications;

/// <summary>
/// M.1, recovery: "After a fail_p(c) event, process p may remain failed forever or may recover
/// with a deliver_conf_p(c'') event, where the membership of c'' is {p}."
/// <para>Walks each process in local order: the first deliver_conf after a fail must be of a
/// regular configuration whose only member is the process. A send, deliver or second fail between
/// the fail and the recovery is not this rule's: Specification 2.2 already forbids every event
/// "after failing in" c that is not a deliver_conf (the configuration the process was in when it
/// failed), and every event in another configuration before a deliver_conf of it. So together
/// with 2.2 this class says that a failed process's events before its recovery do not exist.</para>
/// </summary>
internal sealed class ModelM1SingletonRecovery : Specification
{
    public override string Spec => "M.1";
    public override string Title => "After a fail, a process recovers in a regular configuration of itself alone";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int lastFail = -1;
            for (int e = h.ProcessStart[p]; e < h.ProcessStart[p + 1]; e++)
            {
                if (h.Kind[e] == EventKind.Fail) lastFail = e;
                if (h.Kind[e] != EventKind.DeliverConf || lastFail < 0) continue;
                var dc = h.ConfChange(e);
                if (!IsSingletonRegular(dc))
                    return context.Violation(this,
                        $"{dc.Process} fails in {h.ConfigName(lastFail)} and recovers in {dc.Kind.ToString().ToLowerInvariant()} {dc.Conf} with members {{{string.Join(", ", dc.Members)}}}, not in a regular configuration {{{dc.Process}}}",
                        lastFail, e);
                lastFail = -1;
            }
        }
        return null;
    }

    private static bool IsSingletonRegular(DeliverConf dc) =>
        dc.Kind == ConfigurationKind.Regular && dc.Members.Length == 1 && dc.Members[0] == dc.Process;
}

/// <summary>
/// M.2, transitional configurations: "A transitional configuration, in contrast, is immediately
/// followed by a single regular configuration and is immediately preceded by a single regular
/// configuration. A transitional configuration consists of the members of the next regular
/// configuration that have the same preceding regular configuration." And: "For a process p that
/// is a member of a transitional configuration c, we define reg_p(c) to be the regular
/// configuration that immediately precedes c."
/// <para>Walks each process's configuration changes in local order. A transitional configuration
/// c must come right after the deliver_conf of its <c>reg</c>, a regular configuration, with
/// members among reg's; and the configuration change right after c, when the trace has one, must
/// be of a regular configuration that has every member of c. A fail resets the walk: what a
/// process installs after failing is M.1's, and a transitional configuration it failed in has no
/// next regular configuration. A trace cut before the next configuration change is not judged on
/// it, since the change may simply not have happened yet.</para>
/// <para>That a configuration identifier names one membership everywhere is not judged here:
/// Specification 2.2 reports two deliver_conf events of one configuration whose kind, members or
/// reg differ, since then the configuration a process is in is not well defined.</para>
/// </summary>
internal sealed class ModelM2TransitionalBetweenRegulars : Specification
{
    public override string Spec => "M.2";
    public override string Title => "A transitional configuration comes between its reg and the next regular configuration, within both";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int previous = -1;
            bool failedSince = false;
            for (int e = h.ProcessStart[p]; e < h.ProcessStart[p + 1]; e++)
            {
                if (h.Kind[e] == EventKind.Fail) failedSince = true;
                if (h.Kind[e] != EventKind.DeliverConf) continue;
                var violation = failedSince ? null : Misplaced(context, previous, e, h.ConfChange(e));
                if (violation is not null) return violation;
                previous = e;
                failedSince = false;
            }
        }
        return null;
    }

    // What is wrong with p installing dc (event e) right after the configuration change
    // `previous` (-1 when dc is its first), or null when nothing is.
    private Violation? Misplaced(CheckContext context, int previous, int e, DeliverConf dc)
    {
        var h = context.History;
        var before = previous < 0 ? null : h.ConfChange(previous);
        if (before is { Kind: ConfigurationKind.Transitional })
        {
            if (dc.Kind == ConfigurationKind.Transitional)
                return context.Violation(this, $"{dc.Process} installs transitional {dc.Conf} right after transitional {before.Conf}, not after a regular configuration", previous, e);
            if (NotAmong(before.Members, dc.Members) is { } missing)
                return context.Violation(this, $"{dc.Process} installs {dc.Conf} after transitional {before.Conf}, whose member {missing} is not a member of {dc.Conf}", previous, e);
        }
        if (dc.Kind != ConfigurationKind.Transitional) return null;
        if (before is null)
            return context.Violation(this, $"{dc.Process} installs transitional {dc.Conf} without having installed its reg {dc.PreviousRegular} before it", e);
        if (before.Conf != dc.PreviousRegular)
            return context.Violation(this, $"{dc.Process} installs transitional {dc.Conf}, whose reg is {dc.PreviousRegular}, right after {before.Conf}", previous, e);
        if (NotAmong(dc.Members, before.Members) is { } outside)
            return context.Violation(this, $"transitional {dc.Conf} has the member {outside}, who is not a member of its reg {before.Conf}", previous, e);
        return null;
    }

    // A member of `members` that is not among `of`, or null when all are.
    private static ProcessId? NotAmong(IEnumerable<ProcessId> members, IEnumerable<ProcessId> of)
    {
        var set = of.ToHashSet();
        foreach (var m in members) if (!set.Contains(m)) return m;
        return null;
    }
}
