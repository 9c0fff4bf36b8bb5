// The paper, Section 4, the first condition of a legal history: a global time exists that
// respects causality. Section 5.1: "Property L1 follows directly from our assumption of the ord
// function and Specification 6.1, if we assume that the events in L1 are distinct."
namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// L1: "Each event e ∈ H can be labelled with a global time, time(e), that respects the causal
/// order of events, i.e. for any two events e and e', e → e' implies time(e) &lt; time(e')."
/// <para>Such a labelling exists exactly when the graph of local order and send(m) → deliver(m)
/// edges is acyclic (a topological order is one; along a cycle time would have to grow back to
/// where it started). Decided by Kahn's algorithm (<see cref="CausalLayers.Basic"/>); a violation
/// names the events along one cycle. Imputed events sit before a stop, which precedes nothing, so
/// they cannot close such a cycle: the recorded and the extended history agree on L1.</para>
/// </summary>
internal sealed class L1GlobalTime : VsCondition
{
    public override string Name => "L1";
    public override string Title => "A global time respects causality (->)";

    public override Violation? Check(VsCheckContext context) =>
        context.Layers.Basic.Cycle is { } cycle
            ? VsCheckContext.Violation(this, "no global time respects ->: these events form a cycle of local order and send-to-deliver", context.Extended, cycle)
            : null;
}
