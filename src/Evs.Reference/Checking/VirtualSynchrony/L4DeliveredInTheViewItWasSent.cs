// The paper, Section 4, the fourth condition of a legal history: all deliveries of a message are
// in one view. Section 5.1: "Property L4 is achieved by first applying the extend mechanism ...
// Therefore, after the filter has been applied, message m is delivered in the view in which it
// was sent."
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// L4: "Deliver events of a multicast message m occur in the same view g^x for each process that
/// delivers m, i.e. for each process i that delivers m the most recent membership change event
/// preceding deliver_i(m) is view_i(g^x)."
/// <para>The view of an event is the most recent view event before it at its process. Every
/// delivery of m must be in one view, and — as the paper's proof for the filter concludes — that
/// view is the one m was sent in (the sender's view at its send). A message never sent (C1's to
/// report) is held to the view of its first delivery. A send or a delivery before any view event
/// of its process has no view at all, and violates L4 too. Judged on H as recorded: Extend imputes
/// each delivery in a view in which the message was recorded delivered.</para>
/// </summary>
internal sealed class L4DeliveredInTheViewItWasSent : VsCondition
{
    public override string Name => "L4";
    public override string Title => "Every delivery of m is in one view: the view m was sent in";

    public override Violation? Check(VsCheckContext context)
    {
        var h = context.Recorded;
        for (int e = 0; e < h.Count; e++)
        {
            if (h.Events[e] is not (VsSend or VsDeliver)) continue;
            string what = h.Events[e] is VsSend ? "sends" : "delivers";
            if (h.ViewOf[e] < 0)
                return VsCheckContext.Violation(this, $"{h.Events[e].Process} {what} {h.MessageName(h.MessageOf[e])} before installing any view", h, e);
            if (h.Events[e] is not VsDeliver d || Reference(h, h.MessageOf[e]) is not { } reference || h.ViewOf[reference] == h.ViewOf[e]) continue;
            string where = h.Events[reference] is VsSend ? $"sent by {h.Events[reference].Process}" : $"delivered by {h.Events[reference].Process}";
            return VsCheckContext.Violation(this, $"{d.Process} delivers {d.Message} in view {h.Views[h.ViewOf[e]]}, but it was {where} in view {h.Views[h.ViewOf[reference]]}", h, reference, e);
        }
        return null;
    }

    /// <summary>The event whose view every delivery of m must be in: its send, or its first delivery in a view when it has no send in a view.</summary>
    private static int? Reference(VsHistory h, int m)
    {
        if (h.SendOf[m] >= 0 && h.ViewOf[h.SendOf[m]] >= 0) return h.SendOf[m];
        foreach (int d in h.DeliveriesOf(m))
            if (h.ViewOf[d] >= 0) return d;
        return null;
    }
}
