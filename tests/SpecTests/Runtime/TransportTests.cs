// Tests of the real network's transports on 127.0.0.1: who a datagram is attributed to, what is
// dropped and counted (unknown sources, unknown peers, a process's own multicast echo), and that
// a multicast transport refuses to run without an interface to send the group's datagrams from.
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Evs.Reference.Model;
using Evs.Runtime;
using Xunit;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class TransportTests
{
    private static readonly ProcessId A = new("a"), B = new("b"), Nobody = new("nobody");

    [Fact]
    public async Task Unicast_attributes_datagrams_to_configured_peers_and_drops_others()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(2);
        var peers = new Dictionary<ProcessId, IPEndPoint> { [A] = Loopback(ports[0]), [B] = Loopback(ports[1]) };
        await using var a = new UdpUnicastTransport(A, peers[A], peers);
        await using var b = new UdpUnicastTransport(B, peers[B], peers);
        var atB = Inbox(b);
        a.Start(_ => { });

        a.Send(B, [1, 2, 3]);
        var first = await atB.ReadAsync().AsTask().WaitAsync(RuntimeCluster.Patience);
        Assert.Equal(A, first.Peer);
        Assert.Equal([1, 2, 3], first.Bytes.ToArray());

        using (var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
            await stranger.SendAsync(new byte[] { 9 }, peers[B]);
        a.Broadcast([4]);
        Assert.Equal([4], (await atB.ReadAsync().AsTask().WaitAsync(RuntimeCluster.Patience)).Bytes.ToArray());
        await RuntimeCluster.WaitUntilAsync("the stranger's datagram is dropped", () => Task.FromResult(b.Counters.UnknownSource == 1));

        a.Send(Nobody, [5]);
        Assert.Equal(1, a.Counters.UnknownPeer);
        Assert.Equal(2, a.Counters.Sent);
        Assert.Equal([B], a.Peers);
    }

    [Fact]
    public async Task A_consumer_that_throws_loses_that_datagram_only_and_receiving_goes_on()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(2);
        var peers = new Dictionary<ProcessId, IPEndPoint> { [A] = Loopback(ports[0]), [B] = Loopback(ports[1]) };
        await using var a = new UdpUnicastTransport(A, peers[A], peers);
        await using var b = new UdpUnicastTransport(B, peers[B], peers);
        var kept = Channel.CreateUnbounded<byte[]>();
        b.Start(datagram =>
        {
            if (datagram.Bytes.Span[0] == 1) throw new InvalidOperationException("a consumer's bug");
            kept.Writer.TryWrite(datagram.Bytes.ToArray());
        });

        a.Send(B, [1]);
        await RuntimeCluster.WaitUntilAsync("the failure is counted", () => Task.FromResult(b.Counters.ReceiveErrors == 1));
        a.Send(B, [2]);

        Assert.Equal([2], await kept.Reader.ReadAsync().AsTask().WaitAsync(RuntimeCluster.Patience));
        Assert.Equal(1, b.Counters.ReceiveErrors);
    }

    [Fact]
    public async Task Multicast_reaches_the_group_drops_its_own_echo_and_learns_a_peers_address()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(3);
        var group = new IPEndPoint(new IPAddress([239, 255, (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(1, 255)]), ports[2]);
        await using var a = new UdpMulticastTransport(A, Loopback(ports[0]), group, timeToLive: 0);
        await using var b = new UdpMulticastTransport(B, Loopback(ports[1]), group, timeToLive: 0);
        var atA = Inbox(a);
        var atB = Inbox(b);

        a.Broadcast([7]);
        var heard = await atB.ReadAsync().AsTask().WaitAsync(RuntimeCluster.Patience);
        Assert.Equal([7], heard.Bytes.ToArray());
        Assert.Null(heard.Peer);
        Assert.Equal(a.LocalEndPoint, heard.Source);
        await RuntimeCluster.WaitUntilAsync("a's own echo is dropped", () => Task.FromResult(a.Counters.OwnEcho >= 1));
        Assert.False(atA.TryRead(out _));

        b.Send(A, [8]);
        Assert.Equal(1, b.Counters.UnknownPeer);
        b.Learn(A, heard.Source);
        b.Send(A, [8]);
        var reply = await atA.ReadAsync().AsTask().WaitAsync(RuntimeCluster.Patience);
        Assert.Equal([8], reply.Bytes.ToArray());
        Assert.Equal([A], b.Peers);
    }

    [Fact]
    public async Task Multicast_never_moves_a_configured_peer_nor_learns_a_peer_at_a_configured_peers_address()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(4);
        var group = new IPEndPoint(new IPAddress([239, 255, (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(1, 255)]), ports[3]);
        var configured = new Dictionary<ProcessId, IPEndPoint> { [B] = Loopback(ports[1]) };
        await using var a = new UdpMulticastTransport(A, Loopback(ports[0]), group, configured, timeToLive: 0);
        var elsewhere = Loopback(ports[2]);
        var c = new ProcessId("c");

        Assert.True(a.Learn(B, Loopback(ports[1])));   // where it is configured: nothing to learn
        Assert.False(a.Learn(B, elsewhere));           // a copy of B's datagram from another port
        Assert.False(a.Learn(c, Loopback(ports[1])));  // someone else claimed from B's address
        Assert.Equal(2, a.Counters.WrongSource);
        Assert.True(a.Learn(c, elsewhere));            // an unconfigured peer is learned where it is heard
        Assert.Equal([B, c], a.Peers.OrderBy(p => p.Name));
    }

    [Fact]
    public async Task Unicast_refuses_a_datagram_from_one_configured_peer_that_names_another_as_its_sender()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(3);
        await using var a = new UdpUnicastTransport(A, Loopback(ports[0]), new Dictionary<ProcessId, IPEndPoint> { [B] = Loopback(ports[1]), [new ProcessId("c")] = Loopback(ports[2]) });

        Assert.False(a.Learn(new ProcessId("c"), Loopback(ports[1])));
        Assert.Equal(1, a.Counters.WrongSource);
    }

    [Fact]
    public void Multicast_needs_an_interface_address_and_a_multicast_group()
    {
        var group = new IPEndPoint(IPAddress.Parse("239.255.1.1"), 5405);
        var noInterface = Assert.Throws<ArgumentException>(() => new UdpMulticastTransport(A, new IPEndPoint(IPAddress.Any, 0), group));
        Assert.Contains("IP_MULTICAST_IF", noInterface.Message);
        Assert.Throws<ArgumentException>(() => new UdpMulticastTransport(A, Loopback(0), new IPEndPoint(IPAddress.Loopback, 5405)));
    }

    private static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);

    private static ChannelReader<ReceivedDatagram> Inbox(ITransport transport)
    {
        var inbox = Channel.CreateUnbounded<ReceivedDatagram>();
        transport.Start(d => inbox.Writer.TryWrite(d));
        return inbox.Reader;
    }
}
