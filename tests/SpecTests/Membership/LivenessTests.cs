// The Termination Property (the paper, Section 3.2): "if the next proposed regular
// configuration is not installed within a bounded time, then the membership of that
// configuration is reduced", so after every change of the world the membership catches up
// within a bounded time. The bound here: the token loss timeout to notice a broken ring, and
// two consensus timeouts, one for a round that a late join may interrupt and one to agree.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
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

    // Over a one-way link a round can fail twice before the membership settles: the process that
    // is not heard takes the others' agreement for its own and waits in Commit for a commit token
    // that never comes (a token loss timeout), then gathers alone (a consensus timeout), while the
    // others leave it out (a token loss and a consensus timeout).
    private static readonly double LinksBound =
        2 * MembershipSettings.Simulation.TokenLossTimeoutMs + 2 * MembershipSettings.Simulation.ConsensusTimeoutMs;

    // A change followed by another this soon is a flap: the membership may follow it or not.
    private const double Flap = 2000;

    [Theory]
    [InlineData("one-way")]
    [InlineData("flapping")]
    [InlineData("overload")]
    public void Over_one_way_and_flapping_links_and_under_overload_the_membership_settles_within_the_bound_after_every_change_it_has_time_for(string name)
    {
        var scenario = BuiltInScenarios.Get(name);
        for (long seed = 1; seed <= 5; seed++)
        {
            var result = Simulator.Run(scenario, new SimulationOptions(seed));
            Assert.True(result.Summary.Quiescent, $"{name} seed {seed} never became quiescent");
            foreach (var sample in Liveness.Measure(scenario, result.Trace, result.StepsHappenedAt).Where(s => s.NextChangeAfterMs >= Flap))
            {
                Assert.True(sample.ConvergedAfterMs <= LinksBound,
                    $"{name} seed {seed}: after '{sample.Change}' at {sample.At} ms the membership took {sample.ConvergedAfterMs?.ToString() ?? "for ever"} ms to settle (bound {LinksBound} ms)");
                Assert.True(sample.Reformations <= 1, $"{name} seed {seed}: after '{sample.Change}' at {sample.At} ms {sample.Reformations} rings were re-formed of the same members");
            }
        }
    }

    [Fact]
    public void Under_overload_with_a_tenth_of_the_packets_lost_tokens_are_lost_and_retransmitted_and_the_membership_never_changes()
    {
        var result = Simulator.Run(BuiltInScenarios.Get("overload"), new SimulationOptions(1));
        Assert.True(result.Summary.Quiescent);
        Assert.True(result.Summary.TokenRetransmissions > 50, $"{result.Summary.TokenRetransmissions} token retransmissions");
        Assert.Equal(5, result.Trace.Events.OfType<DeliverConf>().Count(c => c.Kind == ConfigurationKind.Regular));
    }

    [Fact]
    public void A_membership_that_keeps_re_forming_the_same_ring_is_counted_as_such_and_one_that_rests_is_settled()
    {
        var scenario = ScenarioReader.Parse("""
            {
              "processes": ["p", "q"],
              "steps": [
                { "at": 1000, "links": [{ "from": ["p"], "to": ["q"], "loss": 1.0 }] },
                { "at": 9000, "stop": true }
              ]
            }
            """, "loop.json");
        DeliverConf Install(ProcessId p, int sequence, double at, params string[] members) =>
            new(p, sequence, at, new ConfigurationId($"R{sequence}.{p}"), ConfigurationKind.Regular, [.. members.Select(m => new ProcessId(m))]);
        ProcessId P = new("p"), Q = new("q");
        var start = new List<EvsEvent> { Install(P, 1, 500, "p", "q"), Install(Q, 1, 500, "p", "q") };
        // p, heard by nobody, forms a ring of itself alone every half second; q rests at once.
        var looping = start.Concat([Install(Q, 2, 1500, "q"), .. Enumerable.Range(2, 10).Select(i => Install(P, i, 1000 + 500 * i, "p"))]).ToList();
        var resting = start.Concat([Install(Q, 2, 1500, "q"), Install(P, 2, 1900, "p")]).ToList();
        var loop = Liveness.Measure(scenario, new EvsTrace(new TraceHeader("test", 1, "loop", true), looping))[0];
        var rest = Liveness.Measure(scenario, new EvsTrace(new TraceHeader("test", 1, "loop", true), resting))[0];
        Assert.Equal(9, loop.Reformations);
        Assert.Equal(900, rest.ConvergedAfterMs);
        Assert.Equal(0, rest.Reformations);
        Assert.Equal(2, rest.RegularConfigurations);
    }
}
