// The real network (the runtime driver): .NET compiles a method the first time it runs. A node
// runs most of its code within its first second (forming its first ring compiles Gather, the
// commit token and recovery), but the code of a change with an old configuration behind it (step 4's
// transitional configuration, step 5's rebroadcasts and obligations, step 6's deliveries in the
// transitional configuration) runs first at the first partition or crash a node lives through. Measured
// on two cores, compiling it then added 35-50 ms to that first change (benchmarks/corosync/RESULTS.md,
// Membership), while the same steps took 13 ms at the next one: a node noticed its first partition as
// soon as Corosync did, and installed its new configuration later. So each process compiles that code
// once, early and in the background, by running the same protocol code on a scenario of partitions,
// merges, a crash and a recovery in the deterministic simulator, and by writing its trace.
using System.Diagnostics;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
using Microsoft.Extensions.Logging;

namespace Evs.Runtime;

/// <summary>
/// Runs the code of membership changes once per process, on a thread-pool thread, so that a node's
/// first partition or crash does not wait for the compiler. It shares nothing with the running
/// nodes: its own simulated processes, in virtual time, writing their trace to nowhere.
/// </summary>
internal static class MembershipWarmUp
{
    private static int _started;

    /// <summary>
    /// A scenario that walks the paths a first change would: a partition with traffic in flight,
    /// a merge, a crash and the recovery from stable storage, with the primary component algorithm.
    /// </summary>
    private const string ScenarioText = """
        {
          "name": "warm-up",
          "processes": ["p1", "p2", "p3"],
          "traffic": { "rate": 200, "size": 16, "mix": { "causal": 1, "agreed": 1, "safe": 1 } },
          "network": { "delay_ms": [0.2, 2.0], "loss": 0.02, "duplicate": 0.01 },
          "steps": [
            { "at": 300, "partition": [["p1", "p2"], ["p3"]] },
            { "at": 1500, "heal": true },
            { "at": 2500, "crash": "p2" },
            { "at": 3000, "recover": "p2" },
            { "at": 4500, "stop": true }
          ]
        }
        """;

    /// <summary>The warm-up's scenario (docs/SCENARIOS.md format).</summary>
    public static Scenario Scenario { get; } = ScenarioReader.Parse(ScenarioText, "built-in:warm-up", "warm-up");

    /// <summary>The warm-up itself: the scenario's run, its trace written to nowhere. Returns the run.</summary>
    public static SimulationResult Run()
    {
        var run = Simulator.Run(Scenario, new SimulationOptions(Seed: 1, Primary: "majority"));
        using var nowhere = new TraceWriter(Stream.Null);
        nowhere.WriteHeader(run.Trace.Header);
        foreach (var e in run.Trace.Events) nowhere.Write(e);
        return run;
    }

    /// <summary>Starts the warm-up on a thread-pool thread, unless this process has started it already.</summary>
    internal static void StartOnce(ILogger logger)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        _ = Task.Run(() => RunLogged(logger));
    }

    private static void RunLogged(ILogger logger)
    {
        try
        {
            var wall = Stopwatch.StartNew();
            var run = Run();
            RuntimeLog.WarmedUp(logger, run.Trace.Events.Count, wall.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex)
        {
            // A warm-up that fails costs only its purpose: the nodes compile the code when they need it.
            RuntimeLog.WarmUpFailed(logger, ex);
        }
    }
}
