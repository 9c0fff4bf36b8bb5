// The paper, Section 5.1: "A run produced by this filter can be completed using the extend
// mechanism of the virtual synchrony model. We now show that the completed run is legal." The
// proof made executable: one property per condition of Section 4, each running the simulator on
// generated fault schedules with every application behind the filter, and asserting that the
// virtual synchrony checker finds the filtered history complete (C1-C3) and legal (L1-L5).
using Evs.Reference.Checking.VirtualSynchrony;
using FsCheck;
using FsCheck.Fluent;

namespace SpecTests.Properties;

public class VirtualSynchronyProperties
{
    private static Property Holds(GeneratedScenario run, string condition)
    {
        var result = run.FilteredResult;
        var verdict = VirtualSynchronyChecker.Check(result.VirtualSynchrony!)[condition];
        return (result.Summary.Quiescent && verdict.Passed)
            .Label(result.Summary.Quiescent
                ? $"{condition} violated with --primary {run.FilterAlgorithm}: {verdict.Violation?.Message} at {string.Join(", ", verdict.Violation?.Events ?? [])}\n{AdversaryLabel.Of(result, null)}{Reproduce(run)}"
                : $"the run never became quiescent\n{AdversaryLabel.Of(result, null)}{Reproduce(run)}");
    }

    private static string Reproduce(GeneratedScenario run) =>
        $"evs sim --scenario generated.json --seed {run.Seed} --primary {run.FilterAlgorithm} --trace t.jsonl --vs-trace vs.jsonl && evs check --vs vs.jsonl\n{run}";

    [SpecProperty] public Property C1_EveryEventsCausalPredecessorsAreInTheHistory(GeneratedScenario run) => Holds(run, "C1");
    [SpecProperty] public Property C2_EverySendHasADelivery(GeneratedScenario run) => Holds(run, "C2");
    [SpecProperty] public Property C3_AMessageDeliveredInAViewIsDeliveredByAllItsMembers(GeneratedScenario run) => Holds(run, "C3");
    [SpecProperty] public Property L1_AGlobalTimeRespectsCausality(GeneratedScenario run) => Holds(run, "L1");
    [SpecProperty] public Property L2_EventsOfAProcessHaveDistinctTimes(GeneratedScenario run) => Holds(run, "L2");
    [SpecProperty] public Property L3_AViewChangeHappensAtOneLogicalTime(GeneratedScenario run) => Holds(run, "L3");
    [SpecProperty] public Property L4_AMessageIsDeliveredInTheViewItWasSentIn(GeneratedScenario run) => Holds(run, "L4");
    [SpecProperty] public Property L5_AnAbcastIsDeliveredAtOneLogicalTime(GeneratedScenario run) => Holds(run, "L5");
}
