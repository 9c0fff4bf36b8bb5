// Tests of the prototyper's API (issue 18) on the real network, over UDP on 127.0.0.1: a send's
// receipt and outcomes (delivered here, safe here, or lost when the process ends first, never a
// hang), the size limit on every path, the cause of every configuration change (a restart is told
// apart from a partition), handlers that stay subscribed and never run inside the application's
// own call, and the store's lock against a second node.
using System.Text;
using Evs.Reference.Model;
using Evs.Runtime;
using Evs.Runtime.Storage;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class FacadeTests(ITestOutputHelper output)
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    [Fact]
    public async Task A_send_returns_its_identifier_and_configuration_then_completes_as_delivered_here_and_a_safe_one_as_safe()
    {
        await using var cluster = new RuntimeCluster(3, output);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var configuration = cluster[P2].CurrentView!.Configuration;

        var agreed = await cluster[P2].SendAsync("agreed"u8.ToArray(), DeliveryService.Agreed);
        var safe = await cluster[P2].SendAsync("safe"u8.ToArray(), DeliveryService.Safe);

        Assert.Equal(configuration, agreed.Configuration);
        Assert.Equal(P2, agreed.Message.Sender);
        Assert.Equal(configuration.RingSequence, agreed.Message.RingSequence);
        Assert.Equal(agreed.Message.Counter + 1, safe.Message.Counter);
        Assert.Null(agreed.Safe);
        Assert.Equal(new MessageDeliveredHere(configuration, ConfigurationKind.Regular), await agreed.Delivered.WaitAsync(RuntimeCluster.Patience));
        Assert.Equal(new MessageDeliveredHere(configuration, ConfigurationKind.Regular), await safe.Safe!.WaitAsync(RuntimeCluster.Patience));
        Assert.Equal(await safe.Safe, await safe.Delivered);
        // The event stream the recorder reads is its own, read on its own thread: it may come a little after the outcome.
        await cluster.WaitForDeliveriesAsync(P2, 2);
        var delivered = cluster.Delivered(P2).Messages.Where(m => m.Sender == P2).Select(m => m.Message);
        Assert.Equal([agreed.Message, safe.Message], delivered);

        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task Safe_sends_of_a_process_cut_off_from_the_others_end_as_lost_when_it_crashes_and_none_hangs()
    {
        await using var cluster = new RuntimeCluster(3, output);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);

        cluster[P3].Isolate();
        var sends = Enumerable.Range(0, 5).Select(i => cluster[P3].SendAsync(Encoding.UTF8.GetBytes($"cut off {i}"), DeliveryService.Safe)).ToList();
        await cluster.CrashAsync(P3);

        foreach (var send in sends)
        {
            // Still waiting for the token when the process crashed: never sent. Or sent (it held the
            // token), and then never safe: the others could not acknowledge it.
            var lost = await LostAsync(send);
            Assert.Contains("p3 crashed before the message was", lost);
        }
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused_by_the_node_and_by_the_host_inside_it()
    {
        await using var cluster = new RuntimeCluster(1, output);
        var node = await cluster.StartAsync(P1);
        var large = new byte[node.Host.Options.MaxMessageBytes + 1];

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => node.SendAsync(large, DeliveryService.Agreed));
        Assert.Contains($"a message of {large.Length} bytes is larger than the maximum", refused.Message);
        await Assert.ThrowsAsync<ArgumentException>(async () => await node.Host.SendAsync(large, DeliveryService.Agreed));
        Assert.Null(node.Host.Fault);
    }

    [Fact]
    public async Task Every_configuration_says_who_joined_who_left_and_why_and_a_restart_is_told_apart_from_a_partition()
    {
        await using var cluster = new RuntimeCluster(3, output);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var first = cluster[P1].CurrentView!;
        Assert.Equal(ChangeCause.Started, Regulars(cluster, P1).First().Cause);
        Assert.Equal<ProcessId>(Regulars(cluster, P1).First().Members, Regulars(cluster, P1).First().Joined);
        Assert.DoesNotContain(Regulars(cluster, P1).Skip(1), v => v.Cause is ChangeCause.Started or ChangeCause.Recovered);

        cluster[P3].Isolate();
        cluster[P1].Block(P3);
        cluster[P2].Block(P3);
        await cluster.WaitForRingAsync(P1, P2);
        var apart = cluster[P1].CurrentView!;
        Assert.Equal(ChangeCause.Unreachable, apart.Cause);
        Assert.Equal<ProcessId>([P3], apart.Left);
        Assert.Empty(apart.Joined);
        Assert.Empty(apart.LeftGracefully);
        var transitional = Assert.Single(Views(cluster, P1), v => v.Kind == ConfigurationKind.Transitional && v.PreviousRegular == first.Configuration);
        Assert.Equal(ChangeCause.Unreachable, transitional.Cause);
        Assert.Equal<ProcessId>([P3], transitional.Left);

        foreach (var p in cluster.Ids) cluster[p].Heal();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var healed = cluster[P1].CurrentView!;
        Assert.Equal(ChangeCause.Merged, healed.Cause);
        Assert.Equal<ProcessId>([P3], healed.Joined);
        Assert.Empty(healed.Left);

        await cluster.CrashAsync(P2);
        await cluster.StartAsync(P2);
        await cluster.WaitForRingAsync(P1, P2, P3);
        var recovered = Regulars(cluster, P2).SkipWhile(v => v.Configuration != healed.Configuration).Skip(1).First();
        Assert.Equal((ChangeCause.Recovered, healed.Configuration), (recovered.Cause, recovered.FailedIn));
        Assert.Equal<ProcessId>([P2], recovered.Members);
        Assert.Equal(ChangeCause.Merged, cluster[P2].CurrentView!.Cause);
        Assert.Equal<ProcessId>([P1, P3], cluster[P2].CurrentView!.Joined);

        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task Handlers_never_run_inside_the_application_s_own_send_even_at_the_representative()
    {
        await using var cluster = new RuntimeCluster(3, output);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var insideSend = new ThreadLocal<bool>();
        int inline = 0, own = 0;
        using var handler = cluster[P1].OnEvent(e =>
        {
            if (insideSend.Value) Interlocked.Increment(ref inline);
            if (e is MessageDeliveredEvent { Sender: var sender } && sender == P1) Interlocked.Increment(ref own);
        });

        for (int i = 0; i < 20; i++)
        {
            insideSend.Value = true;
            var send = cluster[P1].SendAsync(Encoding.UTF8.GetBytes($"own {i}"), DeliveryService.Agreed);
            insideSend.Value = false;
            await (await send).Delivered;
        }
        await RuntimeCluster.WaitUntilAsync("p1's handler has its 20 deliveries", () => Task.FromResult(Volatile.Read(ref own) == 20));

        Assert.Equal(0, inline);
        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task A_second_node_on_a_running_node_s_store_is_refused_and_the_first_runs_on()
    {
        await using var cluster = new RuntimeCluster(1, output);
        var node = await cluster.StartAsync(P1);
        var second = cluster.OptionsOf(P1) with { Bind = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), TracePath = null };

        var refused = await Assert.ThrowsAsync<StableStorageException>(() => EvsNode.StartAsync(second));
        Assert.Contains("another process is running on this store", refused.Message);
        Assert.True((await node.GetStatusAsync()).Running);
        Assert.NotNull((await node.SendAsync("still here"u8.ToArray(), DeliveryService.Agreed)).Message.Sender);
    }

    // The reason a send was lost, whether it never got its receipt or its safe delivery never came.
    private static async Task<string> LostAsync(Task<SendReceipt> send)
    {
        try
        {
            var receipt = await send.WaitAsync(RuntimeCluster.Patience);
            return Assert.IsType<MessageLost>(await receipt.Safe!.WaitAsync(RuntimeCluster.Patience)).Reason;
        }
        catch (MessageLostException lost)
        {
            return lost.Reason;
        }
    }

    private static IEnumerable<View> Views(RuntimeCluster cluster, ProcessId p) =>
        cluster.Delivered(p).Events.OfType<ConfigurationChangedEvent>().Select(c => c.View);

    private static IEnumerable<View> Regulars(RuntimeCluster cluster, ProcessId p) =>
        Views(cluster, p).Where(v => v.Kind == ConfigurationKind.Regular);
}
