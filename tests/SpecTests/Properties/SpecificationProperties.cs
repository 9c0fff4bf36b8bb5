// The spec checklist: one property per specification of the paper, and per rule of the model
// that Section 2 states before them (M.1, M.2), named after it. Each runs
// the simulator on generated scenarios (one in three with an adversary on the network) and
// asserts that the checker finds no violation of that specification. A failure prints the seed
// and the scenario (shrunk), ready for `evs sim`, and what the adversary did just before.
using Evs.Reference.Checking;
using FsCheck;
using FsCheck.Fluent;

namespace SpecTests.Properties;

public class SpecificationProperties
{
    private static Property Holds(GeneratedScenario run, string spec)
    {
        var verdict = run.Report[spec];
        return (run.Result.Summary.Quiescent && verdict.Passed)
            .Label(run.Result.Summary.Quiescent
                ? $"Spec {spec} violated: {verdict.Violation?.Message} at {string.Join(", ", verdict.Violation?.Events ?? [])}\n{AdversaryLabel.Of(run.Result, verdict.Violation)}{run}"
                : $"the run never became quiescent\n{AdversaryLabel.Of(run.Result, null)}{run}");
    }

    [SpecProperty] public Property Spec_1_1_PrecedesIsAPartialOrder(GeneratedScenario run) => Holds(run, "1.1");
    [SpecProperty] public Property Spec_1_2_EventsOfAProcessAreTotallyOrdered(GeneratedScenario run) => Holds(run, "1.2");
    [SpecProperty] public Property Spec_1_3_DeliveryFollowsSendInItsRegularConfiguration(GeneratedScenario run) => Holds(run, "1.3");
    [SpecProperty] public Property Spec_1_4_MessagesAreSentAndDeliveredOnce(GeneratedScenario run) => Holds(run, "1.4");
    [SpecProperty] public Property Spec_2_1_MembersInstallTheSameConfigurations(GeneratedScenario run) => Holds(run, "2.1");
    [SpecProperty] public Property Spec_2_2_EveryEventHappensInTheCurrentConfiguration(GeneratedScenario run) => Holds(run, "2.2");
    [SpecProperty] public Property Spec_2_3_WhatFollowsAConfigurationChangeFollowsItEverywhere(GeneratedScenario run) => Holds(run, "2.3");
    [SpecProperty] public Property Spec_2_4_WhatPrecedesAConfigurationChangePrecedesItEverywhere(GeneratedScenario run) => Holds(run, "2.4");
    [SpecProperty] public Property Spec_3_SelfDelivery(GeneratedScenario run) => Holds(run, "3");
    [SpecProperty] public Property Spec_4_FailureAtomicity(GeneratedScenario run) => Holds(run, "4");
    [SpecProperty] public Property Spec_5_CausalDelivery(GeneratedScenario run) => Holds(run, "5");
    [SpecProperty] public Property Spec_6_1_OrdRespectsPrecedes(GeneratedScenario run) => Holds(run, "6.1");
    [SpecProperty] public Property Spec_6_2_DeliveriesAreAtOneLogicalTime(GeneratedScenario run) => Holds(run, "6.2");
    [SpecProperty] public Property Spec_6_3_TotallyOrderedDelivery(GeneratedScenario run) => Holds(run, "6.3");
    [SpecProperty] public Property Spec_7_1_SafeDelivery(GeneratedScenario run) => Holds(run, "7.1");
    [SpecProperty] public Property Spec_7_2_SafeDeliveryMeansEveryMemberInstalledTheConfiguration(GeneratedScenario run) => Holds(run, "7.2");
    [SpecProperty] public Property Model_M_1_RecoveryIsInASingletonRegularConfiguration(GeneratedScenario run) => Holds(run, "M.1");
    [SpecProperty] public Property Model_M_2_TransitionalConfigurationLiesBetweenItsRegAndTheNextRegular(GeneratedScenario run) => Holds(run, "M.2");
    [SpecProperty] public Property PC_1_PrimaryComponentUniqueness_with_Majority(GeneratedScenario run) => HoldsWith(run, "majority", "PC.1");
    [SpecProperty] public Property PC_1_PrimaryComponentUniqueness_with_DynamicLinearVoting(GeneratedScenario run) => HoldsWith(run, "dynamic-linear-voting", "PC.1");
    [SpecProperty] public Property PC_2_PrimaryComponentContinuity_with_Majority(GeneratedScenario run) => HoldsWith(run, "majority", "PC.2");
    [SpecProperty] public Property PC_2_PrimaryComponentContinuity_with_DynamicLinearVoting(GeneratedScenario run) => HoldsWith(run, "dynamic-linear-voting", "PC.2");

    // The primary component properties judge the same run with a primary component algorithm.
    // Not every schedule has a primary (all may crash); PrimaryComponentTests shows that most do.
    private static Property HoldsWith(GeneratedScenario run, string primary, string spec)
    {
        var result = run.ResultWith(primary);
        var verdict = SpecificationChecker.Check(result.Trace)[spec];
        return (result.Summary.Quiescent && verdict.Passed)
            .Label($"{spec} with --primary {primary}: quiescent {result.Summary.Quiescent}, {verdict.Violation?.Message} at {string.Join(", ", verdict.Violation?.Events ?? [])}\n{AdversaryLabel.Of(result, verdict.Violation)}{run}");
    }
}
