// Tests of the attack harness itself. The attack tests pass when what the attacker sends is
// dropped; they would pass just as well if the harness sent nothing a process could take in. So
// the man in the middle must be invisible while it only carries datagrams, must see all of them,
// and what the forger seals must be taken as authentic (the wire format's checks it must pass
// change with the wire's version, and the forger with them).
using System.Text;
using Evs.Reference.Ordering;
using Xunit;
using Xunit.Abstractions;
using static SpecTests.Runtime.Attacks.AttackCluster;

namespace SpecTests.Runtime.Attacks;

[Collection(RuntimeCollection.Name)]
public sealed class AttackHarnessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Through_the_relay_the_ring_works_as_without_it_every_datagram_is_captured_and_a_packet_the_forger_seals_is_taken_as_authentic()
    {
        await using var attack = await AttackCluster.StartAsync(output);
        var ring = await attack.RingAsync();
        var mark = attack.Mark();
        var before = attack.Running.ToDictionary(p => p, attack.DropsAt);
        await attack.SendAsync("plain", 10, P1, P2, P3);
        await attack.AssertDeliveredAsync("plain", P1, P2, P3);
        await attack.AssertNoMembershipChangeAsync(ring, mark);
        foreach (var p in attack.Running) Assert.Equal(0, attack.DropsAt(p).Since(before[p]).Total);

        // The token went round p1 -> p2 -> p3 -> p1 through the relay, and each message to both others.
        foreach (var (from, to) in new[] { (P1, P2), (P2, P3), (P3, P1) })
            Assert.Equal(ring, attack.Forger.Latest<Token>(from, to)?.Ring);
        var carried = attack.Forger.Find<RegularMessage>()
            .Where(c => Encoding.UTF8.GetString(c.Packet.Payload).StartsWith("plain ", StringComparison.Ordinal))
            .Select(c => (c.Packet.Id, c.Datagram.To)).Distinct().Count();
        Assert.Equal(2 * attack.SentWith("plain"), carried);

        // p1's last message, sealed again by the forger and sent to p2 from p1's address: p2 takes it
        // in as authentic, and finds it a duplicate.
        var message = attack.Forger.Latest<RegularMessage>(P1, P2)!;
        long duplicates = (await attack.Cluster[P2].GetStatusAsync()).Counters!.DuplicateMessages;
        attack.Forger.Send(message, P2);
        await attack.FlushFromAsync(P1);
        Assert.Equal(duplicates + 1, (await attack.Cluster[P2].GetStatusAsync()).Counters!.DuplicateMessages);

        await attack.FinishAsync();
    }
}
