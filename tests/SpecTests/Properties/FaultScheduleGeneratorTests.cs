// The fault-schedule generator, checked before any property runs on it: every scenario it
// makes is one ScenarioReader accepts, its schedules really contain the faults the protocol
// must survive (partitions into three or four components, a crash and its recovery, a second
// failure during recovery, a failure waiting for each step of the recovery algorithm, the opening
// of Section 3.2), their runs reach the token hold, and shrinking only ever gives smaller
// scenarios that still read. How often the runs reach the hard cases: ScheduleCoverageTests.
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Properties;

public class FaultScheduleGeneratorTests(ITestOutputHelper output)
{
    private static GeneratedScenario[] Sample(int count, ulong seed) =>
        FaultSchedules.WithFaults.Generator.Sample(count, new Rnd(seed), 10);

    // The steps of the world's faults: all but the stop and the bursts of messages.
    private static ScenarioStep[] FaultSteps(Scenario s) => [.. s.Steps.SkipLast(1).Where(step => step is not SendStep)];

    [Fact]
    public void Every_generated_scenario_is_one_the_reader_accepts()
    {
        foreach (var run in Sample(3000, 1))
        {
            var s = run.Scenario;
            Assert.InRange(s.Processes.Length, 3, 7);
            Assert.InRange(s.Start.Length, 1, 2);
            // 1-6 faults, each crash during recovery perhaps with its process's restart.
            Assert.InRange(FaultSteps(s).Length - s.Steps.Count(step => step is RecoverStep), 1, 6);
            Assert.All(s.Steps.OfType<SendStep>(), send => Assert.Equal(DeliveryService.Safe, send.Service));
            Assert.InRange(s.Network.Loss, 0, 0.2);
            Assert.InRange(s.Network.Duplicate, 0, 0.1);
            Assert.InRange(s.Network.MaxDelayMs, 0.3, 5);
            Assert.True(s.Traffic is { Rate: > 0, CausalWeight: > 0, AgreedWeight: > 0, SafeWeight: > 0 }, run.Json);
        }
    }

    [Fact]
    public void Crashes_and_leaves_name_only_live_processes_and_recoveries_only_crashed_or_departed_ones_and_someone_stays_up()
    {
        foreach (var run in Sample(2000, 2))
        {
            var crashed = new HashSet<ProcessId>();
            foreach (var step in run.Scenario.Steps)
            {
                if (step is CrashStep c) Assert.True(crashed.Add(c.Process), run.Json);
                if (step is LeaveStep l) Assert.True(crashed.Add(l.Process), run.Json);
                if (step is RecoverStep r) Assert.True(crashed.Remove(r.Process), run.Json);
                Assert.True(crashed.Count < run.Scenario.Processes.Length, run.Json);
            }
        }
    }

    [Fact]
    public void The_schedules_contain_every_kind_of_fault()
    {
        var runs = Sample(2000, 3).Select(r => r.Scenario).ToList();
        var counts = new Dictionary<string, int>
        {
            ["start in two components"] = runs.Count(s => s.Start.Length == 2),
            ["partition into two components"] = runs.Count(s => Partitions(s).Any(p => p.Components.Length == 2)),
            ["partition into three or four components"] = runs.Count(s => Partitions(s).Any(p => p.Components.Length >= 3)),
            ["partition leaving processes alone"] = runs.Count(s => Partitions(s).Any(p => p.Components.Sum(c => c.Length) < s.Processes.Length)),
            ["heal"] = runs.Count(s => s.Steps.OfType<HealStep>().Any()),
            ["a one-way cut"] = runs.Count(s => s.Steps.OfType<LinksStep>().Any(l => l.Faults.Any(f => f.Loss == 1))),
            ["loss in one direction only"] = runs.Count(s => s.Steps.OfType<LinksStep>().Any(l => l.Faults.Any(f => f.Loss < 1))),
            ["links mended"] = runs.Count(s => s.Steps.OfType<LinksStep>().Any(l => l.Faults.IsEmpty)),
            ["crash and recovery of one process"] = runs.Count(CrashesAndRecovers),
            ["a graceful leave"] = runs.Count(s => s.Steps.OfType<LeaveStep>().Any()),
            ["a failure 2-30 ms after a leave"] = runs.Count(FailsSoonAfterALeave),
            ["crash without recovery"] = runs.Count(s => s.Steps.OfType<CrashStep>().Count() > s.Steps.OfType<RecoverStep>().Count()),
            ["second failure 2-30 ms after a fault"] = runs.Count(HasFailureDuringRecovery),
            ["a failure waiting for step 3"] = runs.Count(s => WaitsFor(s, PaperStep.Step3)),
            ["a failure waiting for step 4"] = runs.Count(s => WaitsFor(s, PaperStep.Step4)),
            ["a failure waiting for step 5"] = runs.Count(s => WaitsFor(s, PaperStep.Step5)),
            ["a failure waiting for step 6"] = runs.Count(s => WaitsFor(s, PaperStep.Step6)),
            ["a crash during recovery and its restart"] = runs.Count(CrashesDuringRecoveryAndRestarts),
            ["safe messages just before a failure"] = runs.Count(HasSafeBurstBeforeAFailure),
            ["the opening of Section 3.2"] = runs.Count(OpensWithSection32),
            ["six fault steps"] = runs.Count(s => FaultSteps(s).Length == 6),
            ["stop with recover_all"] = runs.Count(s => s.Stop.RecoverAll),
            ["loss"] = runs.Count(s => s.Network.Loss > 0),
            ["duplication"] = runs.Count(s => s.Network.Duplicate > 0),
        };
        foreach (var (kind, count) in counts) output.WriteLine($"{count,5} of {runs.Count}: {kind}");
        Assert.All(counts, kind => Assert.True(kind.Value >= runs.Count / 50, $"only {kind.Value} of {runs.Count} scenarios have: {kind.Key}"));
    }

    [Fact]
    public void The_schedules_run_the_token_hold_its_cancel_and_its_release_on_request()
    {
        // The hold is protocol (Ordering/TokenHold): the runs the specification properties check
        // must reach it, not only the ring that never idles.
        var counts = Sample(100, 8).Select(r => r.Result.Summary.Ordering).ToList();
        int held = counts.Count(c => c.TokenHolds > 0), asked = counts.Count(c => c.HoldCancelsSent > 0), released = counts.Count(c => c.HoldsReleasedOnRequest > 0);
        output.WriteLine($"of {counts.Count} runs: {held} hold a token, {asked} ask for one, {released} release one on request");
        Assert.True(held >= counts.Count / 3, $"only {held} of {counts.Count} runs hold a token");
        Assert.True(asked >= counts.Count / 20, $"only {asked} of {counts.Count} runs ask for a held token");
        Assert.True(released >= counts.Count / 20, $"only {released} of {counts.Count} runs release a held token on request");
    }

    private static IEnumerable<PartitionStep> Partitions(Scenario s) => s.Steps.OfType<PartitionStep>();

    private static bool FailsSoonAfterALeave(Scenario s) =>
        s.Steps.Zip(s.Steps.Skip(1)).Any(pair => pair.First is LeaveStep && pair.Second is CrashStep or PartitionStep && pair.Second.At - pair.First.At <= 30);

    private static bool CrashesAndRecovers(Scenario s) =>
        s.Steps.OfType<CrashStep>().Any(c => s.Steps.OfType<RecoverStep>().Any(r => r.Process == c.Process && r.At >= c.At));

    private static bool WaitsFor(Scenario s, PaperStep step) => s.Steps.Any(f => f.When?.Step == step);

    private static bool CrashesDuringRecoveryAndRestarts(Scenario s) =>
        s.Steps.OfType<CrashStep>().Any(c => c.When is not null && s.Steps.OfType<RecoverStep>().Any(r => r.Process == c.Process && r.At > c.At));

    private static bool HasSafeBurstBeforeAFailure(Scenario s) =>
        s.Steps.Zip(s.Steps.Skip(1)).Any(pair => pair is (SendStep { Service: DeliveryService.Safe }, PartitionStep or CrashStep) && pair.Second.At - pair.First.At is >= 1 and <= 5);

    // A failure with safe messages just before it, then a partition that leaves every process alone during step 6.
    private static bool OpensWithSection32(Scenario s) =>
        s.Steps.Length >= 3 && s.Steps[0] is SendStep && s.Steps[1] is PartitionStep or CrashStep
        && s.Steps[2] is PartitionStep { Components.Length: 0, When.Step: PaperStep.Step6 };

    private static bool HasFailureDuringRecovery(Scenario s)
    {
        var faults = FaultSteps(s);
        return faults.Zip(faults.Skip(1)).Any(pair =>
            pair.Second is PartitionStep or CrashStep && pair.Second.At - pair.First.At is >= 2 and <= 30);
    }

    [Fact]
    public void Shrinking_gives_scenarios_smaller_in_one_way_and_larger_in_none_with_the_same_seed()
    {
        foreach (var run in Sample(300, 4))
        {
            var candidates = FaultSchedules.WithFaults.Shrink(run).ToList();
            Assert.Contains(candidates, c => FaultSteps(c.Scenario).Length == FaultSteps(run.Scenario).Length - 1);
            foreach (var candidate in candidates)
            {
                Assert.Equal(run.Seed, candidate.Seed);
                Assert.True(IsSmaller(candidate.Scenario, run.Scenario), $"not smaller:\n{candidate.Json}\nthan:\n{run.Json}");
            }
        }
    }

    private static bool IsSmaller(Scenario candidate, Scenario original)
    {
        double[] Size(Scenario s) => [s.Steps.Length, s.Processes.Length, s.Network.Loss, s.Network.Duplicate, s.Stop.At];
        var pairs = Size(candidate).Zip(Size(original)).ToList();
        return pairs.All(p => p.First <= p.Second) && pairs.Any(p => p.First < p.Second);
    }

    [Fact]
    public void Shrinking_a_scenario_that_always_fails_ends_at_a_minimal_one()
    {
        foreach (var run in Sample(50, 5))
        {
            var smallest = run;
            while (FaultSchedules.WithFaults.Shrink(smallest).FirstOrDefault() is { } smaller) smallest = smaller;
            var s = smallest.Scenario;
            Assert.Empty(FaultSteps(s));
            Assert.Single(s.Processes);
            Assert.Equal(0, s.Network.Loss);
            Assert.Equal(0, s.Network.Duplicate);
            Assert.True(s.Stop.At < 100, smallest.Json);
            Assert.Equal(run.Seed, smallest.Seed);
        }
    }

    [Fact]
    public void A_failing_scenario_prints_its_json_and_the_command_that_reproduces_it()
    {
        var run = Sample(1, 6)[0];
        Assert.Contains($"evs sim --scenario generated.json --seed {run.Seed}", run.ToString());
        Assert.EndsWith(run.Json, run.ToString());
    }

    [Fact]
    public void The_fixed_ring_generator_draws_no_faults()
    {
        var arbitrary = ArbMap.Default.Merge(typeof(FaultSchedules)).ArbFor<GeneratedScenario>();
        foreach (var run in arbitrary.Generator.Sample(500, new Rnd(7), 10))
            Assert.All(run.Scenario.Steps, step => Assert.True(step is SendStep or StopStep, run.Json));
    }

    [Property(Arbitrary = [typeof(FaultSchedules.WithFaults)], MaxTest = 200)]
    public bool A_property_that_names_WithFaults_draws_fault_schedules(GeneratedScenario run) =>
        FaultSteps(run.Scenario).Any(step => step is PartitionStep or HealStep or CrashStep or RecoverStep or LinksStep or LeaveStep);
}
