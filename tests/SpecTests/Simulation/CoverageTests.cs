// docs/COVERAGE.md: the simulator counts the named situations a run goes through, only by looking
// (the trace is the same with or without counting), and a crash or a partition can wait for a step
// of the recovery algorithm ("when", docs/SCENARIOS.md). Each situation is reached here by a small
// scenario written for it, and where the trace can show it independently, the trace shows it too.
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace SpecTests.Simulation;

public class CoverageTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    private static Scenario Scenario(string processes, string steps, string network = """{ "delay_ms": [0.2, 2.0] }""") =>
        ScenarioReader.Parse($$"""
            {
              "name": "coverage",
              "processes": {{processes}},
              "traffic": { "rate": 30, "size": 16, "mix": { "agreed": 1, "safe": 1 } },
              "network": {{network}},
              "steps": [
                {{steps}}
              ]
            }
            """, "coverage.json");

    private static SimulationResult Run(Scenario scenario, long seed = 1, string? primary = null) =>
        Simulator.Run(scenario, new SimulationOptions(seed, Primary: primary, Coverage: true));

    private static Fail FailOf(EvsTrace trace, ProcessId p) => trace.Events.OfType<Fail>().Single(f => f.Process == p);

    // A safe burst just before p5 crashes, then, while the ring of the four others is in step 6,
    // a partition that leaves every process alone: the generator's opening of Section 3.2.
    private static readonly Scenario Section32 = Scenario("""["p1", "p2", "p3", "p4", "p5"]""", """
        { "at": 700, "send": { "from": "p2", "svc": "safe", "count": 10 } },
        { "at": 702, "crash": "p5" },
        { "at": 710, "partition": [], "when": "step6", "within_ms": 1500 },
        { "at": 2500, "stop": true, "recover_all": true }
        """);

    [Fact]
    public void Counting_the_situations_leaves_every_trace_the_same_byte_for_byte()
    {
        var scenarios = FaultSchedules.WithFaults.Generator.Sample(20, new Rnd(11), 10).Select(r => (r.Scenario, r.Seed)).Append((Section32, 3));
        foreach (var (scenario, seed) in scenarios)
        {
            var counted = Simulator.Run(scenario, new SimulationOptions(seed, Coverage: true));
            var uncounted = Simulator.Run(scenario, new SimulationOptions(seed));
            Assert.NotNull(counted.Coverage);
            Assert.Null(uncounted.Coverage);
            Assert.Equal(DeterminismTests.TraceBytes(uncounted.Trace), DeterminismTests.TraceBytes(counted.Trace));
        }
    }

    [Fact]
    public void A_run_counts_every_situation_and_the_primary_component_one_applies_only_with_a_primary_component_algorithm()
    {
        var without = Run(Section32).Coverage!;
        var with = Run(Section32, primary: "majority").Coverage!;
        Assert.Equal(Enum.GetValues<Situation>(), without.Counts.Keys);
        Assert.False(without.Applies(Situation.PrimaryComponentLostAndRegained));
        Assert.Equal(0, without[Situation.PrimaryComponentLostAndRegained]);
        Assert.True(with.Applies(Situation.PrimaryComponentLostAndRegained));
    }

    [Fact]
    public void A_step_waiting_for_a_recovery_that_never_comes_happens_at_its_deadline_and_holds_back_the_steps_after_it()
    {
        // The first ring has formed at about 500 ms and nothing disturbs it: no process enters
        // step 3, and the crash waits until 600 + 300 ms; the crash after it waits for it.
        var result = Run(Scenario("""["p1", "p2", "p3"]""", """
            { "at": 600, "crash": "p3", "when": "step3", "within_ms": 300 },
            { "at": 700, "crash": "p2" },
            { "at": 1000, "stop": true, "recover_all": true }
            """));
        var fails = result.Trace.Events.OfType<Fail>().ToList();
        Assert.Equal([P3, P2], fails.Select(f => f.Process));
        Assert.All(fails, f => Assert.Equal(900, f.Time));
        Assert.Equal([900, 900, 1000], result.StepsHappenedAt);
        Assert.Equal(0, result.Coverage![Situation.FailureDuringStep2]);
    }

    [Fact]
    public void A_crash_waiting_for_step_5_strikes_while_the_process_rebroadcasts_and_its_restart_is_counted()
    {
        // p4 crashes; the others recover without it, and p3 crashes during its step 5, before it installs.
        var result = Run(Scenario("""["p1", "p2", "p3", "p4"]""", """
            { "at": 700, "crash": "p4" },
            { "at": 710, "crash": "p3", "when": "step5", "within_ms": 1500 },
            { "at": 1000, "recover": "p3" },
            { "at": 3000, "stop": true, "recover_all": true }
            """));
        var coverage = result.Coverage!;
        Assert.Equal(1, coverage[Situation.FailureDuringStep5]);
        Assert.Equal(1, coverage[Situation.FailureDuringStep2]);
        Assert.Equal(0, coverage[Situation.FailureDuringStep3]);
        Assert.Equal(1, coverage[Situation.RecoveryAfterFailureInStep5]);
        // The trace agrees: p3 failed after the token loss timeout that started the recovery, in
        // the configuration it had before, while the others installed the next one after it.
        var fail = FailOf(result.Trace, P3);
        Assert.InRange(fail.Time, 1100, 2210);
        Assert.Equal("R1.p1", fail.Conf.Name);
        Assert.DoesNotContain(result.Trace.Events.OfType<DeliverConf>(), c => c.Process == P3 && c.Index < fail.Index && c.Conf.Name != "R1.p1");
        // It restarts as soon as it has crashed: its recover step, due at 1000 ms, waited behind the crash.
        Assert.Contains(result.Trace.Events.OfType<DeliverConf>(), c => c.Process == P3 && c.Index == fail.Index + 1 && c.Time == fail.Time && c.Members is [var alone] && alone == P3);
    }

    [Fact]
    public void A_partition_waiting_for_step_6_cuts_a_ring_some_of_whose_members_have_installed_it_and_gives_the_case_of_section_3_2()
    {
        var result = Run(Section32);
        var coverage = result.Coverage!;
        Assert.True(coverage[Situation.FailureDuringStep6] > 0);
        Assert.True(coverage[Situation.Section32Case] > 0);

        // The trace shows the case: a process installed a ring after delivering a safe message in its
        // transitional configuration; another member of that transitional configuration never
        // installed the ring, delivered another transitional configuration later, and the safe
        // message too (Specification 7.1 holds).
        var confs = result.Trace.Events.OfType<DeliverConf>().ToList();
        var deliveries = result.Trace.Events.OfType<Deliver>().ToList();
        var transitional = confs.First(t => t.Kind == ConfigurationKind.Transitional
            && deliveries.Any(d => d.Process == t.Process && d.Conf == t.Conf && d.Service == DeliveryService.Safe));
        var ring = confs.First(c => c.Process == transitional.Process && c.Kind == ConfigurationKind.Regular && c.Index > transitional.Index).Conf;
        var relied = transitional.Members.Where(q => q != transitional.Process && !confs.Any(c => c.Process == q && c.Conf == ring)).ToList();
        Assert.NotEmpty(relied);
        var safe = deliveries.Where(d => d.Process == transitional.Process && d.Conf == transitional.Conf && d.Service == DeliveryService.Safe).Select(d => d.Message).ToList();
        foreach (var q in relied)
        {
            Assert.Contains(confs, c => c.Process == q && c.Kind == ConfigurationKind.Transitional && c.PreviousRegular == transitional.PreviousRegular && c.Conf != transitional.Conf);
            Assert.All(safe, m => Assert.Contains(deliveries, d => d.Process == q && d.Message == m));
        }
        Assert.True(SpecificationChecker.Check(result.Trace)["7.1"].Passed);
    }

    [Fact]
    public void A_partition_during_recovery_that_brings_new_processes_into_the_next_attempt_is_a_merge_during_recovery()
    {
        // {p1,p2} and {p3,p4} recover apart; during that, the network regroups them as {p1,p3} and {p2,p4}.
        var result = Run(Scenario("""["p1", "p2", "p3", "p4"]""", """
            { "at": 700, "partition": [["p1", "p2"], ["p3", "p4"]] },
            { "at": 710, "partition": [["p1", "p3"], ["p2", "p4"]], "when": "step4", "within_ms": 1500 },
            { "at": 3000, "stop": true }
            """));
        Assert.True(result.Coverage![Situation.MergeDuringRecovery] > 0);
        Assert.True(result.Coverage[Situation.FailureDuringStep4] > 0);
    }

    [Fact]
    public void Tokens_lost_by_the_network_are_counted_by_the_state_of_the_process_they_were_for_and_tokens_cut_off_by_a_partition_are_not()
    {
        var lossy = Scenario("""["p1", "p2", "p3", "p4", "p5"]""", """
            { "at": 700, "crash": "p5" },
            { "at": 3000, "stop": true }
            """, network: """{ "delay_ms": [0.2, 2.0], "loss": 0.2 }""");
        var lost = Run(lossy).Coverage!;
        Assert.True(lost[Situation.TokenLossInCommit] + lost[Situation.TokenLossInRecovery] > 0);

        var cutOff = Run(Section32).Coverage!;
        Assert.Equal(0, cutOff[Situation.TokenLossInGather] + cutOff[Situation.TokenLossInCommit] + cutOff[Situation.TokenLossInRecovery]);
    }

    [Fact]
    public void A_primary_component_lost_when_every_process_is_alone_is_regained_after_the_heal()
    {
        var scenario = Scenario("""["p1", "p2", "p3"]""", """
            { "at": 700, "partition": [] },
            { "at": 2500, "heal": true },
            { "at": 5000, "stop": true }
            """);
        var majority = Run(scenario, primary: "majority");
        Assert.Equal(1, majority.Coverage![Situation.PrimaryComponentLostAndRegained]);
        // The trace agrees: a primary {p1,p2,p3}, then only non-primary singletons, then a primary again.
        var regulars = majority.Trace.Events.OfType<DeliverConf>().Where(c => c.Kind == ConfigurationKind.Regular).ToList();
        Assert.True(regulars.First().Primary);
        Assert.Contains(regulars, c => c.Members.Length == 1 && c.Primary == false);
        Assert.True(regulars.Last().Primary);
    }
}
