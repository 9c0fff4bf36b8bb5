// Issue #17, as a prototyper met it: `Block(p3)` at p1 only (a cut between p1 and p3 that p2 does
// not see: p2 hears both, p1 and p3 hear p2 but not each other) made the ring re-form every 50 ms
// for as long as the block stayed. No ring can hold all three; the membership must settle with p1
// and p3 apart and install nothing more (Membership/HearingEvidence), merge all three again once
// p1 heals, and keep every specification. Processes in this test process, over UDP on 127.0.0.1.
using System.Text;
using Evs.Reference.Model;
using Evs.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class OneWayRuntimeTests(ITestOutputHelper output)
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    [Fact]
    public async Task A_block_at_one_node_only_settles_with_the_two_apart_and_a_heal_merges_all_three_again()
    {
        await using var cluster = new RuntimeCluster(3, output);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);

        cluster[P1].Block(P3);
        await cluster.AssertSettlesApartAsync(P1, P3);

        cluster[P1].Heal();
        await cluster.WaitForRingAsync(P1, P2, P3);
        await cluster[P3].SendAsync(Encoding.UTF8.GetBytes("after the heal"), DeliveryService.Safe);
        await cluster.WaitForQuiescenceAsync(P1, P2, P3);
        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }
}
