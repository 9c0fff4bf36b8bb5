// The specification checker on a long real run: a trace of at least a million events from the
// simulator (`steady` for about 11 virtual minutes), checked against every specification, from
// the EvsTrace in memory and, as `evs check` does it, from the trace file, reading included.
using BenchmarkDotNet.Attributes;
using Evs.Reference.Checking;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;

namespace Evs.Benchmarks;

[MemoryDiagnoser]
public class CheckerBenchmarks
{
    private EvsTrace _trace = null!;
    private string _file = null!;

    [GlobalSetup]
    public void MakeAMillionEventTrace()
    {
        _trace = Simulator.Run(BuiltInScenarios.Get("steady"), new SimulationOptions(Seed: 1, StopAtMs: 680_000)).Trace;
        if (_trace.Events.Count < 1_000_000) throw new InvalidOperationException($"only {_trace.Events.Count} events");
        _file = Path.Combine(Path.GetTempPath(), $"evs-checker-benchmark-{Environment.ProcessId}.jsonl");
        using (var writer = new TraceWriter(File.Create(_file)))
        {
            writer.WriteHeader(_trace.Header);
            foreach (var e in _trace.Events) writer.Write(e);
        }
        Console.WriteLine($"// trace of {_trace.Events.Count:N0} events, {new FileInfo(_file).Length:N0} bytes in {_file}");
    }

    [GlobalCleanup]
    public void RemoveTheFile() => File.Delete(_file);

    /// <summary>Every specification on the whole trace, already in memory as objects.</summary>
    [Benchmark]
    public bool CheckAMillionEvents() => SpecificationChecker.Check(_trace).AllPassed;

    /// <summary>What <c>evs check FILE</c> does: the file read line by line into a CompactTrace, then every specification.</summary>
    [Benchmark]
    public bool ReadAndCheckAMillionEventsFromTheFile()
    {
        var history = new CompactTrace.Builder();
        using (var file = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan))
            history.Read(file, _file);
        return SpecificationChecker.Check(history.Build()).AllPassed;
    }
}
