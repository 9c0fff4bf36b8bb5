// Issue #13, item 6, the simulator's half: "an adversary that copies, replays, redirects and forges
// datagrams, with and without the key ... replays every captured datagram kind at every phase
// (operational, gather, commit, recovery), copies tokens to the wrong member, and injects the forged
// numbers above; ... every run passes every specification with nothing lost." Each attack, on each
// kind of packet it can be made of, aimed at processes in each phase of a run whose membership
// changes, in a small deterministic run: the attack strikes in that phase, every specification holds
// and the run ends quiescent. In a run whose membership never changes, every message sent is
// delivered by every process whatever the adversary does. And the adversary keeps the simulator's
// promise: the same seed gives the same trace, and an adversary that never strikes leaves the trace
// of the run exactly as it is without one.
using System.Collections.Immutable;
using Evs.Reference.Checking;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using SpecTests.Properties;
using Xunit;

namespace SpecTests.Simulation;

public class AdversaryTests
{
    private const long Seed = 11;
    private static readonly long[] Seeds = [Seed, 12, 13, 14, 15];

    // A run settles within a second or two of the stop step once the adversary is gone (token
    // loss and consensus timeouts); one that has not after five has not recovered from the attack,
    // and waiting the default minute for it would only slow the suite.
    private static SimulationOptions Options(long seed) => new(seed, SettleLimitMs: 5_000);

    // Two rings form at about 500 ms (at the consensus timeout: each process starts alone) and
    // merge at about 700 ms; the network splits them again at 900 ms (Gather from about 1300 ms,
    // when the token is lost, until the consensus timeout; Commit and Recovery of the two halves)
    // and they merge again from 1900 ms. Just before each change a burst is sent while a fifth of
    // the packets are lost, so that members hold different messages and recovery rebroadcasts some
    // (step 5.a); between them the traffic is light, so that idle tokens are held and their holds
    // cancelled. From 1000 to 2100 ms p2 cannot hear p1: the two form rings alone, p1 having heard
    // p2 leave it out, and p1 reports whom it hears until they merge again
    // (Membership/HearingEvidence); the heal at 1900 ms clears that fault with the partition, and a
    // links step puts it back until 2100 ms. Every kind of packet is sent, and every phase comes round after
    // it, while the adversary strikes, from 100 to 2200 ms.
    private const string MembershipChangesJson = """
        {
          "name": "adversary-membership",
          "processes": ["p1", "p2", "p3", "p4"],
          "start": [["p1", "p2"], ["p3", "p4"]],
          "traffic": { "rate": 10, "size": 16 },
          "network": { "delay_ms": [0.2, 2.0] },
          "steps": [
            { "at": 550, "loss": 0.2 },
            { "at": 560, "send": { "from": "p1", "svc": "safe", "count": 20 } },
            { "at": 560, "send": { "from": "p3", "svc": "safe", "count": 20 } },
            { "at": 600, "heal": true },
            { "at": 750, "loss": 0 },
            { "at": 850, "loss": 0.2 },
            { "at": 860, "send": { "from": "p2", "svc": "safe", "count": 20 } },
            { "at": 860, "send": { "from": "p4", "svc": "safe", "count": 20 } },
            { "at": 900, "partition": [["p1", "p2"], ["p3", "p4"]] },
            { "at": 950, "loss": 0 },
            { "at": 1000, "links": [{ "from": ["p1"], "to": ["p2"], "loss": 1.0 }] },
            { "at": 1850, "loss": 0.2 },
            { "at": 1860, "send": { "from": "p1", "svc": "safe", "count": 20 } },
            { "at": 1860, "send": { "from": "p4", "svc": "safe", "count": 20 } },
            { "at": 1900, "heal": true },
            { "at": 1900, "links": [{ "from": ["p1"], "to": ["p2"], "loss": 1.0 }] },
            { "at": 2000, "loss": 0 },
            { "at": 2100, "links": [] },
            { "at": 2400, "stop": true }
          ]
        }
        """;

    private static readonly Scenario MembershipChanges = ScenarioReader.Parse(MembershipChangesJson, "adversary-membership");

    // The same changes, and p4 leaves gracefully at 640 ms, in the merged ring, and comes back at
    // 700 ms: a leave announcement is sent, for the adversary to replay in every phase after it.
    private static readonly Scenario MembershipChangesWithALeave = ScenarioReader.Parse(MembershipChangesJson.Replace(
        """{ "at": 750, "loss": 0 },""",
        """{ "at": 640, "leave": "p4" }, { "at": 700, "recover": "p4" }, { "at": 750, "loss": 0 },""", StringComparison.Ordinal), "adversary-leave");

    // The scenario in which the adversary can capture a packet of this kind: a leave announcement only where someone leaves.
    private static Scenario ScenarioFor(CapturedPacketKind kind) =>
        kind == CapturedPacketKind.LeaveAnnouncement ? MembershipChangesWithALeave : MembershipChanges;

    // Nothing but the adversary ever changes the membership; it strikes once the first ring has formed.
    private static readonly Scenario OneRing = ScenarioReader.Parse("""
        {
          "name": "adversary-one-ring",
          "processes": ["p1", "p2", "p3", "p4"],
          "traffic": { "rate": 10, "size": 16 },
          "network": { "delay_ms": [0.2, 2.0] },
          "steps": [ { "at": 1200, "stop": true } ]
        }
        """, "adversary-one-ring");

    private const double From = 100;
    private const double Until = 2200;
    private const double Rate = 1000;

    private static readonly ImmutableArray<CapturedPacketKind> SentToOneMember =
        [CapturedPacketKind.Token, CapturedPacketKind.CommitToken, CapturedPacketKind.TokenHoldCancel];

    /// <summary>Every attack, on every kind of packet it can be made of (a redirect only of what is sent to one member), in every phase.</summary>
    public static TheoryData<AdversaryAttack, CapturedPacketKind, MembershipState> EveryAttackOnEveryKindInEveryPhase()
    {
        var data = new TheoryData<AdversaryAttack, CapturedPacketKind, MembershipState>();
        foreach (var attack in Enum.GetValues<AdversaryAttack>())
            foreach (var kind in Enum.GetValues<CapturedPacketKind>().Where(k => AdversarySettings.Uses(attack, k)))
                if (attack != AdversaryAttack.Redirect || SentToOneMember.Contains(kind))
                    foreach (var phase in Enum.GetValues<MembershipState>())
                        data.Add(attack, kind, phase);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryAttackOnEveryKindInEveryPhase))]
    public void Every_specification_holds_and_the_run_settles_whatever_the_attack_the_packet_and_the_phase(AdversaryAttack attack, CapturedPacketKind kind, MembershipState phase)
    {
        var adversary = AdversarySettings.Only(attack, [kind], [phase], From, Until, Rate);
        var (seed, result) = FirstRunStruckIn(phase, ScenarioFor(kind) with { Adversary = adversary });
        AssertSettledWithEverySpecification(result, seed, adversary);
    }

    // The run of the first of a few seeds in which the attack reaches a process in the phase: a
    // phase lasts a few milliseconds, and a kind of packet may be sent in some runs only.
    private static (long Seed, SimulationResult Result) FirstRunStruckIn(MembershipState phase, Scenario scenario)
    {
        foreach (long seed in Seeds)
        {
            var result = Simulator.Run(scenario, Options(seed));
            if (result.Injected!.Any(i => i.Phase == phase)) return (seed, result);
        }
        throw new Xunit.Sdk.XunitException($"the adversary ({scenario.Adversary}) never struck a process in {phase} with seeds {string.Join(", ", Seeds)}");
    }

    [Theory]
    [MemberData(nameof(EveryAttackWithoutAnAbsentMember))]
    public void In_one_ring_every_message_sent_is_delivered_by_every_process_whatever_the_attack(AdversaryAttack attack)
    {
        var adversary = AdversarySettings.Only(attack, [.. Enum.GetValues<CapturedPacketKind>()], [.. Enum.GetValues<MembershipState>()], 600, 1000, Rate);
        var result = Simulator.Run(OneRing with { Adversary = adversary }, Options(Seed));
        Assert.NotEmpty(result.Injected!);
        AssertSettledWithEverySpecification(result, Seed, adversary);
        var sent = result.Trace.Events.OfType<Send>().Select(s => s.Message).ToHashSet();
        foreach (var p in OneRing.Processes)
        {
            var delivered = result.Trace.Events.OfType<Deliver>().Where(d => d.Process == p).Select(d => d.Message).ToHashSet();
            Assert.True(delivered.SetEquals(sent), $"{p} delivered {delivered.Count} of the {sent.Count} messages sent, with the adversary {adversary}");
        }
    }

    /// <summary>Every attack but the replay of an absent member's packets: in one ring, no member is ever absent.</summary>
    public static TheoryData<AdversaryAttack> EveryAttackWithoutAnAbsentMember() =>
        [.. Enum.GetValues<AdversaryAttack>().Where(a => a != AdversaryAttack.ReplayFromAbsent)];

    private static void AssertSettledWithEverySpecification(SimulationResult result, long seed, AdversarySettings adversary)
    {
        string where = $"seed {seed}, adversary {adversary}, {result.Injected!.Count} packets injected";
        Assert.True(result.Summary.Quiescent, $"the run never became quiescent; {where}\n{AdversaryLabel.Of(result, null)}");
        var failed = SpecificationChecker.Check(result.Trace).Verdicts.Where(v => !v.Passed).ToList();
        if (failed.Count > 0)
            Assert.Fail($"{string.Join("\n", failed)}\n{where}\n{AdversaryLabel.Of(result, failed[0].Violation)}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_trace_byte_for_byte_with_the_adversary()
    {
        var scenario = MembershipChanges with { Adversary = AdversarySettings.Everything(From, Until, Rate, withKey: true) };
        var first = TraceBytes(scenario, Seed);
        Assert.Equal(first, TraceBytes(scenario, Seed));
        Assert.NotEqual(first, TraceBytes(scenario with { Adversary = null }, Seed));
    }

    [Theory]
    [InlineData(0, 100, 2200)]
    [InlineData(1000, 2400, 5000)]
    public void An_adversary_that_never_strikes_leaves_the_trace_as_it_is_without_one(double rate, double from, double until)
    {
        // It still captures every packet and draws for its sample of them, from a stream of its own.
        var silent = MembershipChanges with { Adversary = AdversarySettings.Everything(from, until, rate, withKey: true) };
        Assert.Empty(Simulator.Run(silent, Options(Seed)).Injected!);
        Assert.Equal(TraceBytes(MembershipChanges, Seed), TraceBytes(silent, Seed));
    }

    private static byte[] TraceBytes(Scenario scenario, long seed) => DeterminismTests.TraceBytes(Simulator.Run(scenario, Options(seed)).Trace);
}
