// Issue #13, item 6: "The simulator's adversary also joins the property tests." The fault
// schedules of WithFaults, one in three with an adversary on the network (docs/SCENARIOS.md
// "adversary"), half of those holding the key: it strikes from some moment before the last fault
// for a while, at one of three rates, with every attack it can make, on every kind of packet, at
// every phase or only while a membership change is under way. The labs keep grading by WithFaults
// alone. Shrinking first tries the schedule without the adversary (a failure it does not need is
// not its), then the schedule's own shrinks with the adversary kept, then a smaller adversary: one
// attack or kind of packet fewer, half the rate, half the time.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Simulation;
using FsCheck;
using FsCheck.Fluent;

namespace Evs.Grading.Schedules;

public static partial class FaultSchedules
{
    /// <summary>
    /// <see cref="WithFaults"/>' scenarios, one in three with an adversary; a property switches with
    /// <c>Arbitrary = [typeof(FaultSchedules.WithFaultsAndAdversary)]</c>.
    /// </summary>
    public static class WithFaultsAndAdversary
    {
        /// <summary>How many scenarios in <see cref="AdversaryShareOutOf"/> have an adversary.</summary>
        public const int AdversaryShare = 1;

        /// <summary>See <see cref="AdversaryShare"/>.</summary>
        public const int AdversaryShareOutOf = 3;

        /// <summary>Fault schedules, some with an adversary, shrinking toward a minimal schedule and adversary.</summary>
        public static Arbitrary<GeneratedScenario> Scenarios() => Arb.From(Generator, Shrink);

        /// <summary>The generator alone, for sampling.</summary>
        public static Gen<GeneratedScenario> Generator { get; } =
            from run in WithFaults.Generator
            from draw in Gen.Choose(1, AdversaryShareOutOf)
            from adversary in AdversaryOf(run.Scenario)
            select draw <= AdversaryShare ? With(run, run.Scenario with { Adversary = adversary }) : run;

        /// <summary>Smaller scenarios with the same seed: without the adversary, the schedule's shrinks with it, a smaller adversary.</summary>
        public static IEnumerable<GeneratedScenario> Shrink(GeneratedScenario failing)
        {
            var scenario = failing.Scenario;
            if (scenario.Adversary is not { } adversary) return WithFaults.Shrink(failing);
            var withoutIt = With(failing, scenario with { Adversary = null });
            return [
                withoutIt,
                .. WithFaults.Shrink(withoutIt).Select(smaller => With(smaller, smaller.Scenario with { Adversary = adversary })),
                .. Smaller(adversary).Select(smaller => With(failing, scenario with { Adversary = smaller })),
            ];
        }
    }

    private static readonly ImmutableArray<MembershipState> MembershipChange = [MembershipState.Gather, MembershipState.Commit, MembershipState.Recovery];

    private static Gen<AdversarySettings> AdversaryOf(Scenario scenario) =>
        from withKey in Gen.Elements(false, true)
        from fromMs in Gen.Choose(0, (int)scenario.Steps[^2].At)
        from durationMs in Gen.Choose(100, 1500)
        from rate in Gen.Elements(20, 100, 500)
        from onlyDuringChange in Gen.Elements(false, true)
        let everything = AdversarySettings.Everything(fromMs, Math.Min(fromMs + durationMs, scenario.Stop.At), rate, withKey)
        select onlyDuringChange ? everything with { Phases = MembershipChange } : everything;

    private static IEnumerable<AdversarySettings> Smaller(AdversarySettings a)
    {
        if (a.Attacks.Length > 1) foreach (var attack in a.Attacks) yield return a with { Attacks = a.Attacks.Remove(attack) };
        if (a.Kinds.Length > 1) foreach (var kind in a.Kinds) yield return a with { Kinds = a.Kinds.Remove(kind) };
        if (a.Rate >= 2) yield return a with { Rate = Math.Floor(a.Rate / 2) };
        if (a.UntilMs - a.FromMs >= 20) yield return a with { UntilMs = a.FromMs + Math.Floor((a.UntilMs - a.FromMs) / 2) };
    }

    private static GeneratedScenario With(GeneratedScenario run, Scenario scenario) => new(ScenarioJson.Write(scenario), run.Seed);
}
