// Tests of the real network: the same protocol as in the simulator, now over UDP sockets on
// 127.0.0.1 with real timers, files for stable storage and one trace file per process. Each test
// ends by stopping the cluster quiescent and handing the traces to the specification checker.
using System.Text;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.Tracing;
using Evs.Runtime;
using Evs.Runtime.Files;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class UdpClusterTests(ITestOutputHelper output)
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");
    private static readonly DeliveryService[] Services = [DeliveryService.Causal, DeliveryService.Agreed, DeliveryService.Safe];

    [Fact]
    public async Task Three_processes_form_one_ring_and_deliver_every_service_in_one_order()
    {
        await using var cluster = new RuntimeCluster(3, output);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);

        int sent = await SendFromEachAsync(cluster, [P1, P2, P3], perProcess: 12, tag: "a");
        foreach (var p in cluster.Ids) await cluster.WaitForDeliveriesAsync(p, sent);

        var orders = cluster.Ids.Select(p => cluster.Delivered(p).Messages.Select(m => m.Message).ToList()).ToList();
        Assert.All(orders, order => Assert.Equal(orders[0], order));
        var first = cluster.Delivered(P1).Messages;
        Assert.Equal(Services.ToHashSet(), first.Select(m => m.Service).ToHashSet());
        Assert.All(first, m => Assert.StartsWith($"a {m.Sender} ", Encoding.UTF8.GetString(m.Payload.Span)));

        await cluster.StopQuiescentAsync();
        var trace = cluster.CheckTraces();
        Assert.True(trace.Header.Quiescent);
        Assert.Equal("udp", trace.Header.Source);
        Assert.Equal(3 * sent, trace.Events.OfType<Deliver>().Count());
    }

    [Fact]
    public async Task Stopped_and_crashed_processes_restart_from_their_stores_and_their_traces_go_on_with_a_fail_line()
    {
        await using var cluster = new RuntimeCluster(3, output);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        await SendFromEachAsync(cluster, [P1, P2, P3], perProcess: 3, tag: "before");
        await cluster.WaitForQuiescenceAsync(P1, P2, P3);

        // A stop traces the fail line at once; the restart adds none.
        await cluster.StopAsync(P3);
        var p3Stopped = EventsOf(cluster, P3);
        var p3Fail = Assert.IsType<Fail>(p3Stopped[^1]);
        Assert.Equal(p3Stopped.OfType<DeliverConf>().Last().Conf, p3Fail.Conf);
        await cluster.WaitForRingAsync(P1, P2);
        await SendFromEachAsync(cluster, [P1, P2], perProcess: 3, tag: "during");
        await cluster.StartAsync(P3);
        await cluster.WaitForRingAsync(P1, P2, P3);
        AssertRestartedAlone(EventsOf(cluster, P3)[p3Stopped.Count], p3Fail.Conf);

        // A crash traces nothing; the restart traces the fail line of the configuration it was in.
        await cluster.CrashAsync(P2);
        var p2Crashed = EventsOf(cluster, P2);
        var p2Last = p2Crashed.OfType<DeliverConf>().Last().Conf;
        Assert.IsNotType<Fail>(p2Crashed[^1]);
        await cluster.WaitForRingAsync(P1, P3);
        await cluster.StartAsync(P2);
        await cluster.WaitForRingAsync(P1, P2, P3);
        var p2Restarted = EventsOf(cluster, P2);
        Assert.Equal(p2Last, Assert.IsType<Fail>(p2Restarted[p2Crashed.Count]).Conf);
        AssertRestartedAlone(p2Restarted[p2Crashed.Count + 1], p2Last);

        await SendFromEachAsync(cluster, [P1, P2, P3], perProcess: 3, tag: "after");
        await cluster.WaitForQuiescenceAsync(P1, P2, P3);
        await Eventually("p3 delivers messages sent after it restarted", () => cluster.Delivered(P3).Messages.Any(m => Encoding.UTF8.GetString(m.Payload.Span).StartsWith("after ")));

        // p1 fails for good; the run still ends quiescent, with p2 and p3 in the last ring.
        await cluster.StopAsync(P1);
        await cluster.WaitForRingAsync(P2, P3);
        await cluster.StopQuiescentAsync();
        var trace = cluster.CheckTraces();
        Assert.True(trace.Header.Quiescent);
        foreach (var p in cluster.Ids)
        {
            var indices = trace.Events.Where(e => e.Process == p).Select(e => e.Index).Order().ToList();
            Assert.Equal(Enumerable.Range(0, indices.Count).Select(i => (long)i), indices);
        }
    }

    [Fact]
    public async Task A_partition_made_with_block_splits_the_ring_and_healing_merges_it()
    {
        await using var cluster = new RuntimeCluster(3, output, (_, options) => options with { PrimaryComponent = "majority" });
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);

        cluster[P1].Block(P3);
        cluster[P2].Block(P3);
        cluster[P3].Isolate();
        await cluster.WaitForRingAsync(P1, P2);
        await cluster.WaitForRingAsync(P3);
        await SendFromEachAsync(cluster, [P1, P2], perProcess: 4, tag: "majority");
        await SendFromEachAsync(cluster, [P3], perProcess: 4, tag: "minority");
        await cluster.WaitForQuiescenceAsync(P1, P2);
        await cluster.WaitForQuiescenceAsync(P3);
        await Eventually("p1 and p2, two of three, are a primary component", () => LastRegular(cluster, P1) is { Primary: true, Members.Length: 2 });
        await Eventually("p3, one of three, is not", () => LastRegular(cluster, P3) is { Primary: false, Members.Length: 1 });
        await Eventually("p3 delivers its own messages", () => cluster.Delivered(P3).Messages.Any(m => m.Sender == P3));
        Assert.DoesNotContain(cluster.Delivered(P1).Messages, m => m.Sender == P3);
        Assert.All(cluster.Delivered(P3).Messages, m => Assert.Equal(P3, m.Sender));

        foreach (var p in cluster.Ids) cluster[p].Heal();
        await cluster.WaitForRingAsync(P1, P2, P3);
        await SendFromEachAsync(cluster, [P1, P2, P3], perProcess: 4, tag: "healed");
        await cluster.WaitForQuiescenceAsync(P1, P2, P3);
        await Eventually("p3 delivers p1's messages", () => cluster.Delivered(P3).Messages.Any(m => m.Sender == P1));
        Assert.True(cluster[P1].Host.Traffic.DroppedOut > 0 && cluster[P3].Host.Traffic.DroppedOut > 0, "the cut dropped datagrams on both sides");

        await Eventually("merged again, the three are a primary component", () => LastRegular(cluster, P3) is { Primary: true, Members.Length: 3 });

        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task Over_loopback_multicast_processes_learn_each_other_and_deliver_in_one_order()
    {
        var group = UnusedGroup();
        await using var cluster = new RuntimeCluster(3, output, (_, options) => options with
        {
            Peers = new Dictionary<ProcessId, System.Net.IPEndPoint>(),
            Bind = options.Peers[options.Id],
            Multicast = new MulticastGroup(group, TimeToLive: 0),
        });
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        Assert.IsType<UdpMulticastTransport>(cluster[P1].Host.Transport);

        int sent = await SendFromEachAsync(cluster, [P1, P2, P3], perProcess: 6, tag: "m");
        foreach (var p in cluster.Ids) await cluster.WaitForDeliveriesAsync(p, sent);
        var orders = cluster.Ids.Select(p => cluster.Delivered(p).Messages.Select(m => m.Message).ToList()).ToList();
        Assert.All(orders, order => Assert.Equal(orders[0], order));
        Assert.Equal(2, cluster[P1].Host.Transport.Peers.Count);

        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task A_copy_of_a_configured_peers_datagram_from_another_port_is_dropped_and_redirects_nothing()
    {
        // An attacker on the LAN needs no key for this: it captures one of p2's broadcasts and sends
        // it again to the group from a port of its own. Were p2's address learned from it, p1 and p3
        // would pass the token to the attacker, and the ring would break on every copy. A copy, and
        // one the attacker gives a counter p2 has not used yet (this cluster is open), is dropped
        // before it is read: its header names p2, a member of the ring known at another address
        // (docs/BAD-PEERS.md, a second process with one identifier), so it moves no replay window.
        var group = UnusedGroup();
        await using var cluster = new RuntimeCluster(3, output, (_, options) => options with
        {
            Bind = options.Peers[options.Id],
            Multicast = new MulticastGroup(group, TimeToLive: 0),
        });
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var ring = (await cluster[P1].GetStatusAsync()).Ring;

        using var listener = MulticastListener(group);
        await cluster[P2].SendAsync(Encoding.UTF8.GetBytes("to be copied"), DeliveryService.Agreed);
        byte[] captured = await CaptureFromAsync(listener, cluster.Addresses[P2]);
        using var attacker = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        attacker.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        attacker.SetSocketOption(System.Net.Sockets.SocketOptionLevel.IP, System.Net.Sockets.SocketOptionName.MulticastInterface, System.Net.IPAddress.Loopback.GetAddressBytes());
        attacker.SetSocketOption(System.Net.Sockets.SocketOptionLevel.IP, System.Net.Sockets.SocketOptionName.MulticastTimeToLive, 0);
        for (int i = 0; i < 5; i++) attacker.SendTo(captured, group);
        for (int i = 0; i < 5; i++) attacker.SendTo(WithCounterAhead(captured, 2000 + (ulong)i), group);

        int sent = await SendFromEachAsync(cluster, [P1, P2, P3], perProcess: 3, tag: "after");
        foreach (var p in cluster.Ids) await cluster.WaitForDeliveriesAsync(p, sent + 1);
        Assert.Equal(ring, (await cluster[P1].GetStatusAsync()).Ring); // the ring never broke
        await Eventually("p1 and p3 dropped the copies and the fresh ones as from the wrong source, unread",
            () => new[] { P1, P3 }.All(p => cluster[p].Host.Transport.Counters.WrongSource == 10 && cluster[p].Host.WireCounters.Dropped == 0));

        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task A_process_that_sends_on_an_idle_ring_asks_the_representative_to_release_the_held_token()
    {
        // The hold is long (45 ms, just under half the fast token retransmission timeout) so that the
        // token is held, not still on its way round, when the application sends.
        await using var cluster = new RuntimeCluster(3, output, (_, options) => options with { IdleTokenHoldMs = 45 });
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        async Task<OrderingCounters> Counters(ProcessId p) => (await cluster[p].Host.GetStatusAsync()).Counters!;

        for (int i = 0; i < 5; i++)
        {
            long holds = (await Counters(P1)).TokenHolds;
            await RuntimeCluster.WaitUntilAsync("p1, the representative, holds the idle token again", async () => (await Counters(P1)).TokenHolds > holds);
            await cluster[P3].SendAsync(Encoding.UTF8.GetBytes($"idle {i}"), DeliveryService.Agreed);
            await cluster.WaitForDeliveriesAsync(P3, i + 1);
        }
        Assert.True((await Counters(P3)).HoldCancelsSent > 0, "p3 sent after passing on an idle token, so it asked for the token");
        Assert.True((await Counters(P1)).HoldsReleasedOnRequest > 0, "p1 let a held token go when asked");
        Assert.Equal(0, (await Counters(P1)).HoldCancelsSent);

        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task A_lone_process_delivers_its_own_messages_and_refuses_one_too_large()
    {
        await using var cluster = new RuntimeCluster(1, output, (_, options) => options with { MaxMessageBytes = 1000 });
        var node = await cluster.StartAsync(P1);
        await cluster.WaitForRingAsync(P1);

        var refused = await Assert.ThrowsAsync<ArgumentException>(async () => await node.SendAsync(new byte[1001], DeliveryService.Agreed));
        Assert.Contains("larger than the maximum of 1000 bytes", refused.Message);
        await node.SendAsync(new byte[1000], DeliveryService.Safe);
        await cluster.WaitForDeliveriesAsync(P1, 1);
        Assert.True((await node.Host.GetStatusAsync()).Counters!.TokenHolds > 0, "an idle ring of one holds its token rather than spinning");

        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    // Each of the processes sends perProcess messages, the services in turn; returns how many in all.
    [Fact]
    public async Task An_event_handler_sees_the_current_configuration_then_every_event_in_the_order_of_the_event_stream_and_a_throwing_one_stays_and_is_reported()
    {
        await using var cluster = new RuntimeCluster(3, output);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);

        var handled = new System.Collections.Concurrent.ConcurrentQueue<EvsNodeEvent>();
        int thrown = 0;
        using var handler = cluster[P2].OnEvent(handled.Enqueue);
        using var faulty = cluster[P2].OnEvent(e =>
        {
            if (e is not MessageDeliveredEvent) return;
            Interlocked.Increment(ref thrown);
            throw new InvalidOperationException("an application bug");
        });
        int before = cluster.Delivered(P2).Events.Count;
        int sent = await SendFromEachAsync(cluster, [P1, P2, P3], perProcess: 6, tag: "h");
        await cluster.WaitForDeliveriesAsync(P2, sent);
        await Eventually("the handler has every message and every failure", () =>
            handled.OfType<MessageDeliveredEvent>().Count() == sent && handled.OfType<HandlerFailedEvent>().Count() == sent);

        var first = Assert.IsType<ConfigurationChangedEvent>(handled.First());
        Assert.Equal(ConfigurationKind.Regular, first.Kind);
        Assert.Equal(3, first.Members.Length);
        Assert.Equal(cluster.Delivered(P2).Events.Skip(before).Where(e => e is not HandlerFailedEvent), handled.Skip(1).Where(e => e is not HandlerFailedEvent));
        Assert.Equal(sent, thrown);
        Assert.All(handled.OfType<HandlerFailedEvent>(), f => Assert.Equal("an application bug", f.Exception.Message));
        await Eventually("the event stream is told of every failure too", () => cluster.Delivered(P2).Events.OfType<HandlerFailedEvent>().Count() == sent);
        Assert.Contains(cluster.Logged, line => line.Contains("p2: an event handler threw on MessageDeliveredEvent; it stays subscribed"));

        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    private static async Task<int> SendFromEachAsync(RuntimeCluster cluster, ProcessId[] senders, int perProcess, string tag)
    {
        foreach (var p in senders)
            for (int i = 0; i < perProcess; i++)
                await cluster[p].SendAsync(Encoding.UTF8.GetBytes($"{tag} {p} {i}"), Services[i % Services.Length]);
        return senders.Length * perProcess;
    }

    // A group of the organisation-local scope, picked at random so that test runs on one machine
    // do not hear each other, with a port that was free a moment ago.
    internal static System.Net.IPEndPoint UnusedGroup() =>
        new(new System.Net.IPAddress([239, 255, (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(1, 255)]), RuntimeCluster.FreeLoopbackPorts(1)[0]);

    // A socket that hears the group's datagrams on loopback, as any program on the machine may.
    private static System.Net.Sockets.Socket MulticastListener(System.Net.IPEndPoint group)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        socket.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.ReuseAddress, true);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Any, group.Port));
        socket.SetSocketOption(System.Net.Sockets.SocketOptionLevel.IP, System.Net.Sockets.SocketOptionName.AddMembership, new System.Net.Sockets.MulticastOption(group.Address, System.Net.IPAddress.Loopback));
        return socket;
    }

    // The first datagram the listener hears from source.
    private static async Task<byte[]> CaptureFromAsync(System.Net.Sockets.Socket listener, System.Net.IPEndPoint source)
    {
        var buffer = new byte[65536];
        using var patience = new CancellationTokenSource(RuntimeCluster.Patience);
        while (true)
        {
            var heard = await listener.ReceiveFromAsync(buffer, new System.Net.IPEndPoint(System.Net.IPAddress.Any, 0), patience.Token);
            if (source.Equals(heard.RemoteEndPoint)) return buffer[..heard.ReceivedBytes];
        }
    }

    // An open cluster's datagram with its sender's counter moved ahead by skip (docs/WIRE.md, "Datagram header"): new to every receiver.
    private static byte[] WithCounterAhead(byte[] datagram, ulong skip)
    {
        var header = Evs.Runtime.Wire.DatagramHeader.Read(datagram)!.Value;
        var changed = datagram.ToArray();
        int counterAt = 8 + header.ClusterName.Length + 1 + header.Sender.Name.Length + 8;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(changed.AsSpan(counterAt), header.Counter + skip);
        return changed;
    }

    // The recorders read the processes' events on their own: what a process has delivered shows there a moment later.
    private static Task Eventually(string what, Func<bool> condition) => RuntimeCluster.WaitUntilAsync(what, () => Task.FromResult(condition()));

    private static ConfigurationChangedEvent? LastRegular(RuntimeCluster cluster, ProcessId p) =>
        cluster.Delivered(p).Events.OfType<ConfigurationChangedEvent>().LastOrDefault(c => c.Kind == ConfigurationKind.Regular);

    private static List<EvsEvent> EventsOf(RuntimeCluster cluster, ProcessId p) =>
        TraceFiles.Read(cluster.TracePath(p)).Events.OrderBy(e => e.Index).ToList();

    // A restarted process first delivers a configuration of itself alone, on a ring whose sequence
    // number exceeds every one it saw before (docs/TRACE.md).
    private static void AssertRestartedAlone(EvsEvent first, ConfigurationId before)
    {
        var singleton = Assert.IsType<DeliverConf>(first);
        Assert.Equal([singleton.Process], singleton.Members.ToArray());
        Assert.True(RingSequence(singleton.Conf) > RingSequence(before), $"{singleton.Conf} must come after {before}");
    }

    private static long RingSequence(ConfigurationId regular) => long.Parse(regular.Name[1..regular.Name.IndexOf('.')]);
}
