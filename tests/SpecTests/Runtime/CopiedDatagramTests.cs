// Tests of the real network against an attacker on the LAN who has no key (issue #13): it captures
// p1's datagrams and sends copies with p1's address, to their destination or to another member,
// while p1 runs, while it is down, and after it restarted; and a key holder sends joins as a
// process no one configured, over unicast and over multicast with a membership policy. Every copy
// is dropped and counted (replayed, misaddressed, stale), every ghost's packet too (unknown
// sender), the ring never changes, and no message is delivered twice.
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Runtime;
using Evs.Runtime.Storage;
using Evs.Runtime.Wire;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class CopiedDatagramTests(ITestOutputHelper output) : IDisposable
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3"), Ghost = new("ghost");

    private readonly string _keys = Directory.CreateTempSubdirectory("evs-key-").FullName;

    private string KeyPath => Path.Combine(_keys, "cluster.key");

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_keys, recursive: true);

    [Fact]
    public async Task Copies_of_p1s_datagrams_from_its_address_are_dropped_while_it_runs_while_it_is_down_and_after_it_restarted()
    {
        KeyFile.Generate(KeyPath);
        UdpRelay? relay = null;
        await using var cluster = new RuntimeCluster(3, output, (id, options) => options with { Bind = options.Peers[id], Peers = relay!.PeersSeenBy(id), KeyFile = KeyPath, Membership = RuntimeCluster.SteadyMembership });
        using var inFront = relay = new UdpRelay(P1, cluster.Addresses);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var ring = await RingOf(cluster, P1);
        int formed = relay.Captured.Count;
        await cluster[P1].SendAsync(Encoding.UTF8.GetBytes("to be copied"), DeliveryService.Agreed);
        foreach (var p in cluster.Ids) await cluster.WaitForDeliveriesAsync(p, 1);

        // Copies of what p1 sent p2 (its token, its broadcasts) once every process ran, so that p2 had
        // them all, to p2 and to p3, from p1's address. (One p2 never had, sent before it started, would
        // be new to it: a late datagram, not a copy; docs/WIRE.md.)
        var toP2 = relay.Captured.Skip(formed).Where(c => c.To == P2).Select(c => c.Datagram).ToList();
        Assert.NotEmpty(toP2);
        Resend(relay, toP2, P2, P3);
        await Eventually($"p2 drops all {toP2.Count} copies as replayed", () => Wire(cluster, P2).Replayed == toP2.Count);
        await Eventually("p3 drops them as replayed (broadcasts) or misaddressed (p2's tokens)",
            () => Wire(cluster, P3).Replayed + Wire(cluster, P3).Misaddressed == toP2.Count && Wire(cluster, P3).Misaddressed > 0);
        foreach (var p in cluster.Ids) Assert.Equal(ring, await RingOf(cluster, p));

        // p1 stops; copies of its datagrams, p1 absent, change nothing either.
        ulong firstRun = IncarnationFile.Read(Path.Combine(cluster.OptionsOf(P1).Store, IncarnationFile.FileName))!.Value;
        await cluster.StopAsync(P1);
        await cluster.WaitForRingAsync(P2, P3);
        var withoutP1 = await RingOf(cluster, P2);
        long replayed = Wire(cluster, P2).Replayed;
        Resend(relay, toP2, P2);
        await Eventually("p2 drops the copies of the absent p1's datagrams as replayed", () => Wire(cluster, P2).Replayed == replayed + toP2.Count);
        Assert.Equal(withoutP1, await RingOf(cluster, P2));
        Assert.Equal(withoutP1, await RingOf(cluster, P3));

        // p1 restarts in a later incarnation; the copies of its first run are now stale.
        await cluster.StartAsync(P1);
        await cluster.WaitForRingAsync(P1, P2, P3);
        Assert.True(IncarnationFile.Read(Path.Combine(cluster.OptionsOf(P1).Store, IncarnationFile.FileName)) > firstRun, "the restart advanced the incarnation");
        var rejoined = await RingOf(cluster, P1);
        long misaddressed = Wire(cluster, P3).Misaddressed;
        Resend(relay, toP2, P2, P3);
        await Eventually("p2 drops the first run's datagrams as stale, p3 as stale or misaddressed",
            () => Wire(cluster, P2).Stale == toP2.Count && Wire(cluster, P3).Stale + Wire(cluster, P3).Misaddressed - misaddressed == toP2.Count);

        int sent = await SendFromEachAsync(cluster, "after");
        foreach (var p in new[] { P2, P3 }) await cluster.WaitForDeliveriesAsync(p, 1 + sent);
        foreach (var p in cluster.Ids) Assert.Equal(rejoined, await RingOf(cluster, p));
        Assert.All([P2, P3], p => Assert.Equal(1 + sent, cluster.Delivered(p).Messages.Count));
        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task Joins_of_a_ghost_from_a_configured_address_are_dropped_as_from_an_unknown_sender_and_the_ring_stays()
    {
        var key = KeyFile.Generate(KeyPath);
        UdpRelay? relay = null;
        await using var cluster = new RuntimeCluster(3, output, (id, options) => options with { Bind = options.Peers[id], Peers = relay!.PeersSeenBy(id), KeyFile = KeyPath, Membership = RuntimeCluster.SteadyMembership });
        using var inFront = relay = new UdpRelay(P1, cluster.Addresses);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var ring = await RingOf(cluster, P1);

        // A key holder speaks as a process outside the peer list, from p1's address, every 100 ms.
        using var ghost = GhostWire(cluster, key);
        for (int i = 0; i < 10; i++)
        {
            foreach (var datagram in ghost.Encode([GhostJoin()], to: null))
                foreach (var peer in new[] { P2, P3 }) relay.SendAsTarget(peer, datagram);
            await Task.Delay(100);
        }
        await Eventually("p2 and p3 refuse each of the ghost's joins", () => cluster[P2].Host.Senders.Refused == 10 && cluster[P3].Host.Senders.Refused == 10);

        int sent = await SendFromEachAsync(cluster, "meanwhile");
        foreach (var p in cluster.Ids) await cluster.WaitForDeliveriesAsync(p, sent);
        foreach (var p in cluster.Ids) Assert.Equal(ring, await RingOf(cluster, p));
        Assert.Equal(0, cluster[P2].Host.Transport.Counters.WrongSource);
        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task Over_multicast_with_a_membership_policy_the_joins_of_a_process_outside_it_are_dropped_and_it_is_not_learned()
    {
        var key = KeyFile.Generate(KeyPath);
        var group = UdpClusterTests.UnusedGroup();
        var members = ImmutableSortedSet.Create(ProcessId.Ordinal, P1, P2, P3);
        await using var cluster = new RuntimeCluster(3, output, (id, options) => options with
        {
            Peers = new Dictionary<ProcessId, IPEndPoint>(),
            Bind = options.Peers[id],
            Multicast = new MulticastGroup(group, TimeToLive: 0),
            Members = members,
            KeyFile = KeyPath,
            Membership = RuntimeCluster.SteadyMembership,
        });
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var ring = await RingOf(cluster, P1);

        // The ghost, a key holder on a port of its own, sends its joins to the group.
        using var ghost = GhostWire(cluster, key);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.Loopback.GetAddressBytes());
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 0);
        for (int i = 0; i < 10; i++)
        {
            foreach (var datagram in ghost.Encode([GhostJoin()], to: null)) socket.SendTo(datagram, group);
            await Task.Delay(100);
        }
        await Eventually("every member refuses the ghost's joins", () => cluster.Ids.All(p => cluster[p].Host.Senders.Refused == 10));

        int sent = await SendFromEachAsync(cluster, "meanwhile");
        foreach (var p in cluster.Ids) await cluster.WaitForDeliveriesAsync(p, sent);
        foreach (var p in cluster.Ids)
        {
            Assert.Equal(ring, await RingOf(cluster, p));
            Assert.DoesNotContain(Ghost, cluster[p].Host.Transport.Peers);
        }
        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    // A wire format of the ghost's, holding the cluster's key.
    private static WireFormat GhostWire(RuntimeCluster cluster, byte[] key) =>
        new(new WireOptions(cluster.OptionsOf(P1).ClusterName, WireSecurity.AesGcm(key), Ghost, (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    // A join that, were it taken, would send every member gathering a membership with the ghost in it.
    private static JoinMessage GhostJoin() =>
        new(Ghost, new RingId(1000, Ghost), ImmutableSortedSet.Create(ProcessId.Ordinal, P1, P2, P3, Ghost), ImmutableSortedSet.Create<ProcessId>(ProcessId.Ordinal), HighestRingSequence: 1000);

    private static void Resend(UdpRelay relay, IEnumerable<byte[]> datagrams, params ProcessId[] to)
    {
        foreach (var datagram in datagrams)
            foreach (var peer in to) relay.SendAsTarget(peer, datagram);
    }

    private static WireCounters Wire(RuntimeCluster cluster, ProcessId p) => cluster[p].Host.WireCounters;

    private static async Task<RingId?> RingOf(RuntimeCluster cluster, ProcessId p) => (await cluster[p].GetStatusAsync()).Ring;

    // Two messages from each process; how many in all.
    private static async Task<int> SendFromEachAsync(RuntimeCluster cluster, string tag)
    {
        foreach (var p in cluster.Ids)
            for (int i = 0; i < 2; i++) await cluster[p].SendAsync(Encoding.UTF8.GetBytes($"{tag} {p} {i}"), DeliveryService.Agreed);
        return 2 * cluster.Ids.Length;
    }

    private static Task Eventually(string what, Func<bool> condition) => RuntimeCluster.WaitUntilAsync(what, () => Task.FromResult(condition()));
}
