// Section 2 of the paper defines extended virtual synchrony (Specifications 1.1-7.2) and the
// primary component model (Uniqueness, Continuity) as predicates over a history, and states
// before them rules of the model that the numbered ones take for granted (M.1, M.2: recovery and
// transitional configurations). This is the entry point that decides all of them on a trace
// (docs/TRACE.md), one class per specification or rule.
using Evs.Reference.Checking.Specifications;
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking;

/// <summary>Decides every specification of the paper on a trace.</summary>
public static class SpecificationChecker
{
    private static readonly Specification[] All =
    [
        new Spec1_1PartialOrder(), new Spec1_2LocalTotalOrder(), new Spec1_3DeliveredWasSent(), new Spec1_4UniqueMessages(),
        new Spec2_1MembersStayTogether(), new Spec2_2EventsInCurrentConfiguration(),
        new Spec2_3FollowsEveryMembersChange(), new Spec2_4PrecedesEveryMembersChange(),
        new Spec3SelfDelivery(), new Spec4FailureAtomicity(), new Spec5CausalDelivery(),
        new Spec6_1OrdConsistentWithPrecedes(), new Spec6_2SameLogicalTime(), new Spec6_3DeliveryWithoutGaps(),
        new Spec7_1SafeDeliveredByAllMembers(), new Spec7_2SafeMeansAllInstalled(),
        new SpecPC1Uniqueness(), new SpecPC2Continuity(),
        new ModelM1SingletonRecovery(), new ModelM2TransitionalBetweenRegulars(),
    ];

    /// <summary>The specifications' numbers in the paper's order: "1.1" … "7.2", then "PC.1" (Uniqueness) and "PC.2" (Continuity), then the model's rules "M.1" (recovery) and "M.2" (transitional configurations).</summary>
    public static IReadOnlyList<string> SpecNames { get; } = All.Select(s => s.Spec).ToList();

    /// <summary>The verdict on every specification for <paramref name="trace"/>.</summary>
    public static CheckReport Check(EvsTrace trace) => Check(CompactTrace.Of(trace));

    /// <summary>
    /// The verdict on every specification for a history held compactly: what <c>evs check</c> judges,
    /// reading trace files straight into a <see cref="CompactTrace"/> (the same verdicts as for the <see cref="EvsTrace"/>).
    /// </summary>
    public static CheckReport Check(CompactTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var context = new CheckContext(new History(trace));
        return new CheckReport(All.Select(s => new SpecVerdict(s.Spec, s.Title, s.Check(context))).ToList());
    }
}
