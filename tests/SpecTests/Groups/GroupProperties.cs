// Named groups under faults: every process runs a GroupLayer over the simulated ring, with a
// seeded workload of joins, leaves, rejoins and sends of all three services to two groups, under
// the random fault schedules the specification properties use. Each group's history, projected
// from the ring's trace, must satisfy every specification of the paper and the model's rules.
using Evs.Reference.Groups;
using Evs.Reference.Simulation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace SpecTests.Groups;

public class GroupProperties
{
    /// <summary>Schedules per run of the property: a few hundred, within a minute on two cores.</summary>
    private const int Runs = 300;

    /// <summary>The groups of the workload.</summary>
    public static readonly string[] Groups = ["chat", "kv"];

    /// <summary>The run of <paramref name="run"/>'s scenario with the group workload over every process.</summary>
    public static SimulationResult WithGroups(GeneratedScenario run) => WithGroups(run, new GroupWorkload(Groups, run.Seed));

    private static SimulationResult WithGroups(GeneratedScenario run, GroupWorkload workload) =>
        Simulator.Run(run.Scenario, new SimulationOptions(run.Seed, Application: workload));

    [Property(Arbitrary = [typeof(FaultSchedules.WithFaults)], MaxTest = Runs)]
    public Property Every_group_satisfies_every_specification(GeneratedScenario run)
    {
        var result = WithGroups(run);
        var reports = GroupHistories.Check(result.Trace);
        var broken = reports.SelectMany(r => r.Report.Verdicts.Where(v => !v.Passed).Select(v => $"group {r.Group}: {v}")).ToList();
        return (result.Summary.Quiescent && broken.Count == 0)
            .Label(result.Summary.Quiescent ? $"{string.Join("\n", broken)}\n{run}" : $"the run never became quiescent\n{run}");
    }

    [Property(Arbitrary = [typeof(FaultSchedules.WithFaults)], MaxTest = Runs)]
    public Property Every_request_of_the_application_comes_to_one_end_of_its_kind(GeneratedScenario run)
    {
        var workload = new GroupWorkload(Groups, run.Seed);
        var result = WithGroups(run, workload);
        var open = workload.Open.Select(kv => $"ticket {kv.Key}: {kv.Value} never ended");
        var problems = workload.Mismatches.Concat(open).ToList();
        return (result.Summary.Quiescent && problems.Count == 0).Label($"{string.Join("\n", problems.Take(10))}\n{run}");
    }
}
