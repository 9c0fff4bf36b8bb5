// Tests of the real network under attack (issue #13, item 6): a member that holds the key and
// forges packets, buggy or hostile, sending them from a member's address. The key makes them
// authentic; what they claim must still be judged. A number no correct member could have sent
// (a ring sequence near overflow, a message far beyond the token's, a token ahead of every
// message, retransmission requests for messages never sent) and a sender outside the peer list
// must be dropped, so that the ring goes on undisturbed: every message delivered, nothing forged
// delivered, memory and traffic bounded, and every specification holding on the traces.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Runtime.Storage;
using Xunit;
using Xunit.Abstractions;
using static SpecTests.Runtime.Attacks.AttackCluster;

namespace SpecTests.Runtime.Attacks;

[Collection(RuntimeCollection.Name)]
public sealed class ForgedPacketAttackTests(ITestOutputHelper output)
{
    // Ring sequences of a run of this project stay small; a forged one near 2^63 is far beyond this.
    private const long FarFromOverflow = 1L << 32;

    private const long ABillion = 1_000_000_000;

    [Fact]
    public async Task A_join_claiming_ring_sequence_2_to_the_63_minus_2_is_dropped_the_ring_stays_and_no_store_comes_near_the_overflow()
    {
        await using var attack = await AttackCluster.StartAsync(output);
        var ring = await attack.RingAsync();
        var mark = attack.Mark();

        // p2 tells p1 (the representative, who numbers the next ring) and p3 that it has seen ring
        // sequence 2^63 - 2, and says so in every join it sends while they gather: a ring formed on
        // its word would be numbered 2^63 - 1, and the one after it would overflow.
        var join = new JoinMessage(P2, ring, Set(P1, P2, P3), Set(), HighestRingSequence: long.MaxValue - 1);
        using (attack.Relay.Intercept(d => !ClaimNearOverflow(attack, d)))
        {
            attack.Forger.Send(join, P1);
            attack.Forger.Send(join, P3);
            await attack.FlushFromAsync(P2);
        }
        await attack.AssertNoMembershipChangeAsync(ring, mark);

        // Later membership changes still form rings of everyone who can: p3 leaves and comes back.
        await attack.StopAsync(P3);
        await attack.RingAsync();
        await attack.StartAsync(P3);
        await attack.RingAsync();
        var trace = await attack.FinishAsync();

        foreach (var p in attack.Cluster.Ids)
        {
            long stored = new FileStableStorage(attack.Cluster.OptionsOf(p).StoreDirectory!, syncToDisk: false).Load()!.HighestRingSequence;
            Assert.True(stored is > 0 and < FarFromOverflow, $"{p}'s store holds ring sequence {stored}");
        }
        var rings = trace.Events.OfType<DeliverConf>().Where(c => c.Kind == ConfigurationKind.Regular).Select(c => c.Conf.Name).Distinct().ToList();
        Assert.All(rings, name => Assert.InRange(RingSequence(name), 1, FarFromOverflow));
    }

    [Fact]
    public async Task A_flood_of_p1s_messages_numbered_from_a_billion_is_dropped_memory_stays_bounded_and_none_is_delivered_across_a_membership_change()
    {
        const int PayloadBytes = 200, AtLeast = 2_000;
        await using var attack = await AttackCluster.StartAsync(output);
        var ring = await attack.RingAsync();
        await attack.SendAsync("before", 5, P1, P2, P3);
        await attack.AssertDeliveredAsync("before", P1, P2, P3);
        var mark = attack.Mark();
        var before = new[] { P2, P3 }.ToDictionary(p => p, attack.DropsAt);

        // A key holder in the middle rides on p1's own datagrams to p2 and p3: each goes on resealed
        // under its own counter, with as many of p1's messages of the current ring, numbered from a
        // billion on, as fit. (Forged datagrams of their own would need counters ahead of p1's, which
        // would make p1's own stale: that silences p1, a different attack.) A process that kept them
        // would hold them all, and deliver them when the ring changes.
        var forged = new ConcurrentDictionary<ProcessId, int>();
        long next = ABillion;
        using (attack.Relay.Intercept(d =>
        {
            if (d.From != P1 || !attack.Forger.Replace(d, () => ForgedMessage(ring, Interlocked.Increment(ref next), PayloadBytes), out int added)) return true;
            forged.AddOrUpdate(d.To, added, (_, n) => n + added);
            return false;
        }))
        {
            for (int round = 0; forged.Values.DefaultIfEmpty(0).Min() < AtLeast; round++) await attack.SendAsync($"during {round}", 20, P1);
        }
        await attack.FlushFromAsync(P1);
        output.WriteLine($"forged messages carried: {string.Join(", ", forged.OrderBy(f => f.Key.Name).Select(f => $"to {f.Key} {f.Value}"))}");

        await attack.AssertNoMembershipChangeAsync(ring, mark);
        foreach (var p in new[] { P2, P3 })
        {
            var status = await attack.Cluster[p].GetStatusAsync();
            Assert.True(status.HighestSeen < ABillion, $"{p} took in message {status.HighestSeen} of its ring");
            // Each forged message is dropped as it arrives, never held: the buffer stays a window.
            Assert.Equal(forged[p], attack.DropsAt(p).Since(before[p]).Counts["out of bounds"]);
        }

        // The following membership change settles what p1 and p2 hold: none of it forged.
        await attack.StopAsync(P3);
        await attack.RingAsync();
        await attack.FinishAsync();
    }

    [Fact]
    public async Task A_token_with_its_seq_raised_by_a_million_is_dropped_and_deliveries_go_on()
    {
        await using var attack = await AttackCluster.StartAsync(output);
        var ring = await attack.RingAsync();
        await attack.SendAsync("before", 5, P1, P2, P3);
        await attack.AssertDeliveredAsync("before", P1, P2, P3);
        var mark = attack.Mark();

        // The next token p1 passes p2 reaches p2 second: first comes its copy with Seq a million higher.
        await attack.Relay.OnceAsync("a token from p1 to p2 forged", d => ForgeToken(attack, d, token => token with { Seq = token.Seq + 1_000_000 }), Settle);
        await attack.SendAsync("after", 10, P1, P2, P3);

        await attack.AssertDeliveredAsync("after", P1, P2, P3);
        await attack.AssertNoMembershipChangeAsync(ring, mark);
        await attack.FinishAsync();
    }

    [Fact]
    public async Task A_token_with_5000_fake_retransmission_requests_leaves_traffic_at_its_baseline_shortly_after()
    {
        await using var attack = await AttackCluster.StartAsync(output);
        double baseline = await attack.SettledRateAsync();

        // The next token p1 passes p2 reaches p2 second: first comes its copy asking for 5,000
        // messages that were never sent.
        await attack.Relay.OnceAsync("a token from p1 to p2 forged", d => ForgeToken(attack, d, token => token with
        {
            RetransmissionRequests = [.. Enumerable.Range(1, 5_000).Select(i => token.Seq + i)],
        }), Settle);
        await attack.SendAsync("after", 10, P1, P2, P3);

        await attack.AssertDeliveredAsync("after", P1, P2, P3);
        await attack.AssertTrafficBackToAsync(baseline);
        await attack.FinishAsync();
    }

    [Fact]
    public async Task Joins_from_a_ghost_outside_the_peer_list_every_100_ms_are_dropped_as_from_an_unknown_sender_and_change_no_membership()
    {
        const int Joins = 30;
        await using var attack = await AttackCluster.StartAsync(output);
        var ring = await attack.RingAsync();
        var mark = attack.Mark();
        var before = attack.Running.ToDictionary(p => p, attack.DropsAt);

        // "ghost" is in no process's peer list; its joins come from p1's address (to p2 and p3) and
        // from p2's (to p1), every 100 ms for 3 s, and ask for a ring of it and the three.
        var ghost = new ProcessId("ghost");
        var join = new JoinMessage(ghost, new RingId(ring.Sequence, ghost), Set(ghost, P1, P2, P3), Set(), ring.Sequence);
        await PacedAsync(Joins, perSecond: 10, _ =>
        {
            attack.Forger.Send(join, P2, from: P1);
            attack.Forger.Send(join, P3, from: P1);
            attack.Forger.Send(join, P1, from: P2);
        });
        await attack.FlushFromAsync(P1);
        await attack.FlushFromAsync(P2);

        await attack.AssertNoMembershipChangeAsync(ring, mark);
        foreach (var p in attack.Running) await attack.AssertDroppedAsync(p, before[p], Joins);
        await attack.FinishAsync();
    }

    // If `datagram` carries a token from p1 to p2, sends p2 the token `forge` makes of it (from p1's
    // address, before the relay forwards the genuine one) and says so.
    private static bool ForgeToken(AttackCluster attack, Captured datagram, Func<Token, Token> forge)
    {
        if (datagram.From != P1 || datagram.To != P2 || attack.Forger.Read(datagram).OfType<Token>().FirstOrDefault() is not { } token) return false;
        attack.Forger.Send(forge(token), P2);
        return true;
    }

    // If `datagram` carries a join of p2's, sends its packets on with every join claiming ring
    // sequence 2^63 - 2 (from p2's address, sealed with the key) and says so: the relay holds the original back.
    private static bool ClaimNearOverflow(AttackCluster attack, Captured datagram)
    {
        if (datagram.From != P2 || attack.Forger.Read(datagram) is not { } packets || !packets.OfType<JoinMessage>().Any()) return false;
        foreach (var packet in packets)
            attack.Forger.Send(packet is JoinMessage join ? join with { HighestRingSequence = long.MaxValue - 1 } : packet, datagram.To);
        return true;
    }

    private static RegularMessage ForgedMessage(RingId ring, long seq, int payloadBytes)
    {
        var payload = Encoding.UTF8.GetBytes($"forged {seq} ".PadRight(payloadBytes, '.'));
        return new RegularMessage(P1, ring, seq, MessageId.Of(P1, ring.Sequence, seq), P1, DeliveryService.Agreed, payload);
    }

    private static ImmutableSortedSet<ProcessId> Set(params ProcessId[] processes) => ImmutableSortedSet.Create(ProcessId.Ordinal, processes);

    private static long RingSequence(string regular) => long.Parse(regular[1..regular.IndexOf('.')]);
}
