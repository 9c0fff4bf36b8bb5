// The paper, Section 4, the third condition of a legal history: a view change happens at once
// at all its members. Section 5.1: "Property L3 follows from Specification 6.2, where the
// view_i(g^x) event corresponds to our deliver_conf_p(c) event."
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// L3: "Membership change events for the same view but distinct processes have the same logical
/// time, i.e. time(view_i(g^x)) = time(view_j(g^x))."
/// <para>Three things follow, judged in this order:</para>
/// <list type="number">
/// <item>All events of one view are one view g^x: each lists the same members, and the process
/// installing it among them.</item>
/// <item>A time exists with the view events of each view at one time and L1's order respected: the
/// graph of → with each view's events merged into one node is acyclic
/// (<see cref="CausalLayers.WithViews"/>, on Extend(H), so that a view imputed to a failed member
/// counts). A cycle that is already there without the merge is L1's, not L3's. In particular the
/// views installed by any two processes appear in the same relative order: the group's views
/// g^1, g^2, … are one sequence.</item>
/// <item>No process skips a view that lists it: if view v lists p and comes before a view p installs
/// (in the order of views, <see cref="ViewOrder"/>), p installs v too. Otherwise view_p(v), which
/// Extend(H) would have to add after p's later view, could not have v's time.</item>
/// </list>
/// </summary>
internal sealed class L3ViewsAtOneTime : VsCondition
{
    public override string Name => "L3";
    public override string Title => "The view events of one view have one logical time";

    public override Violation? Check(VsCheckContext context) =>
        MembersDisagree(context.Recorded) ?? ViewsOutOfOrder(context) ?? SkippedView(context.Recorded, context.Views);

    private Violation? MembersDisagree(VsHistory h)
    {
        for (int e = 0; e < h.Count; e++)
        {
            if (h.Events[e] is not ViewChange view) continue;
            int v = h.ViewOf[e];
            var declared = h.Declaration[v];
            bool same = view.Members.Distinct().Count() == h.MembersOf(v).Distinct().Count() && view.Members.All(m => h.IsMember(v, m));
            if (!same)
                return VsCheckContext.Violation(this, $"{declared.Process} and {view.Process} install view {view.View} with different members: [{string.Join(",", declared.Members)}] and [{string.Join(",", view.Members)}]", h, h.ViewEventsOf(v)[0], e);
            if (!h.IsMember(v, view.Process))
                return VsCheckContext.Violation(this, $"{view.Process} installs view {view.View}, which does not list it as a member", h, e);
        }
        return null;
    }

    private Violation? ViewsOutOfOrder(VsCheckContext context)
    {
        var layers = context.Layers;
        if (layers.Basic.Cycle is not null || layers.WithViews.Cycle is not { } cycle) return null;
        return VsCheckContext.Violation(this, "no time gives each view's events one time: with them at one time, these events form a cycle (processes install views in different orders, or one view is installed at causally different points)", context.Extended, cycle);
    }

    private Violation? SkippedView(VsHistory h, ViewOrder views)
    {
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int last = h.ViewOf[h.ProcessStart[p + 1] - 1];
            if (last < 0) continue;
            var installed = new HashSet<int>();
            for (int e = h.ProcessStart[p]; e < h.ProcessStart[p + 1]; e++)
                if (h.Events[e] is ViewChange) installed.Add(h.ViewOf[e]);
            foreach (int v in h.ViewsListing(h.Processes[p]))
            {
                if (installed.Contains(v) || !views.Precedes(v, last)) continue;
                int later = FirstViewEventAfter(h, views, p, v);
                return VsCheckContext.Violation(this, $"view {h.Views[v]} lists {h.Processes[p]} and comes before its view {h.Views[h.ViewOf[later]]}, but {h.Processes[p]} never installs it", h, h.ViewEventsOf(v)[0], later);
            }
        }
        return null;
    }

    /// <summary>The first view event of process p whose view view v comes before.</summary>
    private static int FirstViewEventAfter(VsHistory h, ViewOrder views, int p, int v)
    {
        int e = h.ProcessStart[p];
        while (h.Events[e] is not ViewChange || !views.Precedes(v, h.ViewOf[e])) e++;
        return e;
    }
}
