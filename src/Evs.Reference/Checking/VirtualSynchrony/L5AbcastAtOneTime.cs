// The paper, Section 4, the fifth condition of a legal history: an abcast message is delivered
// at one logical time everywhere, which is what makes abcast totally ordered. Section 5.1:
// "Property L5 follows from Specification 6.2."
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// L5: "For any two events deliver_i(m) and deliver_j(m) of an abcast message m,
/// time(deliver_i(m)) = time(deliver_j(m))."
/// <para>Judged as: a time exists with L1's order respected, each view's events at one time (L3)
/// and each abcast message's deliveries at one time: the graph of → with both identifications is
/// acyclic (<see cref="CausalLayers.WithAbcast"/>, on Extend(H), so that a failed process's imputed
/// deliveries count — one that delivered a later abcast message without an earlier one cannot be
/// completed). A cycle already there without this merge is L1's or L3's. Two processes that
/// deliver two abcast messages in opposite orders make such a cycle. A message is abcast as its
/// send says (or its first delivery, if never sent); a delivery that names the other multicast
/// is a violation too, since it is not clear then which deliveries must share a time.</para>
/// </summary>
internal sealed class L5AbcastAtOneTime : VsCondition
{
    public override string Name => "L5";
    public override string Title => "The deliveries of an abcast message have one logical time";

    public override Violation? Check(VsCheckContext context) => ServiceDisagrees(context.Recorded) ?? OutOfOrder(context);

    private Violation? ServiceDisagrees(VsHistory h)
    {
        for (int e = 0; e < h.Count; e++)
        {
            if (h.Events[e] is not VsDeliver d || d.Service == h.ServiceOf[h.MessageOf[e]]) continue;
            int first = h.SendOf[h.MessageOf[e]] >= 0 ? h.SendOf[h.MessageOf[e]] : h.DeliveriesOf(h.MessageOf[e])[0];
            return VsCheckContext.Violation(this, $"{d.Process} delivers {d.Message} as {d.Service.ToName()}, but it is {h.ServiceOf[h.MessageOf[e]].ToName()}", h, first, e);
        }
        return null;
    }

    private Violation? OutOfOrder(VsCheckContext context)
    {
        var layers = context.Layers;
        if (layers.Basic.Cycle is not null || layers.WithViews.Cycle is not null || layers.WithAbcast.Cycle is not { } cycle) return null;
        return VsCheckContext.Violation(this, "no time gives each abcast message's deliveries one time: with them at one time, these events form a cycle (abcast messages delivered in different orders)", context.Extended, cycle);
    }
}
