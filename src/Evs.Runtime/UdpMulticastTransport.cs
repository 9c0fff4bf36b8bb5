// The real network (the runtime driver): Totem as designed, over IP multicast (Corosync's "udp"
// transport). A broadcast is one datagram to the group, whatever the number of processes; the
// token, which goes to one process, still goes by unicast to that process's own address.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Evs.Reference.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Evs.Runtime;

/// <summary>
/// UDP multicast to a group, IPv4. Two sockets:
/// <list type="bullet">
/// <item>the unicast socket, bound to this process's address on one interface
/// (<see cref="LocalEndPoint"/>): it sends everything, the group's datagrams included, with
/// IP_MULTICAST_IF set to that interface (always: otherwise the system's default route picks the
/// interface), multicast loopback on (so that processes on one machine hear each other) and the
/// configured time to live; and it receives what peers send to this process alone;</item>
/// <item>the group socket, bound to the group's port on every address with the address reused
/// (several processes on one machine share the port), a member of the group on that interface;
/// it receives the broadcasts, and drops this process's own, which loopback returns.</item>
/// </list>
/// Unicast packets (the token, the commit token) go to the peer's unicast address, never over the
/// group with a destination filter: every other process would receive, decode and drop them.
/// A peer's unicast address comes from the configured peer list or, for a peer not on it, is learned
/// from the source of the first datagram that decoded as that peer's (<see cref="Learn"/>), so a
/// group can run with no peer list at all; a datagram is attributed to a peer by that same address.
/// A configured address is never replaced by a learned one, and no peer is learned at another
/// configured peer's address.
/// </summary>
internal sealed class UdpMulticastTransport : ITransport
{
    private readonly ProcessId _self;
    private readonly IPEndPoint _group;
    private readonly Socket _unicast;
    private readonly Socket _groupSocket;
    private readonly ConcurrentDictionary<ProcessId, IPEndPoint> _peers = new();
    private readonly ConcurrentDictionary<IPEndPoint, ProcessId> _byAddress = new();
    private readonly HashSet<ProcessId> _configured = [];
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly DatagramSender _sender;
    private readonly bool _batchReceives;
    private readonly List<(IPEndPoint, byte[])> _outgoing = [];
    private Task _receiving = Task.CompletedTask;

    /// <summary>
    /// A transport that sends from <paramref name="bind"/> (an IPv4 address of one interface; port 0
    /// picks a free port) and broadcasts to <paramref name="group"/> with time to live
    /// <paramref name="timeToLive"/> (1: this network segment only; 0: this machine only).
    /// <paramref name="peers"/> may be empty; an entry for <paramref name="self"/> is ignored.
    /// <paramref name="batching"/> says which directions move many datagrams per system call, where the platform allows it.
    /// </summary>
    /// <exception cref="ArgumentException">The group is not an IPv4 multicast address, or the bind address is not one interface's.</exception>
    /// <exception cref="SocketException">A socket cannot be bound or cannot join the group.</exception>
    public UdpMulticastTransport(ProcessId self, IPEndPoint bind, IPEndPoint group, IReadOnlyDictionary<ProcessId, IPEndPoint>? peers = null, int timeToLive = 1, ILogger? logger = null, SystemCallBatching batching = SystemCallBatching.Both)
    {
        if (group.AddressFamily != AddressFamily.InterNetwork || (group.Address.GetAddressBytes()[0] & 0xF0) != 0xE0)
            throw new ArgumentException($"{group.Address} is not an IPv4 multicast address (224.0.0.0/4)", nameof(group));
        if (group.Port == 0) throw new ArgumentException("the group needs a port", nameof(group));
        if (bind.AddressFamily != AddressFamily.InterNetwork || bind.Address.Equals(IPAddress.Any))
            throw new ArgumentException(
                $"{bind.Address}: the multicast transport needs the IPv4 address of one interface to bind to and to send the group's datagrams from (IP_MULTICAST_IF), e.g. 127.0.0.1 on one machine",
                nameof(bind));
        ArgumentOutOfRangeException.ThrowIfNegative(timeToLive);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeToLive, 255);
        _self = self;
        _group = group;
        _logger = logger ?? NullLogger.Instance;
        foreach (var (peer, address) in peers ?? new Dictionary<ProcessId, IPEndPoint>())
            if (peer != self)
            {
                Record(peer, address);
                _configured.Add(peer);
            }

        _unicast = UdpSockets.Bound(bind, self);
        try
        {
            _unicast.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, bind.Address.GetAddressBytes());
            _unicast.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
            _unicast.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, timeToLive);
            _groupSocket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        }
        catch
        {
            _unicast.Dispose();
            throw;
        }
        try
        {
            _groupSocket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _groupSocket.ReceiveBufferSize = _unicast.ReceiveBufferSize;
            _groupSocket.Bind(new IPEndPoint(IPAddress.Any, group.Port));
            _groupSocket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group.Address, bind.Address));
        }
        catch
        {
            _groupSocket.Dispose();
            _unicast.Dispose();
            throw;
        }
        LocalEndPoint = (IPEndPoint)_unicast.LocalEndPoint!;
        _sender = new DatagramSender(_unicast, batching.HasFlag(SystemCallBatching.Send), Counters, _logger);
        _batchReceives = batching.HasFlag(SystemCallBatching.Receive);
    }

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The group broadcasts go to.</summary>
    public IPEndPoint Group => _group;

    /// <inheritdoc/>
    public IReadOnlyCollection<ProcessId> Peers => _peers.Keys.ToList();

    /// <inheritdoc/>
    public TransportCounters Counters { get; } = new();

    /// <inheritdoc/>
    public void Start(Action<ReceivedDatagram> received)
    {
        void Received(LentBuffer bytes, IPEndPoint source)
        {
            if (source.Equals(LocalEndPoint))
            {
                bytes.Return();
                Counters.CountOwnEcho();
                return;
            }
            Counters.CountReceived();
            received(new ReceivedDatagram(bytes, source, _byAddress.TryGetValue(source, out var peer) ? peer : null));
        }
        var unicast = ReceiveLoop.Start(_unicast, _batchReceives, Received, Counters, _logger, _stop.Token);
        var group = ReceiveLoop.Start(_groupSocket, _batchReceives, Received, Counters, _logger, _stop.Token);
        _receiving = Task.WhenAll(unicast, group);
    }

    /// <inheritdoc/>
    public void Send(ProcessId peer, ReadOnlySpan<byte> datagram)
    {
        if (_peers.TryGetValue(peer, out var address)) UdpSockets.SendTo(_unicast, datagram, address, Counters, _logger);
        else Counters.CountUnknownPeer();
    }

    /// <inheritdoc/>
    public void Broadcast(ReadOnlySpan<byte> datagram) => UdpSockets.SendTo(_unicast, datagram, _group, Counters, _logger);

    /// <inheritdoc/>
    public void Send(IReadOnlyList<OutgoingDatagram> datagrams)
    {
        foreach (var (to, bytes) in datagrams)
        {
            if (to is null) _outgoing.Add((_group, bytes));
            else if (_peers.TryGetValue(to.Value, out var address)) _outgoing.Add((address, bytes));
            else Counters.CountUnknownPeer();
        }
        try
        {
            _sender.Send(_outgoing);
        }
        finally
        {
            _outgoing.Clear();
        }
    }

    /// <summary>
    /// Records <paramref name="source"/> as the unicast address of <paramref name="peer"/>, a peer
    /// not on the configured list (replacing an address learned before: it restarted on another
    /// port), and says yes; says no, and counts it, for a configured peer heard from elsewhere or a
    /// peer claimed from a configured peer's address.
    /// </summary>
    public bool Learn(ProcessId peer, IPEndPoint source)
    {
        if (peer == _self) return false;
        if (_peers.TryGetValue(peer, out var known) && known.Equals(source)) return true;
        if (_configured.Contains(peer) || (_byAddress.TryGetValue(source, out var owner) && _configured.Contains(owner)))
        {
            RuntimeLog.WrongSource(_logger, source, peer, Counters.CountWrongSource());
            return false;
        }
        Record(peer, source);
        RuntimeLog.PeerLearned(_logger, peer, source);
        return true;
    }

    /// <inheritdoc/>
    public IPEndPoint? AddressOf(ProcessId peer) => _peers.GetValueOrDefault(peer);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _unicast.Dispose();
        _groupSocket.Dispose();
        await _receiving.ConfigureAwait(false);
        _sender.Dispose();
        _stop.Dispose();
    }

    private void Record(ProcessId peer, IPEndPoint address)
    {
        if (_peers.TryGetValue(peer, out var old)) _byAddress.TryRemove(old, out _);
        _peers[peer] = address;
        _byAddress[address] = peer;
    }
}
