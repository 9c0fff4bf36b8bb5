// The specification checker on a long real run: a trace of at least a million events from the
// simulator (`steady` for about 11 virtual minutes), checked against every specification.
using BenchmarkDotNet.Attributes;
using Evs.Reference.Checking;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;

namespace Evs.Benchmarks;

[MemoryDiagnoser]
public class CheckerBenchmarks
{
    private Trace _trace = null!;

    [GlobalSetup]
    public void MakeAMillionEventTrace()
    {
        _trace = Simulator.Run(BuiltInScenarios.Get("steady"), new SimulationOptions(Seed: 1, StopAtMs: 680_000)).Trace;
        if (_trace.Events.Count < 1_000_000) throw new InvalidOperationException($"only {_trace.Events.Count} events");
        Console.WriteLine($"// trace of {_trace.Events.Count:N0} events");
    }

    /// <summary>Every specification on the whole trace.</summary>
    [Benchmark]
    public bool CheckAMillionEvents() => SpecificationChecker.Check(_trace).AllPassed;
}
