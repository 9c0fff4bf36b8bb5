// The deterministic simulator's speed on the built-in scenarios: how long a run of `steady`
// for 60 virtual seconds, of `burst` (5,000 safe messages at once) and of `full-load` (five
// processes sending more than the ring can carry for two virtual seconds) takes on this machine.
using BenchmarkDotNet.Attributes;
using Evs.Reference.Simulation;

namespace Evs.Benchmarks;

[MemoryDiagnoser]
public class SimulatorBenchmarks
{
    private readonly Scenario _steady = BuiltInScenarios.Get("steady");
    private readonly Scenario _burst = BuiltInScenarios.Get("burst");
    private readonly Scenario _fullLoad = BuiltInScenarios.Get("full-load");

    /// <summary>`evs sim --scenario steady --stop-at 60000`: returns the deliveries simulated.</summary>
    [Benchmark]
    public long Steady60VirtualSeconds() =>
        Simulator.Run(_steady, new SimulationOptions(Seed: 1, StopAtMs: 60_000)).Summary.Delivered.Values.Sum();

    /// <summary>`evs sim --scenario burst`: returns the deliveries simulated.</summary>
    [Benchmark]
    public long Burst() =>
        Simulator.Run(_burst, new SimulationOptions(Seed: 1)).Summary.Delivered.Values.Sum();

    /// <summary>`evs sim --scenario full-load`: returns the deliveries simulated.</summary>
    [Benchmark]
    public long FullLoad() =>
        Simulator.Run(_fullLoad, new SimulationOptions(Seed: 1)).Summary.Delivered.Values.Sum();
}
