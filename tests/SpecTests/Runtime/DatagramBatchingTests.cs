// Tests of the transports' system call batching and receive buffers on 127.0.0.1 (issue #16, item
// 4): a batch of datagrams to several peers arrives whole and in order with every batching
// setting, the portable path included; where the platform has sendmmsg and recvmmsg (64-bit Linux)
// a batch leaves in one call and datagrams already waiting are taken in one call, elsewhere (or
// with batching off) each datagram is a call of its own; a datagram comes in the buffer it was
// received into, which is received into again once released, and a consumer that never releases
// gets copies after the loop's limit instead of holding more buffers.
using System.Net;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Evs.Reference.Model;
using Evs.Runtime;
using Xunit;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class DatagramBatchingTests
{
    private static readonly ProcessId A = new("a"), B = new("b"), C = new("c");

    // What this machine does with batching on: one call per batch, or (no sendmmsg) one per datagram.
    private static readonly bool Batches = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    [Theory]
    [InlineData(SystemCallBatching.None)]
    [InlineData(SystemCallBatching.Send)]
    [InlineData(SystemCallBatching.Receive)]
    [InlineData(SystemCallBatching.Both)]
    public async Task A_batch_to_every_peer_and_to_one_arrives_whole_and_in_order_at_each(Enum batchingChosen)
    {
        // The parameter is an Enum: SystemCallBatching is internal to the runtime, a test method is public.
        var batching = (SystemCallBatching)batchingChosen;
        var peers = Peers(3);
        await using var a = new UdpUnicastTransport(A, peers[A], peers, batching: batching);
        await using var b = new UdpUnicastTransport(B, peers[B], peers, batching: batching);
        await using var c = new UdpUnicastTransport(C, peers[C], peers, batching: batching);
        var atB = Inbox(b);
        var atC = Inbox(c);
        a.Start(_ => { });

        var batch = Enumerable.Range(0, 40).Select(i => new OutgoingDatagram(i % 4 == 3 ? B : null, Datagram(i, 1000))).ToList();
        a.Send(batch);

        var toB = batch.Select(d => d.Bytes).ToList();
        var toC = batch.Where(d => d.To is null).Select(d => d.Bytes).ToList();
        Assert.Equal(toB, await TakeAsync(atB, toB.Count));
        Assert.Equal(toC, await TakeAsync(atC, toC.Count));
        Assert.Equal(toB.Count + toC.Count, a.Counters.Sent);
        Assert.Equal(batching.HasFlag(SystemCallBatching.Send) && Batches ? 1 : toB.Count + toC.Count, a.Counters.SendCalls);
    }

    [Fact]
    public async Task A_datagram_to_an_unknown_peer_is_counted_and_the_rest_of_the_batch_goes()
    {
        var peers = Peers(2);
        await using var a = new UdpUnicastTransport(A, peers[A], peers);
        await using var b = new UdpUnicastTransport(B, peers[B], peers);
        var atB = Inbox(b);

        a.Send([new OutgoingDatagram(B, [1]), new OutgoingDatagram(new ProcessId("nobody"), [2]), new OutgoingDatagram(null, [3])]);

        Assert.Equal([new byte[] { 1 }, [3]], await TakeAsync(atB, 2));
        Assert.Equal(1, a.Counters.UnknownPeer);
        Assert.Equal(2, a.Counters.Sent);
    }

    [Theory]
    [InlineData(SystemCallBatching.None)]
    [InlineData(SystemCallBatching.Receive)]
    public async Task Datagrams_already_waiting_are_received_in_one_call_where_the_platform_allows_it(Enum batchingChosen)
    {
        // The parameter is an Enum: SystemCallBatching is internal to the runtime, a test method is public.
        var batching = (SystemCallBatching)batchingChosen;
        var peers = Peers(2);
        await using var a = new UdpUnicastTransport(A, peers[A], peers, batching: SystemCallBatching.None);
        await using var b = new UdpUnicastTransport(B, peers[B], peers, batching: batching);
        for (int i = 0; i < 10; i++) a.Send(B, Datagram(i, 100));

        var atB = Inbox(b);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => Datagram(i, 100)), await TakeAsync(atB, 10));
        Assert.Equal(batching == SystemCallBatching.Receive && Batches ? 1 : 10, b.Counters.ReceiveCalls);
    }

    [Theory]
    [InlineData(SystemCallBatching.None)]
    [InlineData(SystemCallBatching.Receive)]
    public async Task A_datagram_comes_in_its_receive_buffer_which_is_received_into_again_once_released(Enum batchingChosen)
    {
        // The parameter is an Enum: SystemCallBatching is internal to the runtime, a test method is public.
        var batching = (SystemCallBatching)batchingChosen;
        var peers = Peers(2);
        await using var a = new UdpUnicastTransport(A, peers[A], peers);
        await using var b = new UdpUnicastTransport(B, peers[B], peers, batching: batching);
        var atB = Inbox(b);

        var buffers = new List<byte[]>();
        for (int i = 0; i < 3; i++)
        {
            a.Send(B, Datagram(i, 100));
            var datagram = await atB.ReadAsync().AsTask().WaitAsync(RuntimeCluster.Patience);
            Assert.Equal(Datagram(i, 100), datagram.Bytes.ToArray());
            buffers.Add(ArrayOf(datagram));
            datagram.Release();
        }

        Assert.True(buffers[0].Length > 100, "the datagram lies in its receive buffer, not in a copy of its own size");
        Assert.Same(buffers[0], buffers[2]);
    }

    [Fact]
    public async Task A_consumer_that_never_releases_gets_copies_once_the_loops_limit_is_lent_out()
    {
        var peers = Peers(2);
        await using var a = new UdpUnicastTransport(A, peers[A], peers);
        await using var b = new UdpUnicastTransport(B, peers[B], peers);
        var atB = Inbox(b);
        int count = ReceiveLoopLimit + 10;

        for (int i = 0; i < count; i++) a.Send(B, Datagram(i, 100));
        var datagrams = await TakeAsync(atB, count, keepBuffers: true);

        Assert.All(datagrams.Take(ReceiveLoopLimit), d => Assert.True(d.Length > 100));
        Assert.All(datagrams.Skip(ReceiveLoopLimit), d => Assert.Equal(100, d.Length));
    }

    // ReceiveLoop.LentLimit: buffers a receive loop lends beyond its own before it copies.
    private const int ReceiveLoopLimit = 64;

    private static byte[] Datagram(int number, int size)
    {
        var bytes = new byte[size];
        BitConverter.TryWriteBytes(bytes, number);
        return bytes;
    }

    private static byte[] ArrayOf(ReceivedDatagram datagram) =>
        MemoryMarshal.TryGetArray(datagram.Bytes, out var segment) ? segment.Array! : throw new InvalidOperationException("the datagram is not in an array");

    private static Dictionary<ProcessId, IPEndPoint> Peers(int count)
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(count);
        return new[] { A, B, C }.Take(count).Select((id, i) => (id, i)).ToDictionary(p => p.id, p => new IPEndPoint(IPAddress.Loopback, ports[p.i]));
    }

    private static ChannelReader<ReceivedDatagram> Inbox(ITransport transport)
    {
        var inbox = Channel.CreateUnbounded<ReceivedDatagram>();
        transport.Start(d => inbox.Writer.TryWrite(d));
        return inbox.Reader;
    }

    // The next `count` datagrams' bytes (or, with keepBuffers, the whole arrays they lie in), each released after it is read unless kept.
    private static async Task<List<byte[]>> TakeAsync(ChannelReader<ReceivedDatagram> inbox, int count, bool keepBuffers = false)
    {
        var taken = new List<byte[]>();
        for (int i = 0; i < count; i++)
        {
            var datagram = await inbox.ReadAsync().AsTask().WaitAsync(RuntimeCluster.Patience);
            taken.Add(keepBuffers ? ArrayOf(datagram) : datagram.Bytes.ToArray());
            if (!keepBuffers) datagram.Release();
        }
        return taken;
    }
}
