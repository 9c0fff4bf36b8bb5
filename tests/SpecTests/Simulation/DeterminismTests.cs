// "Same seed, same trace, byte for byte": the deterministic simulator's promise, tested on
// the written bytes of whole traces.
using System.Security.Cryptography;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
using Xunit;

namespace SpecTests.Simulation;

public class DeterminismTests
{
    public static byte[] TraceBytes(string scenario, long seed, double? stopAt = null) =>
        TraceBytes(Simulator.Run(BuiltInScenarios.Get(scenario), new SimulationOptions(seed, StopAtMs: stopAt)).Trace);

    /// <summary>The trace as `evs sim --trace` writes it.</summary>
    public static byte[] TraceBytes(EvsTrace trace)
    {
        using var stream = new MemoryStream();
        using (var writer = new TraceWriter(stream, ownsStream: false))
        {
            writer.WriteHeader(trace.Header);
            foreach (var e in trace.Events) writer.Write(e);
        }
        return stream.ToArray();
    }

    [Theory]
    [InlineData("steady", 1)]
    [InlineData("lossy", 42)]
    [InlineData("burst", 7)]
    public void The_same_scenario_and_seed_give_the_same_trace_byte_for_byte(string scenario, long seed)
    {
        var first = TraceBytes(scenario, seed, stopAt: 1500);
        var second = TraceBytes(scenario, seed, stopAt: 1500);
        Assert.True(first.Length > 1000);
        Assert.Equal(first, second);
    }

    // The first 16 hex digits of the SHA-256 of each trace, as the simulator wrote it before it was
    // made several times faster (issue #16): a faster simulator must run the same protocol on the
    // same network, draw the same random numbers in the same order and so write the same bytes. A
    // change that alters traces on purpose (a change of the protocol) changes these digests, visibly:
    // churn's changed with issue #17, when a process heard in a round of Gather that ended without
    // it began to need evidence before merging with it (Membership/HearingEvidence), which churn's
    // partitions during Gather call for. The graceful leave (issue 18) changed none of these, and
    // added the leave scenario's.
    [Theory]
    [InlineData("burst", 1, "d652ba49be291e6b")]
    [InlineData("cascade", 2, "183688961c4d1d12")]
    [InlineData("churn", 1, "d884b4bd6400cab5")]
    [InlineData("crash-recover", 2, "26b1ed4533524fa1")]
    [InlineData("figure6", 1, "bdeb7642ee772879")]
    [InlineData("leave", 1, "c1a6eed959fcd2cf")]
    [InlineData("lossy", 2, "6fb0682d41c8f286")]
    [InlineData("partition-merge", 1, "4e481751697cce5f")]
    [InlineData("steady", 1, "cd8f5d83d9b192b2")]
    public void The_simulator_writes_the_same_traces_it_wrote_before_it_was_made_faster(string scenario, long seed, string digest) =>
        Assert.Equal(digest, Convert.ToHexStringLower(SHA256.HashData(TraceBytes(scenario, seed)))[..16]);

    [Fact]
    public void A_run_told_its_progress_gives_the_same_trace_and_hears_virtual_time_rising_to_the_stop()
    {
        var heard = new List<double>();
        var told = Simulator.Run(BuiltInScenarios.Get("lossy"), new SimulationOptions(42, StopAtMs: 1500), heard.Add);
        Assert.Equal(TraceBytes("lossy", 42, stopAt: 1500), TraceBytes(told.Trace));
        Assert.InRange(heard.Count, 50, 200);
        Assert.Equal(heard.Order(), heard);
        Assert.Equal(told.Summary.VirtualMs, heard[^1]);
        Assert.True(heard[^1] >= 1500, "the run ended at or after its stop step");
    }

    [Fact]
    public void Another_seed_gives_another_trace() =>
        Assert.NotEqual(TraceBytes("lossy", 1, stopAt: 500), TraceBytes("lossy", 2, stopAt: 500));

    [Fact]
    public void The_random_source_is_fixed_by_its_seed_and_nothing_else()
    {
        // The first outputs for seed 1 are pinned: a change of generator would silently change every trace.
        var random = new DeterministicRandom(1);
        Assert.Equal([0xb3f2af6d0fc710c5UL, 0x853b559647364ceaUL, 0x92f89756082a4514UL], new[] { random.NextUInt64(), random.NextUInt64(), random.NextUInt64() });
    }
}
