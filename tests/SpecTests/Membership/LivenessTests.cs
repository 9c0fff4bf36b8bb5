// The Termination Property (the paper, Section 3.2): "if the next proposed regular
// configuration is not installed within a bounded time, then the membership of that
// configuration is reduced", so after every change of the world the membership catches up
// within a bounded time. The bound here: the token loss timeout to notice a broken ring, and
// two consensus timeouts, one for a round that a late join may interrupt and one to agree.
using Evs.Reference.Membership;
using Evs.Reference.Simulation;
using Xunit;

namespace SpecTests.Membership;

public class LivenessTests
{
    private static readonly double Bound =
        MembershipSettings.Simulation.TokenLossTimeoutMs + 2 * MembershipSettings.Simulation.ConsensusTimeoutMs;

    [Theory]
    [InlineData("figure6")]
    [InlineData("partition-merge")]
    [InlineData("crash-recover")]
    [InlineData("cascade")]
    public void After_every_partition_heal_crash_and_recovery_the_membership_matches_the_world_within_the_bound(string name)
    {
        var scenario = BuiltInScenarios.Get(name);
        var changes = scenario.Steps.Where(s => s is PartitionStep or HealStep or CrashStep or RecoverStep or StopStep).Select(s => s.At).ToList();
        for (long seed = 1; seed <= 10; seed++)
        {
            var result = Simulator.Run(scenario, new SimulationOptions(seed));
            Assert.True(result.Summary.Quiescent, $"{name} seed {seed} never became quiescent");
            foreach (var sample in Liveness.Measure(scenario, result.Trace))
            {
                double nextChange = changes.FirstOrDefault(t => t > sample.At, double.PositiveInfinity);
                bool overtaken = sample.ConvergedAfterMs is null && nextChange - sample.At < Bound;
                Assert.True(overtaken || sample.ConvergedAfterMs <= Bound,
                    $"{name} seed {seed}: after '{sample.Change}' at {sample.At} ms the membership took {sample.ConvergedAfterMs?.ToString() ?? "forever"} ms (bound {Bound} ms)");
            }
        }
    }

    [Fact]
    public void A_change_that_waited_for_a_step_of_the_recovery_algorithm_is_measured_from_when_it_happened()
    {
        var scenario = ScenarioReader.Parse("""
            {
              "processes": ["p1", "p2", "p3", "p4"],
              "steps": [
                { "at": 700, "crash": "p4" },
                { "at": 710, "partition": [["p1", "p2"], ["p3"]], "when": "step5", "within_ms": 1500 },
                { "at": 4000, "stop": true }
              ]
            }
            """, "waits.json");
        var result = Simulator.Run(scenario, new SimulationOptions(1));
        Assert.True(result.StepsHappenedAt[1] > 1100, $"the partition waited for the recovery after p4's crash, at {result.StepsHappenedAt[1]} ms");
        var samples = Liveness.Measure(scenario, result.Trace, result.StepsHappenedAt);
        Assert.Equal(result.StepsHappenedAt, samples.Select(s => s.At));
        // The crash's recovery is overtaken by the partition, by design; what follows each of the others is within the bound.
        Assert.Null(samples[0].ConvergedAfterMs);
        Assert.All(samples.Skip(1), sample => Assert.True(sample.ConvergedAfterMs <= Bound, $"{sample}"));
    }

    [Fact]
    public void Under_churn_every_run_settles_and_the_last_change_is_followed_within_the_bound()
    {
        var scenario = BuiltInScenarios.Get("churn");
        for (long seed = 1; seed <= 10; seed++)
        {
            var result = Simulator.Run(scenario, new SimulationOptions(seed));
            Assert.True(result.Summary.Quiescent, $"churn seed {seed} never became quiescent");
            var last = Liveness.Measure(scenario, result.Trace)[^1];
            Assert.True(last.ConvergedAfterMs <= Bound, $"churn seed {seed}: {last}");
        }
    }
}
