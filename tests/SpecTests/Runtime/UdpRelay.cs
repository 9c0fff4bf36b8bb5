// Tests of the real network: an attacker on the path of one process, without raw sockets. The
// process (p1) and its peers address each other through this relay on 127.0.0.1: the peers know
// one of its sockets as p1's address, p1 knows one socket per peer as that peer's. Every datagram
// between p1 and the others passes through it, and the test can read what p1 sent and send copies
// of it, or anything else, from p1's address, as an attacker who captures and injects on a LAN can.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Evs.Reference.Model;

namespace SpecTests.Runtime;

/// <summary>
/// A relay in front of <see cref="Target"/>. Configure every process with <see cref="PeersSeenBy"/>;
/// <see cref="Captured"/> holds what the target sent, by destination; <see cref="SendAsTarget"/>
/// sends a datagram to a peer from the target's address. Disposing stops it.
/// </summary>
public sealed class UdpRelay : IDisposable
{
    private readonly ImmutableDictionary<ProcessId, IPEndPoint> _real;
    private readonly Socket _asTarget;
    private readonly Dictionary<ProcessId, Socket> _asPeer = [];
    private readonly ConcurrentQueue<(ProcessId To, byte[] Datagram)> _captured = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _forwarding = [];

    /// <summary>A relay in front of <paramref name="target"/>, whose real address and its peers' are <paramref name="addresses"/>.</summary>
    public UdpRelay(ProcessId target, ImmutableDictionary<ProcessId, IPEndPoint> addresses)
    {
        Target = target;
        _real = addresses;
        _asTarget = Bound();
        foreach (var peer in addresses.Keys.Where(p => p != target)) _asPeer[peer] = Bound();
        _forwarding.Add(Task.Run(() => FromPeersAsync(_stop.Token)));
        foreach (var (peer, socket) in _asPeer) _forwarding.Add(Task.Run(() => FromTargetAsync(peer, socket, _stop.Token)));
    }

    /// <summary>The process the relay stands in front of.</summary>
    public ProcessId Target { get; }

    /// <summary>What the target sent, in order, with the peer it was for.</summary>
    public IReadOnlyList<(ProcessId To, byte[] Datagram)> Captured => [.. _captured];

    /// <summary>The peer list <paramref name="process"/> is to be given: the target behind the relay, or every peer behind it for the target.</summary>
    public ImmutableDictionary<ProcessId, IPEndPoint> PeersSeenBy(ProcessId process) =>
        process == Target
            ? _real.ToImmutableDictionary(p => p.Key, p => p.Key == Target ? p.Value : Address(_asPeer[p.Key]))
            : _real.SetItem(Target, Address(_asTarget));

    /// <summary>Sends <paramref name="datagram"/> to <paramref name="peer"/> from the address it knows as the target's.</summary>
    public void SendAsTarget(ProcessId peer, byte[] datagram) => _asTarget.SendTo(datagram, _real[peer]);

    /// <summary>The address the peers know as the target's.</summary>
    public IPEndPoint TargetAddress => Address(_asTarget);

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Cancel();
        _asTarget.Dispose();
        foreach (var socket in _asPeer.Values) socket.Dispose();
        Task.WaitAll([.. _forwarding.Select(t => t.ContinueWith(_ => { }))]);
        _stop.Dispose();
    }

    // Datagrams the peers send to the target: on to it, from the socket it knows as the sender's.
    private async Task FromPeersAsync(CancellationToken stop)
    {
        var buffer = new byte[65536];
        while (await ReceiveAsync(_asTarget, buffer, stop) is var (length, source))
            if (PeerAt(source) is { } peer) Forward(_asPeer[peer], buffer.AsSpan(0, length), _real[Target]);
    }

    // Datagrams the target sends to one peer: captured, and on to the peer from the target's address.
    private async Task FromTargetAsync(ProcessId peer, Socket socket, CancellationToken stop)
    {
        var buffer = new byte[65536];
        while (await ReceiveAsync(socket, buffer, stop) is var (length, _))
        {
            _captured.Enqueue((peer, buffer[..length]));
            Forward(_asTarget, buffer.AsSpan(0, length), _real[peer]);
        }
    }

    private ProcessId? PeerAt(IPEndPoint source) =>
        _real.Where(p => p.Key != Target && p.Value.Equals(source)).Select(p => (ProcessId?)p.Key).FirstOrDefault();

    // A datagram the network loses: a failed send is not the test's business.
    private static void Forward(Socket socket, ReadOnlySpan<byte> datagram, IPEndPoint to)
    {
        try
        {
            socket.SendTo(datagram, SocketFlags.None, to);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // lost on the way, as the network may lose it
        }
    }

    // The next datagram's length and source, or null once the relay stops; a failed receive is retried.
    private static async Task<(int Length, IPEndPoint Source)?> ReceiveAsync(Socket socket, byte[] buffer, CancellationToken stop)
    {
        while (true)
        {
            try
            {
                var received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Loopback, 0), stop);
                return (received.ReceivedBytes, (IPEndPoint)received.RemoteEndPoint);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException) when (!stop.IsCancellationRequested)
            {
                // one failed receive; the next may succeed
            }
            catch (SocketException)
            {
                return null;
            }
        }
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20, SendBufferSize = 4 << 20 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static IPEndPoint Address(Socket socket) => (IPEndPoint)socket.LocalEndPoint!;
}
