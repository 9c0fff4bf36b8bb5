// Membership/GracefulLeave (issue 18, item 3): a leaver sends what it was asked to send before,
// delivers everything ordered up to its leave, announces it and stops; the others gather at once
// with it counted out, with no timer fired (the hand network fires none unless told), and name it in
// their next regular configuration; an announcement that nobody hears leaves the leaver looking
// failed. Then the same in the simulator, judged by the checker: two leaves at once, a leaver alone,
// a leave while the ring is changing, and lost packets.
using Evs.Reference.Checking;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
using Xunit;

namespace SpecTests.Membership;

public class GracefulLeaveTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    // p1, p2, p3 in one ring; p3 asks for two safe messages, then to leave.
    private static HandNetwork RingWhereP3Leaves()
    {
        var network = new HandNetwork("p1", "p2", "p3");
        network.StartInRing();
        network.Input("p3", new SendRequested([1], DeliveryService.Safe));
        network.Input("p3", new SendRequested([2], DeliveryService.Safe));
        network.Input("p3", new LeaveRequested());
        return network;
    }

    private static bool Announced(HandNetwork network) => network.Waiting.Any(f => f.Packet is LeaveAnnouncement);

    private static IEnumerable<MessageDelivered> DeliveredAt(HandNetwork network, ProcessId p) =>
        network.Application.Where(e => e.Process == p).Select(e => e.Output).OfType<MessageDelivered>();

    private static ConfigurationDelivered? LastRegularAt(HandNetwork network, ProcessId p) =>
        network.Application.Where(e => e.Process == p).Select(e => e.Output).OfType<ConfigurationDelivered>()
            .LastOrDefault(c => c.Configuration.Kind == ConfigurationKind.Regular);

    private static bool OperationalWithout(HandNetwork network, ProcessId leaver, params ProcessId[] survivors) =>
        survivors.All(p => network.Nodes[p].State == MembershipState.Operational
            && LastRegularAt(network, p) is { } c && !c.Configuration.Contains(leaver) && c.Configuration.Members.Length == survivors.Length);

    [Fact]
    public void A_leaver_sends_what_it_was_asked_before_delivers_it_and_announces_its_leave()
    {
        var network = RingWhereP3Leaves();
        Assert.True(network.RunUntil(() => Announced(network)));
        Assert.Equal(2, DeliveredAt(network, P3).Count(d => d.Originator == P3));
        var announcement = network.Waiting.Select(f => f.Packet).OfType<LeaveAnnouncement>().First();
        Assert.Equal(P3, announcement.Sender);
        Assert.Equal(MembershipState.Operational, network.Nodes[P1].State); // nobody has heard it yet
    }

    [Fact]
    public void A_leaver_takes_no_input_after_its_leave_and_no_send_after_asking_to_leave()
    {
        var network = RingWhereP3Leaves();
        Assert.Empty(network.Input("p3", new SendRequested([3], DeliveryService.Agreed)).OfType<MessageSent>());
        Assert.True(network.RunUntil(() => Announced(network)));
        Assert.Empty(network.Input("p3", new TimerExpired(TimerKind.TokenLoss)));
        Assert.DoesNotContain(network.History, h => h.Packet.Packet is RegularMessage m && m.Payload.SequenceEqual(new byte[] { 3 }));
    }

    [Fact]
    public void The_others_install_the_configuration_without_the_leaver_with_no_timer_fired_and_say_it_left()
    {
        var network = RingWhereP3Leaves();
        Assert.True(network.RunUntil(() => OperationalWithout(network, P3, P1, P2)));
        foreach (var survivor in new[] { P1, P2 })
        {
            Assert.Equal([P3], LastRegularAt(network, survivor)!.Left);
            Assert.Equal(2, DeliveredAt(network, survivor).Count(d => d.Originator == P3)); // nothing of the leaver's is lost
        }
    }

    [Fact]
    public void A_survivor_that_misses_the_announcement_is_told_by_the_others_joins()
    {
        var network = RingWhereP3Leaves();
        Assert.True(network.RunUntil(() => Announced(network)));
        Assert.Equal(1, network.Lose(f => f.Packet is LeaveAnnouncement && f.To == P2));
        Assert.True(network.RunUntil(() => OperationalWithout(network, P3, P1, P2)));
        Assert.Equal([P3], LastRegularAt(network, P1)!.Left);
        Assert.Null(LastRegularAt(network, P2)!.Left); // p2 never heard p3 announce: to it, p3 failed
    }

    [Fact]
    public void A_lost_announcement_leaves_the_leaver_looking_failed_and_the_others_find_it_by_their_timeouts()
    {
        var network = RingWhereP3Leaves();
        Assert.True(network.RunUntil(() => Announced(network)));
        network.Lose(f => f.Packet is LeaveAnnouncement);
        Assert.False(network.RunUntil(() => OperationalWithout(network, P3, P1, P2), limit: 200)); // the ring just stops: p3 keeps the token
        for (int round = 0; round < 10 && !OperationalWithout(network, P3, P1, P2); round++)
        {
            foreach (var p in new[] { "p1", "p2" })
                foreach (var timer in new[] { TimerKind.TokenLoss, TimerKind.Consensus })
                    network.Fire(p, timer);
            network.RunUntil(() => OperationalWithout(network, P3, P1, P2), limit: 500);
        }
        Assert.True(OperationalWithout(network, P3, P1, P2));
        Assert.Null(LastRegularAt(network, P1)!.Left);
    }

    [Fact]
    public void A_process_alone_in_its_ring_leaves_too()
    {
        var network = new HandNetwork("p1");
        network.StartInRing();
        network.Input("p1", new SendRequested([1], DeliveryService.Safe));
        var outputs = new List<NodeOutput>(network.Input("p1", new LeaveRequested()));
        while (!outputs.OfType<ProcessLeft>().Any() && network.Waiting.Count > 0) outputs.AddRange(network.HandOn(0).Outputs);
        Assert.Single(outputs.OfType<ProcessLeft>());
        Assert.Single(DeliveredAt(network, P1));
    }

    [Fact]
    public void Gather_counts_a_leaver_out_from_the_start_and_when_it_announces_during_the_round()
    {
        var gather = new Gather(P1, [P1, P2, P3], GatherReason.LeaveAnnounced, left: [P3]);
        Assert.Equal([P1, P2], gather.Proposed);
        var late = new Gather(P1, [P1, P2, P3], GatherReason.TokenLoss);
        var outputs = new List<NodeOutput>();
        late.CountOut(P2, outputs);
        Assert.Equal([P1, P3], late.Proposed);
        Assert.Contains(outputs, o => o is Broadcast { Packet: JoinMessage j } && j.FailSet.Contains(P2));
    }

    // ---- In the simulator, judged by the checker ----

    private static EvsTrace Run(string steps, int seed, double loss = 0)
    {
        var scenario = ScenarioReader.Parse($$"""
            {
              "processes": ["p1", "p2", "p3", "p4"],
              "traffic": { "rate": 40, "size": 32, "mix": { "causal": 1, "agreed": 1, "safe": 1 } },
              "network": { "delay_ms": [0.2, 2.0], "loss": {{loss}}, "duplicate": 0.0 },
              "steps": [ {{steps}} ]
            }
            """, "leave-test");
        var result = Simulator.Run(scenario, new SimulationOptions(seed));
        var report = SpecificationChecker.Check(result.Trace);
        Assert.True(report.AllPassed, report.ToString());
        return result.Trace;
    }

    private static IEnumerable<Fail> Leaves(EvsTrace trace) => trace.Events.OfType<Fail>().Where(f => f.Left);

    private static IEnumerable<ProcessId> NamedAsLeft(EvsTrace trace) =>
        trace.Events.OfType<DeliverConf>().SelectMany(c => c.Left ?? []).Distinct();

    [Fact]
    public void In_a_run_the_leaver_fails_as_left_and_the_survivors_name_it_in_their_next_regular_configuration()
    {
        var trace = Run("""{ "at": 800, "leave": "p4" }, { "at": 2000, "stop": true }""", seed: 1);
        Assert.Equal([new ProcessId("p4")], Leaves(trace).Select(f => f.Process));
        Assert.Equal([new ProcessId("p4")], NamedAsLeft(trace));
    }

    [Fact]
    public void Two_leaves_at_once_both_leave_and_extended_virtual_synchrony_holds()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            var trace = Run("""{ "at": 800, "leave": "p3" }, { "at": 800, "leave": "p4" }, { "at": 3000, "stop": true }""", seed);
            Assert.Equal(2, Leaves(trace).Count());
        }
    }

    [Fact]
    public void A_leave_while_the_ring_is_changing_waits_for_the_next_ring()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            var trace = Run("""{ "at": 800, "crash": "p1" }, { "at": 800, "leave": "p4" }, { "at": 4000, "stop": true }""", seed);
            Assert.Single(Leaves(trace));
        }
    }

    [Fact]
    public void The_last_process_left_leaves_alone()
    {
        var trace = Run("""
            { "at": 800, "leave": "p2" }, { "at": 900, "leave": "p3" }, { "at": 1000, "leave": "p4" },
            { "at": 1500, "leave": "p1" }, { "at": 3000, "stop": true }
            """, seed: 2);
        Assert.Equal(4, Leaves(trace).Count());
    }

    [Fact]
    public void Leaves_over_a_lossy_network_keep_every_specification()
    {
        int leaves = 0;
        for (int seed = 1; seed <= 10; seed++)
            leaves += Leaves(Run("""{ "at": 800, "leave": "p2" }, { "at": 800, "leave": "p4" }, { "at": 1500, "recover": "p2" }, { "at": 4000, "stop": true }""", seed, loss: 0.2)).Count();
        Assert.True(leaves > 0, "no leave was announced in any of the lossy runs");
    }
}
