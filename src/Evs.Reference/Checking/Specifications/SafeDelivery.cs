// Section 2.1, "Safe Delivery", Specifications 7.1 and 7.2: a safe message delivered by one
// member of a configuration is delivered by every member unless it fails, and a safe
// delivery in a regular configuration means every member installed that configuration.
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking.Specifications;

/// <summary>
/// Specification 7.1: "If there exists deliver_p(m, c) for a safe message m, then for all
/// members q of c there exists deliver_q(m, com_q(c)) or fail_q(com_q(c))."
/// <para>com_q(c) is reg(c) or q's transitional configuration after it, so for every member q of
/// every configuration c in which m is delivered safe, q must deliver m, or fail, in some
/// configuration whose reg is reg(c). Whether q still will is a question about the end of the
/// run: on a quiescent trace every member is judged; on a non-quiescent one only a member that
/// has already left com_q(c) (installed a configuration of another reg after one of reg(c)).</para>
/// </summary>
internal sealed class Spec7_1SafeDeliveredByAllMembers : Specification
{
    public override string Spec => "7.1";
    public override string Title => "A safe message delivered in c is delivered by every member of c, unless it fails";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        var left = LeftRegular(h);
        var failed = new HashSet<(int Process, int Regular)>();
        for (int e = 0; e < h.Count; e++)
            if (h.Kind[e] == EventKind.Fail) failed.Add((h.ProcessOf[e], h.RegularOf[h.ConfigOf[e]]));
        var delivered = new HashSet<(int Process, int Regular)>();
        var judged = new List<int>();
        for (int m = 0; m < h.Messages.Length; m++)
        {
            var deliveries = h.DeliveriesOf(m);
            if (!AnySafe(h, deliveries)) continue;
            delivered.Clear();
            judged.Clear();
            foreach (int d in deliveries) delivered.Add((h.ProcessOf[d], h.RegularOf[h.ConfigOf[d]]));
            foreach (int d in deliveries)
            {
                int c = h.ConfigOf[d], regular = h.RegularOf[c];
                if (h.Service[d] != DeliveryService.Safe || judged.Contains(c)) continue;
                judged.Add(c);
                foreach (var member in h.MembersOf(c))
                {
                    var q = (h.ProcessNumber(member), regular);
                    if (delivered.Contains(q) || failed.Contains(q) || !(h.Quiescent || left.Contains(q))) continue;
                    var installed = h.ConfChangesOf(c).ToArray().Where(e => h.ProcessOf[e] == q.Item1);
                    return context.Violation(this, $"{h.ProcessName(d)} delivers the safe message {h.Messages[m]} in {h.ConfigName(d)}, but its member {member} neither delivers it nor fails", [d, .. installed]);
                }
            }
        }
        return null;
    }

    // Whether any of the deliveries is of the safe service: only then is there anything to judge.
    private static bool AnySafe(History h, ReadOnlySpan<int> deliveries)
    {
        foreach (int d in deliveries) if (h.Service[d] == DeliveryService.Safe) return true;
        return false;
    }

    /// <summary>The (process, regular configuration) pairs where the process installed a configuration of that reg and later one of another.</summary>
    private static HashSet<(int, int)> LeftRegular(History h)
    {
        var left = new HashSet<(int, int)>();
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int current = -1;
            for (int e = h.ProcessStart[p]; e < h.ProcessStart[p + 1]; e++)
            {
                if (h.Kind[e] != EventKind.DeliverConf) continue;
                int regular = h.RegularOf[h.ConfigOf[e]];
                if (current >= 0 && current != regular) left.Add((p, current));
                current = regular;
            }
        }
        return left;
    }
}

/// <summary>
/// Specification 7.2: "If there exists deliver_p(m, reg_p(c)) for a safe message m, then for all
/// members q of reg_p(c) there exists deliver_conf_q(reg_p(c))."
/// <para>For every regular configuration in which a safe message is delivered, every member has
/// a deliver_conf of it. A member may install it late, so this is judged on quiescent traces only.</para>
/// </summary>
internal sealed class Spec7_2SafeMeansAllInstalled : Specification
{
    public override string Spec => "7.2";
    public override string Title => "A safe delivery in a regular configuration means every member installed it";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        if (!h.Quiescent) return null;
        var judged = new HashSet<int>();
        for (int e = 0; e < h.Count; e++)
        {
            int c = h.ConfigOf[e];
            if (h.Kind[e] != EventKind.Deliver || h.Service[e] != DeliveryService.Safe || h.IsTransitional(c) || !judged.Add(c)) continue;
            var installed = new HashSet<int>();
            foreach (int dc in h.ConfChangesOf(c)) installed.Add(h.ProcessOf[dc]);
            foreach (var member in h.MembersOf(c))
                if (!installed.Contains(h.ProcessNumber(member)))
                    return context.Violation(this, $"{h.ProcessName(e)} delivers the safe message {h.MessageName(e)} in {h.ConfigName(e)}, which its member {member} never installs", e);
        }
        return null;
    }
}
