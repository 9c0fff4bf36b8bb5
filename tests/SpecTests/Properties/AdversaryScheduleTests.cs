// The specification properties' schedules with an adversary (FaultSchedules.WithFaultsAndAdversary),
// checked before any property runs on them: one in three has an adversary, half of those hold the
// key, each reads back as the very scenario that runs, its adversary strikes while the schedule's
// faults strike and stops before the run settles, its runs really make every attack, and shrinking
// first tries the schedule without it, never growing anything.
using Evs.Reference.Simulation;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Properties;

public class AdversaryScheduleTests(ITestOutputHelper output)
{
    private static GeneratedScenario[] Sample(int count, ulong seed) =>
        FaultSchedules.WithFaultsAndAdversary.Generator.Sample(count, new Rnd(seed), 10);

    [Fact]
    public void One_schedule_in_three_has_an_adversary_and_half_of_those_hold_the_key()
    {
        var runs = Sample(3000, 21);
        int withAdversary = runs.Count(r => r.Scenario.Adversary is not null), withKey = runs.Count(r => r.Scenario.Adversary?.WithKey == true);
        output.WriteLine($"{withAdversary} of {runs.Length} with an adversary, {withKey} with the key");
        Assert.InRange(withAdversary, 900, 1100);
        Assert.InRange(withKey, withAdversary * 2 / 5, withAdversary * 3 / 5);
    }

    [Fact]
    public void The_adversary_strikes_between_the_start_and_the_last_fault_with_every_attack_it_can_make_and_stops_by_the_stop_step()
    {
        foreach (var run in Sample(1000, 22).Where(r => r.Scenario.Adversary is not null))
        {
            var s = run.Scenario;
            var a = s.Adversary!;
            Assert.InRange(a.FromMs, 0, s.Steps[^2].At);
            Assert.InRange(a.UntilMs, a.FromMs, s.Stop.At);
            Assert.Contains(a.Rate, new[] { 20.0, 100.0, 500.0 });
            Assert.Equal(AdversarySettings.AttacksPossible(a.WithKey).AsEnumerable(), a.Attacks.AsEnumerable());
            Assert.Equal(Enum.GetValues<CapturedPacketKind>(), a.Kinds.AsEnumerable());
            Assert.True(a.Phases.Length is 3 or 4, run.Json);
        }
    }

    [Fact]
    public void A_schedule_with_an_adversary_is_written_as_the_scenario_it_reads_as()
    {
        foreach (var run in Sample(300, 23).Where(r => r.Scenario.Adversary is not null))
        {
            Assert.Equal(run.Json, ScenarioJson.Write(run.Scenario));
            Assert.Contains("\"adversary\"", run.ToString());
            Assert.Contains($"evs sim --scenario generated.json --seed {run.Seed}", run.ToString());
        }
    }

    [Fact]
    public void The_adversaries_of_the_schedules_make_every_attack()
    {
        // Their runs end at the stop step: whether they settle is the properties' to judge.
        var injected = Sample(150, 24).Where(r => r.Scenario.Adversary is not null)
            .Select(r => Simulator.Run(r.Scenario, new SimulationOptions(r.Seed, SettleLimitMs: 0)).Injected!)
            .ToList();
        var attacks = injected.SelectMany(i => i).GroupBy(i => i.Attack).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{injected.Count} runs with an adversary: {string.Join(", ", attacks.Select(a => $"{a.Key} {a.Value}"))}");
        Assert.True(injected.Count(i => i.Count > 0) >= injected.Count * 3 / 4, $"only {injected.Count(i => i.Count > 0)} of {injected.Count} adversaries struck");
        Assert.All(Enum.GetValues<AdversaryAttack>(), attack => Assert.True(attacks.GetValueOrDefault(attack) > 0, $"no adversary made {attack}"));
    }

    [Fact]
    public void Shrinking_first_drops_the_adversary_then_shrinks_the_schedule_or_the_adversary_and_grows_nothing()
    {
        foreach (var run in Sample(200, 25).Where(r => r.Scenario.Adversary is not null))
        {
            var candidates = FaultSchedules.WithFaultsAndAdversary.Shrink(run).ToList();
            Assert.Equal(ScenarioJson.Write(run.Scenario with { Adversary = null }), candidates[0].Json);
            foreach (var candidate in candidates.Skip(1))
            {
                Assert.Equal(run.Seed, candidate.Seed);
                var (smaller, original) = (candidate.Scenario, run.Scenario);
                Assert.True(smaller.Steps.Length <= original.Steps.Length && smaller.Processes.Length <= original.Processes.Length, candidate.Json);
                var (a, b) = (smaller.Adversary!, original.Adversary!);
                Assert.True(a.Rate <= b.Rate && a.UntilMs - a.FromMs <= b.UntilMs - b.FromMs && a.Attacks.Length <= b.Attacks.Length && a.Kinds.Length <= b.Kinds.Length, candidate.Json);
            }
        }
    }

    [Fact]
    public void A_schedule_without_an_adversary_shrinks_as_the_fault_schedules_do()
    {
        var run = Sample(30, 26).First(r => r.Scenario.Adversary is null);
        Assert.Equal(FaultSchedules.WithFaults.Shrink(run).Select(c => c.Json), FaultSchedules.WithFaultsAndAdversary.Shrink(run).Select(c => c.Json));
    }
}
