// The real network (the runtime driver): the socket settings and the send call both UDP
// transports share, so that an error on send is handled (logged, counted, never thrown) in one place.
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Evs.Runtime;

/// <summary>Creating and sending on the UDP sockets of the transports.</summary>
internal static class UdpSockets
{
    // Totem sends bursts (up to a window of messages per token visit); a larger kernel buffer
    // loses fewer of them. The kernel clamps it to its own maximum (net.core.rmem_max).
    private const int SocketBufferBytes = 4 << 20;

    /// <summary>A UDP socket bound to <paramref name="bind"/>, with large buffers.</summary>
    public static Socket Bound(IPEndPoint bind)
    {
        var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = SocketBufferBytes;
            socket.SendBufferSize = SocketBufferBytes;
            socket.Bind(bind);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one datagram; a failure is a lost datagram: logged, counted, not thrown.</summary>
    public static void SendTo(Socket socket, ReadOnlySpan<byte> datagram, IPEndPoint to, TransportCounters counters, ILogger logger)
    {
        counters.CountSendCall();
        try
        {
            socket.SendTo(datagram, SocketFlags.None, to);
            counters.CountSent();
        }
        catch (SocketException ex)
        {
            counters.CountSendError();
            RuntimeLog.SendFailed(logger, to, ex.SocketErrorCode, counters.SendErrors);
        }
        catch (ObjectDisposedException)
        {
            // The transport is being disposed while the host sends its last outputs: nothing to do.
        }
    }
}
