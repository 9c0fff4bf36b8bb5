// Tests of the real network with a peer that is wrong (issue #17, item 4; docs/BAD-PEERS.md): a
// node whose wall clock jumps, a node restarted with another key, a second process with a live
// process's identifier, a node of another cluster name or wire version, and peer lists that
// disagree. Each time the node that is wrong says so in its log, the others count what they drop
// and name the peer, the processes configured alike keep their ring, and the traces pass the
// specification checker. Processes in this test process, over UDP on 127.0.0.1, on free ports.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Evs.Reference.Checking;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Runtime;
using Evs.Runtime.Files;
using Evs.Runtime.Wire;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class BadPeerTests(ITestOutputHelper output) : IDisposable
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    private readonly string _directory = Directory.CreateTempSubdirectory("evs-bad-peers-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_wall_clock_set_an_hour_ahead_then_a_day_back_moves_the_trace_times_but_not_the_ring_and_timers_still_fire()
    {
        var clocks = new[] { P1, P2, P3 }.ToDictionary(p => p, _ => new JumpingClock());
        await using var cluster = new RuntimeCluster(3, output, (id, options) => options with { Time = clocks[id], Membership = RuntimeCluster.SteadyMembership });
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var ring = await RingOf(cluster, P1);

        // An hour ahead at p1 and p2: a timer whose deadline were wall-clock time would fire at once
        // (a token loss); a day back: it would not fire for a day. Each is held for two token loss
        // timeouts, with traffic, and the ring stays.
        var holding = TimeSpan.FromMilliseconds(2 * RuntimeCluster.SteadyMembership.TokenLossTimeoutMs);
        int sent = 0;
        foreach (var offset in new[] { TimeSpan.FromHours(1), TimeSpan.FromDays(-1) })
        {
            clocks[P1].Offset = clocks[P2].Offset = offset;
            sent += await SendFromEachAsync(cluster, [P1, P2, P3], $"at {offset}");
            foreach (var p in cluster.Ids) await cluster.WaitForDeliveriesAsync(p, sent);
            await Task.Delay(holding);
            foreach (var p in cluster.Ids) Assert.Equal(ring, await RingOf(cluster, p));
        }

        // Still a day back, p3 stops: p1's and p2's token loss and consensus timers fire as ever.
        await cluster.StopAsync(P3);
        await cluster.WaitForRingAsync(P1, P2);
        await cluster.StopQuiescentAsync();
        var trace = cluster.CheckTraces();

        // The jumps are in p1's trace times (wall-clock time, for people and plots): an hour ahead, then a day back.
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var p1Times = trace.Events.Where(e => e.Process == P1).Select(e => e.Time).ToList();
        Assert.Contains(p1Times, t => t > now + TimeSpan.FromMinutes(50).TotalMilliseconds);
        Assert.Contains(p1Times, t => t < now - TimeSpan.FromHours(23).TotalMilliseconds);
    }

    [Fact]
    public async Task A_node_restarted_with_another_key_says_its_key_differs_and_the_others_name_it_and_count_its_datagrams()
    {
        string clusterKey = Path.Combine(_directory, "cluster.key"), otherKey = Path.Combine(_directory, "other.key");
        KeyFile.Generate(clusterKey);
        KeyFile.Generate(otherKey);
        var keys = new Dictionary<ProcessId, string> { [P1] = clusterKey, [P2] = clusterKey, [P3] = clusterKey };
        await using var cluster = new RuntimeCluster(3, output, (id, options) => options with { KeyFile = keys[id] });

        await RestartP3DifferentlyAsync(cluster, () => keys[P3] = otherKey);

        await Logged(cluster, "Error: p3: the datagrams of every peer (p1, p2) fail authentication and not one has passed: this node's key differs from theirs. "
            + "Give it the cluster's key file (the one evs keygen wrote, copied to every node) and restart it");
        await AssertNamedAndCountedAsync(cluster, "they fail authentication with this node's key: p3's key differs from this node's (or someone forges its datagrams)",
            p => p.Unauthenticated, host => host.WireCounters.Unauthenticated);
        await EndWithoutP3Async(cluster);
    }

    [Fact]
    public async Task A_node_restarted_with_another_cluster_name_says_its_name_is_not_theirs_and_the_others_name_it_and_count_its_datagrams()
    {
        string? p3Cluster = null;
        await using var cluster = new RuntimeCluster(3, output, (id, options) => id == P3 && p3Cluster is { } name ? options with { ClusterName = name } : options);
        string theirs = cluster.OptionsOf(P1).ClusterName;

        await RestartP3DifferentlyAsync(cluster, () => p3Cluster = "another");

        await Logged(cluster, $"Error: p3: every peer (p1, p2) sends datagrams of cluster \"{theirs}\" and not one has passed: this node's cluster name \"another\" is not theirs. Restart it with theirs (--cluster)");
        await AssertNamedAndCountedAsync(cluster, $"they are of cluster \"another\", this node's is \"{theirs}\": every node of a cluster needs the same cluster name (--cluster)",
            p => p.OtherCluster, host => host.WireCounters.OtherCluster);
        await EndWithoutP3Async(cluster);
    }

    [Fact]
    public async Task Datagrams_of_wire_version_2_from_the_peers_addresses_are_counted_and_told_once_per_peer_and_the_node_says_it_is_the_odd_one_out()
    {
        await using var cluster = new RuntimeCluster(3, output);
        await cluster.StartAsync(P1);
        await cluster.WaitForRingAsync(P1);

        // p2 and p3 do not run: in their places, sockets on their addresses send what a node of
        // wire version 2 would (a version 3 datagram with its version byte changed), ten each.
        using var p2 = new UdpClient(cluster.Addresses[P2]);
        using var p3 = new UdpClient(cluster.Addresses[P3]);
        using var wire = new WireFormat(new WireOptions(cluster.OptionsOf(P1).ClusterName, WireSecurity.None, P2, 1));
        var datagram = wire.Encode([new MergeDetect(P2, new RingId(1, P2))], to: null).Single();
        datagram[DatagramHeader.VersionOffset] = 2;
        for (int i = 0; i < 10; i++)
            foreach (var socket in new[] { p2, p3 }) await socket.SendAsync(datagram, cluster.Addresses[P1]);

        await Eventually("p1 counts all twenty as of another version", () => cluster[P1].Host.WireCounters.WrongVersion == 20);
        await Logged(cluster, "Error: p1: every peer (p2, p3) speaks wire version 2, this node version 3, and not one datagram has passed: run the evs release they run");
        foreach (var peer in new[] { P2, P3 })
        {
            string told = $"Warning: p1 drops datagrams from {peer} at {cluster.Addresses[peer]}: they are of wire version 2, this node's is 3: every node needs the same wire version (the same evs release)";
            Assert.Single(cluster.Logged, l => l.StartsWith(told, StringComparison.Ordinal));
        }
        Assert.Equal([new MismatchedPeer("p2", 0, 0, 10), new MismatchedPeer("p3", 0, 0, 10)], cluster[P1].Host.Mismatches.Peers);

        await cluster.StopQuiescentAsync();
        var report = SpecificationChecker.Check(TraceFiles.ReadAll([cluster.TracePath(P1)]));
        Assert.True(report.AllPassed, report.ToString());
    }

    [Fact]
    public async Task A_second_p2_cannot_start_on_p2s_address_and_at_another_address_the_others_drop_it_and_say_so_while_the_live_p2_keeps_its_ring()
    {
        await using var cluster = new RuntimeCluster(3, output, (_, options) => options with { Membership = RuntimeCluster.SteadyMembership });
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var ring = await RingOf(cluster, P1);

        // The same command line as p2's, with a store of its own: p2's address is taken.
        var again = SecondP2(cluster, cluster.Addresses[P2]);
        var refused = await Assert.ThrowsAsync<AddressInUseException>(() => EvsNode.StartAsync(again, cluster.Loggers));
        Assert.StartsWith($"{cluster.Addresses[P2]} is in use: is p2 running already? A process runs once: a second p2 must not run beside the first.", refused.Message);

        // At another address (another machine, or another --bind): the others take it for no peer of theirs.
        var elsewhere = new IPEndPoint(IPAddress.Loopback, RuntimeCluster.FreeLoopbackPorts(1)[0]);
        await using (var second = await EvsNode.StartAsync(SecondP2(cluster, elsewhere) with { Peers = cluster.Addresses.SetItem(P2, elsewhere) }, cluster.Loggers))
        {
            foreach (var p in new[] { P1, P3 })
                await Logged(cluster, $"Warning: {p} drops datagrams from {elsewhere} that say they are p2's, but this node's peer list puts p2 at {cluster.Addresses[P2]}: "
                    + "another process runs as p2 there (stop the one started last), or p2's address differs between the peer lists");
            await Logged(cluster, "Warning: p2 has heard nothing from its peers (p1, p3) in the 7 s since it started: none of them runs, or they send to another address than "
                + $"{elsewhere} (does their peer list put p2 there? does another process run as p2 at the address they know?), or a firewall drops the datagrams");
            int sent = await SendFromEachAsync(cluster, [P1, P2, P3], "meanwhile");
            foreach (var p in cluster.Ids) await cluster.WaitForDeliveriesAsync(p, sent);
            foreach (var p in cluster.Ids) Assert.Equal(ring, await RingOf(cluster, p));
            Assert.All([P1, P3], p => Assert.True(cluster[p].Host.Transport.Counters.UnknownSource > 0, $"{p} counts the second p2's datagrams"));
            Assert.Equal(0, cluster[P2].Host.Transport.Counters.UnknownSource);
            Assert.Equal(["p2"], (await second.GetStatusAsync()).Configuration!.Members.Select(m => m.Name));
        }
        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task Over_multicast_a_second_p2_is_refused_before_its_datagrams_are_read_both_p2s_say_so_and_the_live_p2_keeps_its_ring()
    {
        var group = UdpClusterTests.UnusedGroup();
        await using var cluster = new RuntimeCluster(3, output, (_, options) => options with
        {
            Peers = new Dictionary<ProcessId, IPEndPoint>(),
            Bind = options.Peers[options.Id],
            Multicast = new MulticastGroup(group, TimeToLive: 0),
            Membership = RuntimeCluster.SteadyMembership,
        });
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        var ring = await RingOf(cluster, P1);

        // Peers are learned as they are heard: a second p2 in the group, at another address, would
        // take the live p2's place (its newer incarnation making the live one's datagrams stale).
        var elsewhere = new IPEndPoint(IPAddress.Loopback, RuntimeCluster.FreeLoopbackPorts(1)[0]);
        await using (var second = await EvsNode.StartAsync(SecondP2(cluster, elsewhere), cluster.Loggers))
        {
            foreach (var p in new[] { P1, P3 })
                await Logged(cluster, $"Warning: {p} drops datagrams from {elsewhere} that say they are p2's, while p2 runs at {cluster.Addresses[P2]}: a second process runs as p2");
            // Each p2 hears the other's broadcasts (the live one's, once it sends) and says so.
            int sent = await SendFromEachAsync(cluster, [P1, P2, P3], "meanwhile");
            foreach (var p in cluster.Ids) await cluster.WaitForDeliveriesAsync(p, sent);
            foreach (var from in new[] { elsewhere, cluster.Addresses[P2] })
                await Logged(cluster, $"Warning: p2 receives datagrams from {from} that say they are p2's: another process runs with this node's identifier there");
            await Task.Delay(TimeSpan.FromMilliseconds(2 * RuntimeCluster.SteadyMembership.TokenLossTimeoutMs));
            foreach (var p in cluster.Ids) Assert.Equal(ring, await RingOf(cluster, p));
            Assert.All([P1, P3], p => Assert.True(cluster[p].Host.Transport.Counters.WrongSource > 0, $"{p} counts the second p2's datagrams"));
            Assert.All([P1, P3], p => Assert.Equal(0, cluster[p].Host.WireCounters.Stale));
            Assert.Equal(["p2"], (await second.GetStatusAsync()).Configuration!.Members.Select(m => m.Name));
        }
        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    [Fact]
    public async Task A_node_whose_peer_list_leaves_out_p2_says_that_the_lists_differ_the_membership_settles_and_no_specification_is_violated()
    {
        // p1 and p2 know all three; p3's list has p1 only.
        await using var cluster = new RuntimeCluster(3, output, (id, options) => id == P3 ? options with { Peers = options.Peers.Where(p => p.Key != P2).ToDictionary() } : options);
        await cluster.StartAllAsync();

        await Logged(cluster, $"Warning: p3 drops datagrams from {cluster.Addresses[P2]} that say they are p2's, but this node's peer list (p1) does not name p2: "
            + "the peer lists differ between the nodes; give every node the same list.");
        await Logged(cluster, "Warning: p3: p1 counts p2 in its membership, but this node's peer list (p1) does not name p2: "
            + "the peer lists differ between the nodes, so that this node never hears p2 nor sends to it; give every node the same list");
        Assert.True(cluster[P3].Host.Transport.Counters.UnknownSource > 0, "p3 counts p2's datagrams as from an unknown address");
        // p2 and p3 are deaf to each other while p1 hears both: no ring can hold all three, and the
        // membership must rest with the two apart instead of re-forming (Membership/HearingEvidence).
        await cluster.AssertSettlesApartAsync(P2, P3);
        await StopAllAndCheckAsync(cluster);
    }

    [Fact]
    public async Task A_node_whose_peer_list_puts_p2_at_another_address_says_where_its_list_puts_p2_the_membership_settles_and_no_specification_is_violated()
    {
        var wrong = new IPEndPoint(IPAddress.Loopback, RuntimeCluster.FreeLoopbackPorts(1)[0]);
        await using var cluster = new RuntimeCluster(3, output, (id, options) => id == P3 ? options with { Peers = new Dictionary<ProcessId, IPEndPoint>(options.Peers) { [P2] = wrong } } : options);
        await cluster.StartAllAsync();

        await Logged(cluster, $"Warning: p3 drops datagrams from {cluster.Addresses[P2]} that say they are p2's, but this node's peer list puts p2 at {wrong}: "
            + "another process runs as p2 there (stop the one started last), or p2's address differs between the peer lists");
        Assert.True(cluster[P3].Host.Transport.Counters.UnknownSource > 0, "p3 counts p2's datagrams as from an unknown address");
        // p2 and p3 are deaf to each other while p1 hears both: no ring can hold all three, and the
        // membership must rest with the two apart instead of re-forming (Membership/HearingEvidence).
        await cluster.AssertSettlesApartAsync(P2, P3);
        await StopAllAndCheckAsync(cluster);
    }

    // The three form a ring and deliver a message; p3 stops, and comes back configured as
    // change says, while p1 and p2 go on in a ring of their own.
    private static async Task RestartP3DifferentlyAsync(RuntimeCluster cluster, Action change)
    {
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);
        await cluster[P1].SendAsync(Encoding.UTF8.GetBytes("before"), DeliveryService.Agreed);
        foreach (var p in cluster.Ids) await cluster.WaitForDeliveriesAsync(p, 1);
        await cluster.StopAsync(P3);
        await cluster.WaitForRingAsync(P1, P2);
        change();
        await cluster.StartAsync(P3);
        // Each of p1 and p2 broadcasts, to every peer of its list, p3 among them.
        foreach (var p in new[] { P1, P2 }) await cluster[p].SendAsync(Encoding.UTF8.GetBytes($"after {p}"), DeliveryService.Agreed);
    }

    // p1 and p2 each name p3 once in their log as they drop its datagrams (however many come),
    // count them under the reason and under p3 in their status; p1 and p2 keep their ring, p3 is alone.
    private static async Task AssertNamedAndCountedAsync(RuntimeCluster cluster, string why, Func<MismatchedPeer, long> perPeer, Func<NodeHost, long> perReason)
    {
        foreach (var p in new[] { P1, P2 })
        {
            await Eventually($"{p} drops ten datagrams of p3's", () => perReason(cluster[p].Host) >= 10);
            string told = $"Warning: {p} drops datagrams from p3 at {cluster.Addresses[P3]}: {why}; further ones are only counted";
            Assert.Single(cluster.Logged, l => l.StartsWith(told, StringComparison.Ordinal));
            var p3 = Assert.Single(cluster[p].Host.Mismatches.Peers);
            Assert.Equal("p3", p3.Peer);
            Assert.True(perPeer(p3) >= 10, $"{p} counts p3's datagrams under p3");
        }
        await cluster.WaitForRingAsync(P1, P2);
        await cluster.WaitForRingAsync(P3);
    }

    // p3 stops for good; p1 and p2 stop quiescent; every trace passes the checker.
    private static async Task EndWithoutP3Async(RuntimeCluster cluster)
    {
        await cluster.StopAsync(P3);
        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
    }

    // Whatever the membership made of lists that disagree, every process stops (failing) and the
    // traces are checked: extended virtual synchrony holds through any membership.
    private static async Task StopAllAndCheckAsync(RuntimeCluster cluster)
    {
        foreach (var p in cluster.Ids) await cluster.StopAsync(p);
        cluster.CheckTraces();
    }

    // Options for a second process named p2 at address, with a store of its own and no trace (its
    // events would mix with the live p2's in the checker's history).
    private EvsNodeOptions SecondP2(RuntimeCluster cluster, IPEndPoint address) => cluster.OptionsOf(P2) with
    {
        Bind = address,
        StoreDirectory = Path.Combine(_directory, "second-p2"),
        TracePath = null,
    };

    private static Task Logged(RuntimeCluster cluster, string line) =>
        Eventually($"a log line that begins \"{line}\"", () => cluster.Logged.Any(l => l.StartsWith(line, StringComparison.Ordinal)));

    private static async Task<RingId?> RingOf(RuntimeCluster cluster, ProcessId p) => (await cluster[p].GetStatusAsync()).Ring;

    // One message from each of senders; how many in all.
    private static async Task<int> SendFromEachAsync(RuntimeCluster cluster, ProcessId[] senders, string tag)
    {
        foreach (var p in senders) await cluster[p].SendAsync(Encoding.UTF8.GetBytes($"{tag} {p}"), DeliveryService.Agreed);
        return senders.Length;
    }

    private static Task Eventually(string what, Func<bool> condition) => RuntimeCluster.WaitUntilAsync(what, () => Task.FromResult(condition()));

    /// <summary>The system's clock, with a wall-clock time set <see cref="Offset"/> away: its timers and timestamps are the system's, monotonic.</summary>
    private sealed class JumpingClock : TimeProvider
    {
        private long _offsetTicks;

        /// <summary>How far the wall clock is set from the system's; changed at once, as an operator or NTP would set it.</summary>
        public TimeSpan Offset
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
            set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
        }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }
}
