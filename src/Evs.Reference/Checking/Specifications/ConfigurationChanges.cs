// Section 2.1, "Delivery of Configuration Changes", Specifications 2.1-2.4: members of a
// configuration install it and leave it together; every event of a process lies in the
// configuration it last installed; and a configuration change happens at one point of ->.
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking.Specifications;

/// <summary>
/// Specification 2.1: "If there exists deliver_conf_p(c), there does not exist fail_p(c), there
/// does not exist deliver_conf_p(c') such that deliver_conf_p(c) -> deliver_conf_p(c'), where
/// c != c', and if q is a member of c, then there exists deliver_conf_q(c), there does not exist
/// fail_q(c) and there does not exist deliver_conf_q(c'') such that deliver_conf_q(c) ->
/// deliver_conf_q(c''), where c != c''."
/// <para>The premise is that c is the last configuration p installs and p does not fail in it,
/// which only the end of the run can tell. So it is judged only on a quiescent trace (the run
/// settled: nothing further will happen), and there it says: every member q of c installed c,
/// did not fail in it and installed nothing after it. On a non-quiescent trace every premise
/// involves a last, unfinished configuration, so the specification is not judged.</para>
/// </summary>
internal sealed class Spec2_1MembersStayTogether : Specification
{
    public override string Spec => "2.1";
    public override string Title => "If a process stays in c, every member of c installs c and stays in it";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        if (!h.Quiescent) return null;
        var failed = FailedIn(h);
        var lastConfChange = LastConfChanges(h);
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int last = lastConfChange[p];
            if (last < 0 || failed.Contains((p, h.ConfigOf[last]))) continue;
            int c = h.ConfigOf[last];
            foreach (var member in h.MembersOf(c))
            {
                int q = h.ProcessNumber(member);
                int installed = q < 0 ? -1 : FirstOf(h.ConfChangesOf(c), e => h.ProcessOf[e] == q);
                if (installed < 0)
                    return context.Violation(this, $"{h.Processes[p]} stays in {h.Configurations[c]} but its member {member} never installs it", last);
                if (failed.Contains((q, c)))
                    return context.Violation(this, $"{h.Processes[p]} stays in {h.Configurations[c]} but its member {member} fails in it", last, installed);
                if (lastConfChange[q] != installed)
                    return context.Violation(this, $"{h.Processes[p]} stays in {h.Configurations[c]} but its member {member} installs {h.ConfigName(lastConfChange[q])} after it", last, installed, lastConfChange[q]);
            }
        }
        return null;
    }

    private static HashSet<(int Process, int Config)> FailedIn(History h)
    {
        var failed = new HashSet<(int, int)>();
        for (int e = 0; e < h.Count; e++) if (h.Kind[e] == EventKind.Fail) failed.Add((h.ProcessOf[e], h.ConfigOf[e]));
        return failed;
    }

    private static int[] LastConfChanges(History h)
    {
        var last = new int[h.Processes.Length];
        Array.Fill(last, -1);
        for (int e = 0; e < h.Count; e++) if (h.Kind[e] == EventKind.DeliverConf) last[h.ProcessOf[e]] = e;
        return last;
    }

    private static int FirstOf(ReadOnlySpan<int> events, Func<int, bool> predicate)
    {
        foreach (int e in events) if (predicate(e)) return e;
        return -1;
    }
}

/// <summary>
/// Specification 2.2: "If there exists an event e that is either send_p(m, c) or deliver_p(m, c)
/// or fail_p(c), then there exists deliver_conf_p(c) such that deliver_conf_p(c) -> e and there
/// does not exist an event e' such that e' is fail_p(c) or deliver_conf_p(c') and
/// deliver_conf_p(c) -> e' -> e, where e != e' and c != c'."
/// <para>Walks each process in local order, remembering the configuration it last installed
/// and whether it has failed since: a send, deliver or fail must name that configuration, with
/// no failure in between. The section's definition "deliver_conf_p(c): ... where p is a member
/// of c", and the premise that "all processes in a configuration agree on the membership", make
/// the configuration p is in well defined; so a deliver_conf of a configuration p is not a
/// member of, or whose kind, members or reg differ from another member's, is reported here.</para>
/// </summary>
internal sealed class Spec2_2EventsInCurrentConfiguration : Specification
{
    public override string Spec => "2.2";
    public override string Title => "Every event of a process lies in the configuration it last installed";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int installed = -1;
            bool failedSince = false;
            for (int e = h.ProcessStart[p]; e < h.ProcessStart[p + 1]; e++)
            {
                if (h.Kind[e] == EventKind.DeliverConf)
                {
                    if (Inconsistent(context, e, h.ConfChange(e)) is { } inconsistent) return inconsistent;
                    installed = e;
                    failedSince = false;
                    continue;
                }
                if (installed < 0)
                    return context.Violation(this, $"{h.ProcessName(e)} acts in {h.ConfigName(e)} before installing any configuration", e);
                if (h.ConfigOf[installed] != h.ConfigOf[e])
                    return context.Violation(this, $"{h.ProcessName(e)} acts in {h.ConfigName(e)} while its configuration is {h.ConfigName(installed)}", installed, e);
                if (failedSince)
                    return context.Violation(this, $"{h.ProcessName(e)} acts in {h.ConfigName(e)} after failing in it", installed, e);
                failedSince = h.Kind[e] == EventKind.Fail;
            }
        }
        return null;
    }

    private Violation? Inconsistent(CheckContext context, int e, DeliverConf dc)
    {
        var h = context.History;
        if (!dc.Members.Contains(dc.Process))
            return context.Violation(this, $"{dc.Process} installs {dc.Conf}, of which it is not a member", e);
        var first = h.Declaration[h.ConfigOf[e]]!;
        if (first.Kind != dc.Kind || first.PreviousRegular != dc.PreviousRegular || !first.Members.SequenceEqual(dc.Members))
            return context.Violation(this, $"{first.Process} and {dc.Process} install {dc.Conf} with different kind, members or reg", h.ConfChangesOf(h.ConfigOf[e])[0], e);
        return null;
    }
}

/// <summary>
/// Specifications 2.3 and 2.4 are one statement seen from two sides. 2.3: "If there exist
/// deliver_conf_p(c), deliver_conf_q(c) and e such that deliver_conf_p(c) -> e, where
/// e != deliver_conf_p(c), then deliver_conf_q(c) -> e." 2.4: "If there exist deliver_conf_p(c),
/// deliver_conf_q(c) and e such that e -> deliver_conf_p(c), where e != deliver_conf_p(c), then
/// e -> deliver_conf_q(c)."
/// <para>Both add precedences to ->; they can be broken only by making -> cyclic. Adding them
/// amounts to merging all deliver_conf events of one configuration into one node (layer 2 of
/// <see cref="PrecedesRelation"/>); a cycle that appears only then breaks both: it passes from
/// deliver_conf_p(c) to some event e and on to deliver_conf_q(c), so e follows p's change but
/// not q's (2.3 with p, q) and precedes q's change but not p's (2.4 with q, p). Both are
/// therefore reported, with the cycle as witnesses. A cycle already in layer 1 is 1.1's.</para>
/// </summary>
internal abstract class ConfigurationChangeAtOnePoint : Specification
{
    public override Violation? Check(CheckContext context) =>
        context.Precedes.Basic.Cycle is null && context.Precedes.WithConfigurationChanges.Cycle is { } cycle
            ? new Violation(Spec, "the deliver_conf events of one configuration cannot be at one point of ->: with them together the events form a cycle", cycle)
            : null;
}

/// <summary>Specification 2.3, decided as described on <see cref="ConfigurationChangeAtOnePoint"/>.</summary>
internal sealed class Spec2_3FollowsEveryMembersChange : ConfigurationChangeAtOnePoint
{
    public override string Spec => "2.3";
    public override string Title => "What follows a configuration change at one member follows it at every member";
}

/// <summary>Specification 2.4, decided as described on <see cref="ConfigurationChangeAtOnePoint"/>.</summary>
internal sealed class Spec2_4PrecedesEveryMembersChange : ConfigurationChangeAtOnePoint
{
    public override string Spec => "2.4";
    public override string Title => "What precedes a configuration change at one member precedes it at every member";
}
