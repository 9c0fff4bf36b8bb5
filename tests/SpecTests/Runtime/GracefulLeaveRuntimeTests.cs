// Graceful leave over the real network (issue 18, item 3): NodeHost.StopAsync announces the leave.
// The token loss and consensus timeouts are set to 10 s, far longer than anything else here waits,
// so the survivors can install their ring without the leaver in time only because they heard it
// leave; the test asserts that cause (the fail line's "left", the survivors' "left":["p3"]), never a
// duration.
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Evs.Runtime.Files;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class GracefulLeaveRuntimeTests(ITestOutputHelper output)
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    [Fact]
    public async Task A_stopping_process_leaves_gracefully_and_the_two_others_install_their_ring_knowing_it_left()
    {
        await using var cluster = new RuntimeCluster(3, output, (_, options) => options with
        {
            Membership = RuntimeCluster.FastMembership with { TokenLossTimeoutMs = 10_000, ConsensusTimeoutMs = 10_000 },
        });
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        await cluster[P3].SendAsync("last words"u8.ToArray(), DeliveryService.Safe);

        var leaver = cluster[P3].Host;
        await cluster.StopAsync(P3);
        Assert.True(leaver.LeftGracefully);
        await cluster.WaitForRingAsync(P1, P2);

        var p3 = TraceFiles.ReadAll([cluster.TracePath(P3)]).Events;
        var fail = Assert.IsType<Fail>(p3[^1]);
        Assert.True(fail.Left);
        Assert.Contains(p3, e => e is Deliver d && d.Message.Name.StartsWith("p3.", StringComparison.Ordinal)); // it delivered its own message before leaving
        foreach (var survivor in new[] { P1, P2 })
        {
            var regular = TraceFiles.ReadAll([cluster.TracePath(survivor)]).Events.OfType<DeliverConf>().Last(c => c.Kind == ConfigurationKind.Regular);
            Assert.Equal([P1, P2], regular.Members.ToList());
            Assert.Equal([P3], regular.Left!.ToList());
        }
        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }
}
