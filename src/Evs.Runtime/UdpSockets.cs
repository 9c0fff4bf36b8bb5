// The real network (the runtime driver): the socket settings and the send call both UDP
// transports share, so that an error on send is handled (logged, counted, never thrown) in one place.
using System.Net;
using System.Net.Sockets;
using Evs.Reference.Model;
using Microsoft.Extensions.Logging;

namespace Evs.Runtime;

/// <summary>Creating and sending on the UDP sockets of the transports.</summary>
internal static class UdpSockets
{
    // Totem sends bursts (up to a window of messages per token visit); a larger kernel buffer
    // loses fewer of them. The kernel clamps it to its own maximum (net.core.rmem_max).
    private const int SocketBufferBytes = 4 << 20;

    /// <summary>A UDP socket bound to <paramref name="bind"/>, with large buffers, for process <paramref name="self"/>.</summary>
    /// <exception cref="AddressInUseException">Another socket is bound to the address: most likely <paramref name="self"/> runs already.</exception>
    public static Socket Bound(IPEndPoint bind, ProcessId self)
    {
        var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = SocketBufferBytes;
            socket.SendBufferSize = SocketBufferBytes;
            socket.Bind(bind);
            return socket;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(bind, self);
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

/// <summary>
/// The address a process was to bind to is taken. On one machine, where every process of a
/// cluster has its own port, that is most likely the same process already running, started again
/// (a second process with one identifier must not run: docs/BAD-PEERS.md); or another program.
/// A <see cref="SocketException"/>, as any other failure to bind, with a message that says so.
/// </summary>
public sealed class AddressInUseException(IPEndPoint address, ProcessId process) : SocketException((int)SocketError.AddressAlreadyInUse)
{
    /// <summary>The address that is taken.</summary>
    public IPEndPoint Address { get; } = address;

    /// <inheritdoc/>
    public override string Message =>
        $"{Address} is in use: is {process} running already? A process runs once: a second {process} must not run beside the first. " +
        $"If {process} is not running, another program holds the port: give {process} another address";
}
