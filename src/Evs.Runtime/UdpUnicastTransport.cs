// The real network (the runtime driver): Totem over plain UDP unicast, as Corosync's "udpu"
// transport does it. Every process knows every peer's address from its configuration, and a
// broadcast is one datagram to each peer: no multicast routing is needed, which is what works
// on any network (and between containers, and in clouds that drop multicast).
using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using Evs.Reference.Model;
using Evs.Runtime.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Evs.Runtime;

/// <summary>
/// UDP unicast to a configured list of peers (Corosync's udpu). One socket, bound to
/// <see cref="LocalEndPoint"/>, sends and receives everything; a datagram is attributed to the
/// peer whose configured address it comes from. The peer list is fixed, and a datagram from any
/// other address is dropped (counted in <see cref="TransportCounters.UnknownSource"/>): a process
/// that could be heard but never sent to would be taken into every membership round and left out
/// of every ring. So each process must send from its configured address: bind to it (the default).
/// </summary>
internal sealed class UdpUnicastTransport : ITransport
{
    private readonly Socket _socket;
    private readonly FrozenDictionary<ProcessId, IPEndPoint> _peers;
    private readonly FrozenDictionary<IPEndPoint, ProcessId> _byAddress;
    private readonly ProcessId _self;
    private readonly ILogger _logger;
    private readonly HashSet<(IPEndPoint Source, ProcessId Sender)> _told = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly DatagramSender _sender;
    private readonly bool _batchReceives;
    private readonly List<(IPEndPoint, byte[])> _outgoing = [];
    private Task _receiving = Task.CompletedTask;

    /// <summary>
    /// A transport bound to <paramref name="bind"/> (port 0 picks a free port) that sends to
    /// <paramref name="peers"/>; an entry for <paramref name="self"/> in that list is ignored, so
    /// every process can be given the same list. <paramref name="batching"/> says which directions
    /// move many datagrams per system call, where the platform allows it.
    /// </summary>
    /// <exception cref="ArgumentException">A peer's address is a wildcard, or two peers share one.</exception>
    /// <exception cref="SocketException">The address cannot be bound (in use, not this machine's).</exception>
    public UdpUnicastTransport(ProcessId self, IPEndPoint bind, IReadOnlyDictionary<ProcessId, IPEndPoint> peers, ILogger? logger = null, SystemCallBatching batching = SystemCallBatching.Both)
    {
        _self = self;
        _logger = logger ?? NullLogger.Instance;
        var others = peers.Where(p => p.Key != self).ToDictionary();
        foreach (var (peer, address) in others)
            if (address.Address.Equals(IPAddress.Any) || address.Address.Equals(IPAddress.IPv6Any) || address.Port == 0)
                throw new ArgumentException($"peer {peer}: {address} is not an address a datagram can be sent to", nameof(peers));
        var duplicate = others.GroupBy(p => p.Value).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"peers {string.Join(" and ", duplicate.Select(p => p.Key))} have the same address {duplicate.Key}", nameof(peers));
        _peers = others.ToFrozenDictionary();
        _byAddress = others.ToFrozenDictionary(p => p.Value, p => p.Key);
        _socket = UdpSockets.Bound(bind, self);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _sender = new DatagramSender(_socket, batching.HasFlag(SystemCallBatching.Send), Counters, _logger);
        _batchReceives = batching.HasFlag(SystemCallBatching.Receive);
    }

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint { get; }

    /// <inheritdoc/>
    public IReadOnlyCollection<ProcessId> Peers => _peers.Keys;

    /// <inheritdoc/>
    public TransportCounters Counters { get; } = new();

    /// <inheritdoc/>
    public void Start(Action<ReceivedDatagram> received) =>
        _receiving = ReceiveLoop.Start(
            _socket,
            _batchReceives,
            (bytes, source) =>
            {
                if (!_byAddress.TryGetValue(source, out var peer))
                {
                    Counters.CountUnknownSource();
                    TellUnknownSource(bytes.Bytes.Span, source);
                    bytes.Return();
                    return;
                }
                Counters.CountReceived();
                received(new ReceivedDatagram(bytes, source, peer));
            },
            Counters, _logger, _stop.Token);

    // A datagram from an address that is no configured peer's names its sender in its header
    // (unauthenticated: anyone can write it, so it only explains the drop): a process of the peer
    // list at another address, this process's own identifier, or a process the list does not name
    // says that the peer lists differ between the nodes, or that a second process runs with one
    // identifier (docs/BAD-PEERS.md). Told once per address and sender; anything else only at Debug.
    private void TellUnknownSource(ReadOnlySpan<byte> datagram, IPEndPoint source)
    {
        long count = Counters.UnknownSource;
        if (DatagramHeader.Glimpse(datagram).Sender is not { } sender)
        {
            RuntimeLog.UnknownSource(_logger, source, count);
            return;
        }
        lock (_told)
            if (_told.Count >= SenderPolicy.MaxLogged || !_told.Add((source, sender))) return;
        if (sender == _self) RuntimeLog.OwnIdentifierElsewhere(_logger, _self, source, count);
        else if (_peers.TryGetValue(sender, out var configured)) RuntimeLog.PeerAtAnotherAddress(_logger, _self, source, sender, configured, count);
        else RuntimeLog.PeerNotListed(_logger, _self, source, sender, string.Join(", ", _peers.Keys.Order()), count);
    }

    /// <inheritdoc/>
    public void Send(ProcessId peer, ReadOnlySpan<byte> datagram)
    {
        if (_peers.TryGetValue(peer, out var address)) UdpSockets.SendTo(_socket, datagram, address, Counters, _logger);
        else Counters.CountUnknownPeer();
    }

    /// <inheritdoc/>
    public void Broadcast(ReadOnlySpan<byte> datagram)
    {
        foreach (var address in _peers.Values) UdpSockets.SendTo(_socket, datagram, address, Counters, _logger);
    }

    /// <inheritdoc/>
    public void Send(IReadOnlyList<OutgoingDatagram> datagrams)
    {
        foreach (var (to, bytes) in datagrams)
        {
            if (to is null)
                foreach (var address in _peers.Values) _outgoing.Add((address, bytes));
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
    /// Nothing to learn: the peer list is the configuration (as in Corosync's udpu), and a datagram
    /// only gets here from a configured peer's address, so one that names another sender is refused.
    /// </summary>
    public bool Learn(ProcessId peer, IPEndPoint source)
    {
        RuntimeLog.WrongSource(_logger, source, peer, Counters.CountWrongSource());
        return false;
    }

    /// <inheritdoc/>
    public IPEndPoint? AddressOf(ProcessId peer) => _peers.GetValueOrDefault(peer);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _receiving.ConfigureAwait(false);
        _sender.Dispose();
        _stop.Dispose();
    }
}
