// The real network (the runtime driver): the transport only moves datagrams between this process
// and its peers. It knows addresses and process identifiers, never packets: the wire format turns
// packets into datagrams (IWireFormat), and the host decides what goes where (NodeHost).
using System.Net;
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>
/// A datagram as it came off the socket: its bytes, the address it came from, and the peer that
/// address belongs to when the transport knows it (the host drops datagrams of blocked peers by
/// this, before decoding). The bytes may lie in a buffer the transport lent: <see cref="Release"/>
/// gives it back once they have been read, after which they must not be read again.
/// </summary>
internal sealed record ReceivedDatagram(ReadOnlyMemory<byte> Bytes, IPEndPoint Source, ProcessId? Peer)
{
    private readonly LentBuffer _lent;
    private int _released;

    internal ReceivedDatagram(LentBuffer lent, IPEndPoint source, ProcessId? peer)
        : this(lent.Bytes, source, peer) => _lent = lent;

    /// <summary>Gives the buffer back to the transport (once; a datagram never released is left to the garbage collector).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) _lent.Return();
    }
}

/// <summary>A datagram to send: to <see cref="To"/>, or to every peer when it is null.</summary>
internal readonly record struct OutgoingDatagram(ProcessId? To, byte[] Bytes);

/// <summary>
/// Moves datagrams between this process and its peers. Sending never blocks for long and never
/// throws for a network error: an error is logged and counted in <see cref="Counters"/>, as a lost
/// datagram, which the protocol recovers from. Receiving runs in the background from
/// <see cref="Start"/> until the transport is disposed.
/// </summary>
internal interface ITransport : IAsyncDisposable
{
    /// <summary>The address this process's datagrams come from, and unicast datagrams to it go to.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>The peers this transport can send to now (never this process itself).</summary>
    IReadOnlyCollection<ProcessId> Peers { get; }

    /// <summary>Datagrams sent, received and lost to errors.</summary>
    TransportCounters Counters { get; }

    /// <summary>Starts receiving; <paramref name="received"/> is called for each datagram, from a background thread.</summary>
    void Start(Action<ReceivedDatagram> received);

    /// <summary>Sends <paramref name="datagram"/> to <paramref name="peer"/>; to a peer it does not know, counts it and drops it.</summary>
    void Send(ProcessId peer, ReadOnlySpan<byte> datagram);

    /// <summary>Sends <paramref name="datagram"/> to every peer.</summary>
    void Broadcast(ReadOnlySpan<byte> datagram);

    /// <summary>
    /// Sends every datagram of <paramref name="datagrams"/>, in order, in as few system calls as the
    /// platform allows (one sendmmsg on 64-bit Linux; see <see cref="SystemCallBatching"/>); one to
    /// a peer it does not know is counted and dropped.
    /// </summary>
    void Send(IReadOnlyList<OutgoingDatagram> datagrams);

    /// <summary>
    /// A datagram from <paramref name="source"/> decoded as <paramref name="peer"/>'s, while that
    /// address is not known as <paramref name="peer"/>'s: whether it may be taken as
    /// <paramref name="peer"/>'s. Never when the address is another configured peer's, nor when
    /// <paramref name="peer"/>'s address is configured (a configured peer stays where it is
    /// configured: anyone who can send from another port could otherwise redirect its traffic);
    /// such a datagram is counted in <see cref="TransportCounters.WrongSource"/>. A transport that
    /// learns its peers (multicast) records an unconfigured peer's address and says yes.
    /// </summary>
    bool Learn(ProcessId peer, IPEndPoint source);

    /// <summary>The address <paramref name="peer"/> is known at now (configured or learned), or null.</summary>
    IPEndPoint? AddressOf(ProcessId peer);
}

/// <summary>What a transport did, for an operator; safe to read from any thread while it runs.</summary>
internal sealed class TransportCounters
{
    private long _sent, _received, _sendErrors, _receiveErrors, _unknownPeer, _unknownSource, _wrongSource, _ownEcho, _sendCalls, _receiveCalls;

    /// <summary>Datagrams handed to the operating system.</summary>
    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Datagrams received (own multicast echoes not counted).</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>System calls that sent datagrams (sendto, or sendmmsg for many at once: <see cref="SystemCallBatching"/>).</summary>
    public long SendCalls => Volatile.Read(ref _sendCalls);

    /// <summary>System calls that received datagrams (recvfrom, or recvmmsg for many at once).</summary>
    public long ReceiveCalls => Volatile.Read(ref _receiveCalls);

    /// <summary>Sends the operating system refused (no route, buffer full, ...): lost datagrams.</summary>
    public long SendErrors => Volatile.Read(ref _sendErrors);

    /// <summary>Receive calls that failed, and datagrams whose consumer failed; the receive loop goes on.</summary>
    public long ReceiveErrors => Volatile.Read(ref _receiveErrors);

    /// <summary>Datagrams for a peer whose address is not known: dropped.</summary>
    public long UnknownPeer => Volatile.Read(ref _unknownPeer);

    /// <summary>Datagrams from an address that is no configured peer's (unicast transport): dropped.</summary>
    public long UnknownSource => Volatile.Read(ref _unknownSource);

    /// <summary>
    /// Packets naming a sender whose address is not the one they came from: another configured
    /// peer's address, or not the sender's configured one (<see cref="ITransport.Learn"/>): dropped.
    /// </summary>
    public long WrongSource => Volatile.Read(ref _wrongSource);

    /// <summary>This process's own multicast datagrams, looped back by the operating system: dropped.</summary>
    public long OwnEcho => Volatile.Read(ref _ownEcho);

    internal void CountSent() => Interlocked.Increment(ref _sent);
    internal void CountReceived() => Interlocked.Increment(ref _received);
    internal void CountSendError() => Interlocked.Increment(ref _sendErrors);
    internal void CountReceiveError() => Interlocked.Increment(ref _receiveErrors);
    internal void CountUnknownPeer() => Interlocked.Increment(ref _unknownPeer);
    internal void CountUnknownSource() => Interlocked.Increment(ref _unknownSource);
    internal long CountWrongSource() => Interlocked.Increment(ref _wrongSource);
    internal void CountOwnEcho() => Interlocked.Increment(ref _ownEcho);
    internal void CountSendCall() => Interlocked.Increment(ref _sendCalls);
    internal void CountReceiveCall() => Interlocked.Increment(ref _receiveCalls);

    /// <inheritdoc/>
    public override string ToString() =>
        $"sent {Sent}, received {Received}, send errors {SendErrors}, receive errors {ReceiveErrors}, to unknown peers {UnknownPeer}, from unknown sources {UnknownSource}, from wrong sources {WrongSource}";
}
