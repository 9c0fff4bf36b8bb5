// The paper, Section 4: Birman's model of virtual synchrony defines a complete history (C1-C3)
// and a legal one (L1-L5), and calls an execution acceptable when some history in Extend(H) is
// complete and legal; Section 5 claims the filter on extended virtual synchrony produces only
// acceptable executions. This is the entry point that decides the eight conditions on a VS trace
// (docs/VS-TRACE.md), one class per condition, so that claim can be checked run by run.
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>Decides the virtual synchrony conditions C1-C3 and L1-L5 on a history.</summary>
public static class VirtualSynchronyChecker
{
    private static readonly VsCondition[] All =
    [
        new C1CausalClosure(), new C2EverySendDelivered(), new C3DeliveredByAllMembers(),
        new L1GlobalTime(), new L2DistinctLocalTimes(), new L3ViewsAtOneTime(),
        new L4DeliveredInTheViewItWasSent(), new L5AbcastAtOneTime(),
    ];

    /// <summary>The conditions' names in the paper's order: "C1", "C2", "C3", "L1" … "L5".</summary>
    public static IReadOnlyList<string> ConditionNames { get; } = All.Select(c => c.Name).ToList();

    /// <summary>The verdict on every condition for <paramref name="trace"/>; C2 and C3 pass unjudged unless it is quiescent.</summary>
    public static CheckReport Check(VsTrace trace)
    {
        var context = new VsCheckContext(trace);
        return new CheckReport(All.Select(c => new SpecVerdict(c.Name, c.Title, c.Check(context))).ToList());
    }
}
