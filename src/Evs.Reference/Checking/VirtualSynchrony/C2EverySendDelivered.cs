// The paper, Section 4, the second condition of a complete history: no message is left
// undelivered. Section 5.1: "Property C2 is achieved by Specification 3 and the extend mechanism
// which yields a complete history."
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// C2: "For each send(m) ∈ H, there is a corresponding deliver(m) ∈ H."
/// <para>Judged on Extend(H) (<see cref="Extend"/>): a failed process's missing deliveries are
/// imputed before its stop, and a message of a failed sender that no member of its view that does
/// not fail delivered is excluded by the revision of Section 5.1 and not judged. Whether a
/// message will still be delivered is a question about the end of the run, so C2 is judged only
/// when the header says the run is quiescent; then every other send needs a delivery by some
/// process (C3 then asks that every member of the view deliver it).</para>
/// </summary>
internal sealed class C2EverySendDelivered : VsCondition
{
    public override string Name => "C2";
    public override string Title => "Every message sent is delivered (on a quiescent history, after extend)";

    public override Violation? Check(VsCheckContext context)
    {
        var h = context.Extended;
        if (!h.Quiescent) return null;
        for (int e = 0; e < h.Count; e++)
        {
            if (h.Events[e] is not VsSend s || context.ExcludedFromExtended[h.MessageOf[e]] || h.DeliveriesOf(h.MessageOf[e]).Length > 0) continue;
            return VsCheckContext.Violation(this, $"{s.Process} sends {s.Message} and no process delivers it", h, e);
        }
        return null;
    }
}
