// The property tests' input, and the labs' (labs/README.md): random scenarios for the simulator —
// seed, number of processes, loss, duplication, delay, traffic mix and bursts. Each is kept as
// scenario JSON (docs/SCENARIOS.md), so a failing property prints a file that `evs sim` reproduces as
// it is. It lives here, not in the tests, so that `evs lab check` grades by the same schedules.
using System.Globalization;
using Evs.Reference.Checking;
using Evs.Reference.Simulation;
using FsCheck;
using FsCheck.Fluent;

namespace Evs.Grading.Schedules;

/// <summary>One generated run: a scenario and the seed to run it with.</summary>
public sealed record GeneratedScenario(string Json, long Seed)
{
    private CheckReport? _report;
    private SimulationResult? _result;
    private SimulationResult? _filtered;

    /// <summary>The scenario, parsed from its JSON (so the printed text is exactly what ran).</summary>
    public Scenario Scenario => ScenarioReader.Parse(Json, "generated.json", "generated");

    /// <summary>The simulated run (computed once).</summary>
    public SimulationResult Result => _result ??= Simulator.Run(Scenario, new SimulationOptions(Seed));

    /// <summary>The checker's verdicts on the run's trace (computed once).</summary>
    public CheckReport Report => _report ??= SpecificationChecker.Check(Result.Trace);

    /// <summary>The same run with every node running the primary component algorithm <paramref name="primary"/>.</summary>
    public SimulationResult ResultWith(string primary) => Simulator.Run(Scenario, new SimulationOptions(Seed, Primary: primary));

    /// <summary>
    /// The same run with every application behind the virtual synchrony filter, over a primary
    /// component algorithm chosen by the seed (odd: majority, even: dynamic linear voting), so that
    /// both are exercised (computed once).
    /// </summary>
    public SimulationResult FilteredResult => _filtered ??= Simulator.Run(Scenario, new SimulationOptions(Seed, Primary: FilterAlgorithm, VirtualSynchrony: true));

    /// <summary>The primary component algorithm of <see cref="FilteredResult"/>.</summary>
    public string FilterAlgorithm => FilterAlgorithmOf(Seed);

    /// <summary>The primary component algorithm the filtered run of seed <paramref name="seed"/> uses: odd, majority; even, dynamic linear voting.</summary>
    public static string FilterAlgorithmOf(long seed) => seed % 2 == 1 ? "majority" : "dynamic-linear-voting";

    /// <summary>What a failing property prints: how to reproduce it.</summary>
    public override string ToString() =>
        $"seed {Seed}; save the scenario below as generated.json and run: evs sim --scenario generated.json --seed {Seed} --trace t.jsonl && evs check t.jsonl\n{Json}";
}

/// <summary>The FsCheck generators of <see cref="GeneratedScenario"/>s.</summary>
public static partial class FaultSchedules
{
    /// <summary>Fixed-ring scenarios: the network misbehaves, the membership does not change.</summary>
    public static Arbitrary<GeneratedScenario> Scenarios() =>
        Arb.From(
            from seed in Gen.Choose(1, int.MaxValue)
            from processes in Gen.Choose(1, 6)
            from lossPercent in Gen.Elements(0, 0, 1, 5, 10, 20)
            from duplicatePercent in Gen.Elements(0, 0, 2, 5, 10)
            from maxDelayTenths in Gen.Choose(3, 100)
            from rate in Gen.Choose(5, 120)
            from causal in Gen.Choose(0, 3)
            from agreed in Gen.Choose(0, 3)
            from safe in Gen.Choose(1, 3)
            from burst in Gen.Elements(0, 0, 50, 300)
            from durationMs in Gen.Choose(200, 1500)
            select Build(seed, processes, lossPercent, duplicatePercent, maxDelayTenths, rate, causal, agreed, safe, burst, durationMs),
            Shrink);

    private static GeneratedScenario Build(int seed, int processes, int lossPercent, int duplicatePercent, int maxDelayTenths,
        int rate, int causal, int agreed, int safe, int burst, int durationMs)
    {
        var ids = Enumerable.Range(1, processes).Select(i => $"\"p{i}\"");
        string F(double x) => x.ToString(CultureInfo.InvariantCulture);
        string burstStep = burst > 0 ? $"\n    {{ \"at\": {durationMs / 2}, \"send\": {{ \"from\": \"p1\", \"svc\": \"safe\", \"count\": {burst} }} }}," : "";
        var json = $$"""
            {
              "name": "generated",
              "processes": [{{string.Join(", ", ids)}}],
              "traffic": { "rate": {{rate}}, "size": 16, "mix": { "causal": {{causal}}, "agreed": {{agreed}}, "safe": {{safe}} } },
              "network": { "delay_ms": [0.1, {{F(maxDelayTenths / 10.0)}}], "loss": {{F(lossPercent / 100.0)}}, "duplicate": {{F(duplicatePercent / 100.0)}} },
              "steps": [{{burstStep}}
                { "at": {{durationMs}}, "stop": true }
              ]
            }
            """;
        return new GeneratedScenario(json, seed);
    }

    // Shrinking a scenario: the same seed with a shorter run, fewer processes, a kinder network.
    private static IEnumerable<GeneratedScenario> Shrink(GeneratedScenario failing)
    {
        var s = failing.Scenario;
        if (s.Stop.At > 200) yield return Rebuild(failing, s.Processes.Length, s.Network, (int)(s.Stop.At / 2));
        if (s.Processes.Length > 1) yield return Rebuild(failing, s.Processes.Length - 1, s.Network, (int)s.Stop.At);
        if (s.Network.Duplicate > 0) yield return Rebuild(failing, s.Processes.Length, s.Network with { Duplicate = 0 }, (int)s.Stop.At);
        if (s.Network.Loss > 0) yield return Rebuild(failing, s.Processes.Length, s.Network with { Loss = 0 }, (int)s.Stop.At);
    }

    private static GeneratedScenario Rebuild(GeneratedScenario from, int processes, NetworkConditions network, int durationMs)
    {
        var s = from.Scenario;
        var burst = s.Steps.OfType<SendStep>().Select(b => b.Count).FirstOrDefault();
        return Build((int)from.Seed, processes, (int)Math.Round(network.Loss * 100), (int)Math.Round(network.Duplicate * 100),
            (int)Math.Round(network.MaxDelayMs * 10), (int)s.Traffic.Rate, (int)s.Traffic.CausalWeight, (int)s.Traffic.AgreedWeight,
            (int)s.Traffic.SafeWeight, burst, durationMs);
    }
}
