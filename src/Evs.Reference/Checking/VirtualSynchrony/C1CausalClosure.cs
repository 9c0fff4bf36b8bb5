// The paper, Section 4, the first condition of a complete history: nothing in H has a cause
// missing from H. Section 5.1: "Property C1 corresponds to Specifications 1.3, 1.4, 2.2 and 5."
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// C1: "For each event e' ∈ H and for all e → e', e ∈ H."
/// <para>→ is the transitive closure of local order and send(m) → deliver(m). The local
/// predecessors of an event are in H by construction (whether its indices leave a gap is L2's to
/// judge), so what H can miss is the send of a delivered message: every deliver(m) needs a
/// send(m) of some process. That the send comes before the delivery is L1's question — a
/// delivery that precedes its own send closes a cycle of →.</para>
/// <para>Judged on H as recorded: Extend adds only deliveries of messages whose send, if any, is in H.</para>
/// </summary>
internal sealed class C1CausalClosure : VsCondition
{
    public override string Name => "C1";
    public override string Title => "Every delivered message was sent: H holds every cause of its events";

    public override Violation? Check(VsCheckContext context)
    {
        var h = context.Recorded;
        for (int e = 0; e < h.Count; e++)
        {
            if (h.Events[e] is not VsDeliver d || h.SendOf[h.MessageOf[e]] >= 0) continue;
            return VsCheckContext.Violation(this, $"{d.Process} delivers {d.Message}, but no process sends it", h, h.DeliveriesOf(h.MessageOf[e]).ToArray());
        }
        return null;
    }
}
