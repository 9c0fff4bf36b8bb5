// The paper, Section 4, the third condition of a complete history: delivery is all or nothing
// within a view. Section 5.1: "Property C3 is achieved by Specification 4 and the extend mechanism
// if appropriately revised to exclude from the history messages sent by failed processes that
// were not delivered by one or more processes that do not fail."
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// C3: "Each multicast message m, that is delivered by a process in view g^x, is delivered by all
/// other members of g^x, where x denotes the xth instance of group g."
/// <para>Judged on Extend(H) (<see cref="Extend"/>), on quiescent histories only, like C2. For
/// every view g^x in which a process delivers m, every member that g^x lists must deliver m: a
/// failed member counts as having delivered it when Extend imputes the delivery; a member that does
/// not fail must have delivered it itself. Where a member delivers it is L4's question, so any
/// delivery of m counts here. Messages the revision excludes are not judged, and neither is a
/// delivery before any view (L4 reports it).</para>
/// </summary>
internal sealed class C3DeliveredByAllMembers : VsCondition
{
    public override string Name => "C3";
    public override string Title => "A message delivered in view g^x is delivered by every member of g^x (on a quiescent history, after extend)";

    public override Violation? Check(VsCheckContext context)
    {
        var h = context.Extended;
        if (!h.Quiescent) return null;
        var judged = new HashSet<(int Message, int View)>();
        var deliverers = new HashSet<int>();
        for (int e = 0; e < h.Count; e++)
        {
            if (h.Events[e] is not VsDeliver d || h.Imputed[e] || h.ViewOf[e] < 0) continue;
            int m = h.MessageOf[e], v = h.ViewOf[e];
            if (context.ExcludedFromExtended[m] || !judged.Add((m, v))) continue;
            deliverers.Clear();
            foreach (int other in h.DeliveriesOf(m)) deliverers.Add(h.ProcessOf[other]);
            foreach (var member in h.MembersOf(v))
            {
                int q = h.ProcessNumber(member);
                if (q >= 0 && deliverers.Contains(q)) continue;
                return VsCheckContext.Violation(this, $"{d.Process} delivers {d.Message} in view {h.Views[v]}, but its member {member} never delivers it", h, [e, .. WhereMemberIs(h, q, v)]);
            }
        }
        return null;
    }

    /// <summary>Where the member that misses a delivery is: its event installing the view, else its last event, else nowhere in H.</summary>
    private static IEnumerable<int> WhereMemberIs(VsHistory h, int q, int v)
    {
        if (q < 0) return [];
        foreach (int x in h.ViewEventsOf(v))
            if (h.ProcessOf[x] == q) return [x];
        return [h.ProcessStart[q + 1] - 1];
    }
}
