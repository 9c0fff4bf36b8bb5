// Issue #13, items 2 and 3, tried against real nodes: a peer holding the cluster key, buggy or
// hostile, sends what no correct process sends. Each test plays one attack on a ring of three and
// checks what the issue asks: "bounds on every number a peer claims", "a token is accepted only from
// the ring predecessor it names, for the ring it names", "joins that are fresh". The forged packet
// is dropped and counted (NodeSnapshot.Drops), and the cluster goes on as the paper specifies.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Xunit;

namespace SpecTests.Node;

public sealed class HostilePacketTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    private static ImmutableSortedSet<ProcessId> Set(params ProcessId[] processes) => ImmutableSortedSet.Create(ProcessId.Ordinal, processes);

    private static HostileCluster RingOfThree(long sequence = 1, TotemSettings? settings = null)
    {
        var cluster = new HostileCluster(3, settings);
        cluster.StartInRing(sequence);
        return cluster;
    }

    // The token on its way from p1 to p2, taken off the network: the attacker sends its own instead.
    private static Token TakeTokenToP2(HostileCluster cluster)
    {
        Assert.True(cluster.RunUntil(() => cluster.Net.Waiting.Any(f => f is { Packet: Token, From.Name: "p1", To.Name: "p2" })));
        int index = cluster.Net.Waiting.ToList().FindIndex(f => f is { Packet: Token, From.Name: "p1", To.Name: "p2" });
        var token = (Token)cluster.Net.Waiting[index].Packet;
        cluster.Net.Lose(index);
        return token;
    }

    // The membership changes: p1 stops hearing the token, gathers, and the others follow.
    private static void MembershipChange(HostileCluster cluster)
    {
        var before = cluster.Ring().Ring;
        cluster.Fire("p1", TimerKind.TokenLoss);
        Assert.True(cluster.RunUntil(() => cluster.Settled() && cluster.Ring().Ring != before), "a new ring of all three forms");
    }

    [Fact]
    public void A_join_claiming_ring_sequence_2_to_the_63_minus_2_is_dropped_and_rings_are_numbered_on_as_before()
    {
        var cluster = RingOfThree();
        var forged = new JoinMessage(P2, new RingId(1, P1), Set(P1, P2, P3), Set(), HighestRingSequence: long.MaxValue - 1);

        cluster.Forge("p1", forged);
        Assert.Equal(MembershipState.Operational, cluster["p1"].State);
        Assert.Equal(1, cluster["p1"].Drops.OutOfBounds);

        cluster.Fire("p1", TimerKind.TokenLoss);
        cluster.Forge("p3", forged); // and once more while the others gather
        Assert.True(cluster.RunUntil(cluster.Settled));
        Assert.Equal(2, cluster.Ring().Ring.Sequence);
        Assert.Equal([P1, P2, P3], cluster.Members());
        Assert.Equal(1, cluster["p3"].Drops.OutOfBounds);

        MembershipChange(cluster);
        Assert.Equal(3, cluster.Ring().Ring.Sequence);
        Assert.True(cluster.Check().AllPassed);
    }

    [Fact]
    public void Messages_numbered_a_billion_are_dropped_the_buffer_stays_small_and_none_is_delivered_at_the_next_change()
    {
        var cluster = RingOfThree();
        cluster.SendFromEveryone(2);
        Assert.True(cluster.RunUntil(cluster.Settled));
        var forged = Enumerable.Range(0, 1000)
            .Select(n => new RegularMessage(P1, new RingId(1, P1), 1_000_000_000L + n, new MessageId($"forged-{n}"), P1, DeliveryService.Agreed, [1]))
            .ToList();

        foreach (var message in forged) cluster.Forge("p2", message);

        Assert.Equal(1000, cluster["p2"].Drops.OutOfBounds);
        Assert.True(cluster["p2"].Regular!.Held.Length <= ClaimBounds.MessageLead(TotemSettings.Simulation));
        Assert.True(cluster["p2"].Regular!.HighestSeen < 1_000_000_000L);
        MembershipChange(cluster);
        foreach (var p in cluster.Ids) Assert.DoesNotContain(cluster.Delivered(p), m => m.Name.StartsWith("forged", StringComparison.Ordinal));
        Assert.True(cluster.Check().AllPassed, "Specification 1.3: nothing is delivered that was not sent");
    }

    [Fact]
    public void A_token_with_its_seq_raised_by_a_million_is_dropped_and_deliveries_go_on()
    {
        var cluster = RingOfThree();
        var token = TakeTokenToP2(cluster);

        cluster.Forge("p2", token with { Seq = token.Seq + 1_000_000 });
        Assert.Equal(1, cluster["p2"].Drops.OutOfBounds);

        cluster.Fire("p1", TimerKind.TokenRetransmit); // the real token was lost: p1 sends it again
        cluster.SendFromEveryone(3);
        Assert.True(cluster.RunUntil(cluster.Settled), "every message is delivered everywhere");
        Assert.Equal(9, cluster.Delivered(P3).Count);
        Assert.True(cluster.Check().AllPassed);
    }

    [Fact]
    public void A_token_carrying_5000_retransmission_requests_keeps_only_those_a_member_may_lack_and_traffic_returns_to_normal()
    {
        var cluster = RingOfThree();
        cluster.SendFromEveryone(4);
        Assert.True(cluster.RunUntil(cluster.Settled));
        var token = TakeTokenToP2(cluster);
        long retransmissionsBefore = Retransmissions(cluster);

        var requests = Enumerable.Range(-2000, 5000).Select(n => (long)n).ToImmutableArray();
        var passedOn = cluster.Forge("p2", token with { RetransmissionRequests = requests })
            .OfType<Unicast>().Select(u => u.Packet).OfType<Token>().Single();

        Assert.True(passedOn.RetransmissionRequests.Length <= TotemSettings.Simulation.MaxRetransmissionRequests);
        Assert.All(passedOn.RetransmissionRequests, r => Assert.InRange(r, passedOn.Aru + 1, passedOn.Seq));
        Assert.Equal(5000, cluster["p2"].Drops.DroppedRequests); // every member has all twelve messages
        for (int hop = 0; hop < 30; hop++)
        {
            Assert.True(cluster.Step());
            Assert.All(cluster.Net.Waiting.Select(f => f.Packet).OfType<Token>(), t => Assert.Empty(t.RetransmissionRequests));
        }
        Assert.Equal(retransmissionsBefore, Retransmissions(cluster));
        Assert.True(cluster.Check().AllPassed);
    }

    [Fact]
    public void A_token_copied_to_the_wrong_member_is_dropped_and_no_second_token_goes_round()
    {
        var cluster = RingOfThree();
        var toP2 = cluster.Net.Waiting.Single(f => f.Packet is Token).Packet;

        cluster.Forge("p3", toP2); // p1's token, meant for p2, delivered to p3 as well

        Assert.Equal(1, cluster["p3"].Drops.Misaddressed);
        cluster.SendFromEveryone(5);
        for (int hop = 0; hop < 300; hop++)
        {
            Assert.True(cluster.TokensInFlight <= 1, "one token at a time");
            if (!cluster.Step()) break;
        }
        Assert.True(cluster.Settled());
        Assert.True(cluster.Check().AllPassed, "Specifications 5 and 6.3: one total order");
    }

    [Fact]
    public void A_commit_token_from_another_than_the_predecessor_is_dropped()
    {
        var cluster = RingOfThree();
        cluster.Fire("p1", TimerKind.TokenLoss);
        Assert.True(cluster.RunUntil(() => cluster.Net.Waiting.Any(f => f.Packet is CommitToken)));
        var commit = (CommitToken)cluster.Net.Waiting.First(f => f.Packet is CommitToken).Packet; // p1, the representative, to p2

        cluster.Forge("p3", commit);

        Assert.Equal(1, cluster["p3"].Drops.Misaddressed);
        Assert.NotEqual(MembershipState.Commit, cluster["p3"].State);
        Assert.True(cluster.RunUntil(cluster.Settled));
        Assert.Equal([P1, P2, P3], cluster.Members());
    }

    [Fact]
    public void An_old_join_replayed_during_gather_is_ignored_and_the_live_processes_stay_together()
    {
        var cluster = RingOfThree(sequence: 4);
        // p2's join from before ring 4 formed, when it believed p3 had failed.
        var old = new JoinMessage(P2, new RingId(2, P1), Set(P1, P2, P3), Set(P3), HighestRingSequence: 3);

        cluster.Fire("p1", TimerKind.TokenLoss);
        cluster.Forge("p1", old);

        Assert.Equal(1, cluster["p1"].Drops.StaleJoins);
        Assert.Equal(MembershipState.Gather, cluster["p1"].State);
        Assert.Empty(cluster["p1"].Gather!.FailSet);
        Assert.True(cluster.RunUntil(cluster.Settled));
        Assert.Equal([P1, P2, P3], cluster.Members());
    }

    [Fact]
    public void A_forged_token_within_bounds_whose_messages_nobody_has_is_given_up_after_fail_to_receive_rotations_and_nothing_is_lost()
    {
        var settings = TotemSettings.Simulation;
        var cluster = RingOfThree(settings: settings);
        cluster.SendFromEveryone(2);
        Assert.True(cluster.RunUntil(cluster.Settled));
        var token = TakeTokenToP2(cluster);

        cluster.Forge("p2", token with { Seq = token.Seq + 100 }); // a hundred ordinals nobody broadcast
        cluster.SendFromEveryone(3);

        Assert.True(cluster.RunUntil(cluster.Settled, limit: 20 * 3 * settings.FailToReceiveRotations), "the ring forms again and delivers everything");
        Assert.Equal(2, cluster.Ring().Ring.Sequence);
        Assert.Contains(cluster.Ids, p => cluster.Net.Nodes[p].Snapshot() is { LastGatherReason: GatherReason.FailedToReceive, Counters.FailuresToReceive: 1 });
        Assert.All(cluster.Ids, p => Assert.Equal(cluster.Sent.Count, cluster.Delivered(p).Count));
        Assert.True(cluster.Check().AllPassed);
    }

    private static long Retransmissions(HostileCluster cluster) => cluster.Ids.Sum(p => cluster.Net.Nodes[p].Snapshot().Counters.Retransmissions);
}
