// Crash and recovery with stable storage intact (the paper, Section 2): "A crash between any two
// outputs of a node, followed by recovery, never makes a process reuse a ring id or a message id,
// nor deliver a message twice." The simulator crashes p2 right after its k-th output — the rest
// of that step's packets and deliveries are lost — and recovers it from its stable storage.
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace SpecTests.Simulation;

public class CrashAnywhereTests
{
    private const string Scenario = """
        {
          "name": "crash-anywhere",
          "processes": ["p1", "p2", "p3", "p4"],
          "traffic": { "rate": 60, "size": 16, "mix": { "causal": 1, "agreed": 1, "safe": 1 } },
          "network": { "delay_ms": [0.2, 2.0], "loss": 0.02, "duplicate": 0.02 },
          "steps": [ { "at": 3000, "stop": true, "recover_all": true } ]
        }
        """;

    // Any output of a 3 s run: p2 produces a few thousand, so crashes strike during ring
    // formation, in steady traffic and during the recovery that the crash itself causes elsewhere.
    // A run whose p2 produces fewer outputs than drawn is run again with the crash at half the
    // output, until it strikes: every case crashes p2, none is dropped.
    private static readonly Arbitrary<(int Seed, int Output, int RecoverAfterMs)> Crashes =
        Arb.From(from seed in Gen.Choose(1, int.MaxValue)
                 from output in Gen.Choose(0, 2500)
                 from recoverAfter in Gen.Choose(50, 550)
                 select (seed, output, recoverAfter));

    [Property(MaxTest = 150)]
    public Property A_crash_between_any_two_outputs_never_reuses_an_identifier_nor_delivers_twice() =>
        Prop.ForAll(Crashes, c => Holds(c.Seed, new MidOutputCrash(new ProcessId("p2"), c.Output, c.RecoverAfterMs)));

    private static Property Holds(int seed, MidOutputCrash crash)
    {
        var (result, struck) = RunUntilTheCrashStrikes(seed, crash);
        var events = result.Trace.Events;
        var regular = events.OfType<DeliverConf>().Where(c => c.Process.Name == "p2" && c.Kind == ConfigurationKind.Regular).Select(c => c.Conf.Name).ToList();
        var ringSequences = regular.Select(c => long.Parse(c[1..c.IndexOf('.')])).ToList();
        var deliveredTwice = events.OfType<Deliver>().GroupBy(d => (d.Process, d.Message)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var report = SpecificationChecker.Check(result.Trace);
        string? problem =
            struck is null ? "the crash never struck (no singleton configuration of p2 after a recovery)"
            : !result.Summary.Quiescent ? "never became quiescent"
            : regular.Distinct().Count() != regular.Count ? $"p2 installed a ring twice: {string.Join(" ", regular)}"
            : !ringSequences.Zip(ringSequences.Skip(1)).All(pair => pair.First < pair.Second) ? $"p2's ring numbers do not grow: {string.Join(" ", regular)}"
            : deliveredTwice.Count > 0 ? $"delivered twice: {deliveredTwice[0]}"
            : !report.AllPassed ? $"spec {report.FailedSpecs.First()} violated: {report[report.FailedSpecs.First()].Violation!.Message}"
            : null;
        return (problem is null).Label($"{problem}; seed {seed}, {struck ?? crash}");
    }

    // The run with the crash after output k, k/2, k/4 ... 0, the first in which p2 crashed and
    // recovered (it then delivers a configuration of itself alone); null when none did.
    private static (SimulationResult Result, MidOutputCrash? Struck) RunUntilTheCrashStrikes(int seed, MidOutputCrash crash)
    {
        var scenario = ScenarioReader.Parse(Scenario, "crash-anywhere");
        for (var attempt = crash; ; attempt = attempt with { AfterOutput = attempt.AfterOutput / 2 })
        {
            var result = Simulator.Run(scenario, new SimulationOptions(seed, CrashMidOutputs: attempt));
            bool recovered = result.Trace.Events.OfType<DeliverConf>().Any(c => c.Process.Name == "p2" && c.Members is [{ Name: "p2" }]);
            if (recovered) return (result, attempt);
            if (attempt.AfterOutput == 0) return (result, null);
        }
    }
}
