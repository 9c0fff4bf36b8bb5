// The real network (the runtime driver): the datagrams one step of the node sends (a token
// visit: its messages to every peer, then the token) leave in as few system calls as the
// platform allows. On 64-bit Linux that is one sendmmsg per batch of up to 1024 datagrams;
// elsewhere, or with batching switched off, one Socket.SendTo each, as before. The order is kept
// either way: Totem sends the token after the messages it accounts for.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Evs.Runtime;

/// <summary>
/// Sends batches of addressed datagrams on one socket, in order. A datagram the kernel refuses is
/// sent again alone through <see cref="UdpSockets.SendTo"/>, which logs and counts the error as a
/// lost datagram, as it always has, and the rest of the batch goes on. Used from one thread at a
/// time (the node's event loop); dispose it after the socket.
/// </summary>
internal sealed unsafe class DatagramSender : IDisposable
{
    private readonly Socket _socket;
    private readonly TransportCounters _counters;
    private readonly ILogger _logger;
    private readonly Dictionary<IPEndPoint, (nint Name, uint Length)> _addresses = new();
    private LinuxDatagrams.MessageHeader* _headers;
    private LinuxDatagrams.IoVector* _vectors;
    private GCHandle[] _pins = [];
    private int _capacity;

    /// <summary>A sender on <paramref name="socket"/>, batching when <paramref name="batch"/> and the platform allows it.</summary>
    public DatagramSender(Socket socket, bool batch, TransportCounters counters, ILogger logger)
    {
        _socket = socket;
        _counters = counters;
        _logger = logger;
        Batches = batch && LinuxDatagrams.Available;
    }

    /// <summary>Whether a batch goes in sendmmsg calls (else one SendTo per datagram).</summary>
    public bool Batches { get; }

    /// <summary>Sends every datagram of <paramref name="datagrams"/>, in order.</summary>
    public void Send(IReadOnlyList<(IPEndPoint To, byte[] Bytes)> datagrams)
    {
        if (!Batches)
        {
            foreach (var (to, bytes) in datagrams) SendOne(bytes, to);
            return;
        }
        for (int start = 0; start < datagrams.Count; start += LinuxDatagrams.MaxBatch)
            SendBatch(datagrams, start, Math.Min(LinuxDatagrams.MaxBatch, datagrams.Count - start));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (name, _) in _addresses.Values) NativeMemory.Free((void*)name);
        _addresses.Clear();
        NativeMemory.Free(_headers);
        NativeMemory.Free(_vectors);
        _headers = null;
        _vectors = null;
        _capacity = 0;
    }

    private void SendOne(byte[] bytes, IPEndPoint to) => UdpSockets.SendTo(_socket, bytes, to, _counters, _logger);

    // One batch of at most MaxBatch datagrams: pinned, described, sent in as many sendmmsg calls as
    // the kernel needs (it may take part of a batch), a refused datagram sent again alone.
    private void SendBatch(IReadOnlyList<(IPEndPoint To, byte[] Bytes)> datagrams, int start, int count)
    {
        Reserve(count);
        try
        {
            for (int i = 0; i < count; i++) Describe(i, datagrams[start + i]);
            int done = 0;
            while (done < count)
            {
                _counters.CountSendCall();
                int sent = SendCall(done, count - done, out int errno);
                if (sent > 0)
                {
                    for (int i = 0; i < sent; i++) _counters.CountSent();
                    done += sent;
                }
                else if (errno != LinuxDatagrams.EINTR)
                {
                    var (to, bytes) = datagrams[start + done];
                    SendOne(bytes, to);
                    done++;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The transport is being disposed while the host sends its last outputs: nothing to do.
        }
        finally
        {
            for (int i = 0; i < count; i++)
                if (_pins[i].IsAllocated) _pins[i].Free();
        }
    }

    private int SendCall(int from, int count, out int errno) => LinuxDatagrams.Send(_socket, _headers + from, count, out errno);

    private void Describe(int i, (IPEndPoint To, byte[] Bytes) datagram)
    {
        _pins[i] = GCHandle.Alloc(datagram.Bytes, GCHandleType.Pinned);
        _vectors[i] = new LinuxDatagrams.IoVector { Base = (void*)_pins[i].AddrOfPinnedObject(), Length = (nuint)datagram.Bytes.Length };
        var (name, length) = Address(datagram.To);
        _headers[i] = new LinuxDatagrams.MessageHeader { Name = (void*)name, NameLength = length, Vectors = _vectors + i, VectorCount = 1 };
    }

    // The socket address of a destination, written once and kept: a transport sends to a few peers.
    private (nint Name, uint Length) Address(IPEndPoint to)
    {
        if (!_addresses.TryGetValue(to, out var address))
        {
            var name = (byte*)NativeMemory.Alloc(LinuxDatagrams.AddressBytes);
            address = ((nint)name, LinuxDatagrams.WriteAddress(to, name));
            _addresses[to] = address;
        }
        return address;
    }

    private void Reserve(int count)
    {
        if (count <= _capacity) return;
        _headers = (LinuxDatagrams.MessageHeader*)NativeMemory.Realloc(_headers, (nuint)(count * sizeof(LinuxDatagrams.MessageHeader)));
        _vectors = (LinuxDatagrams.IoVector*)NativeMemory.Realloc(_vectors, (nuint)(count * sizeof(LinuxDatagrams.IoVector)));
        _pins = new GCHandle[count];
        _capacity = count;
    }
}
