// The real network (the runtime driver): both UDP transports receive the same way, so the loop
// that reads a socket until it is closed, and survives every error on the way, is written once.
//
// It is a thread of its own, blocked in the kernel's receive call, not an asynchronous receive:
// the datagram then wakes exactly one thread, which runs the node at once (EventLoop). An
// asynchronous receive wakes the socket engine's thread, which wakes a thread-pool thread to run
// the continuation: two wake-ups per datagram, and on two cores shared by five nodes a token hop
// pays for both (Corosync's poll loop pays for one).
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Evs.Runtime;

/// <summary>Reads datagrams from one socket until cancelled or closed; an error is logged and counted, never thrown.</summary>
internal static class ReceiveLoop
{
    // The largest UDP payload over IPv4 is 65,507 bytes; a datagram never exceeds the buffer.
    private const int BufferSize = 65_536;

    // After a failed receive the loop waits this long, so that a socket that fails on every call
    // (a bug, not the network) does not spin a core.
    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Starts a background thread that calls <paramref name="received"/> with a copy of each
    /// datagram read from <paramref name="socket"/> and its source, until <paramref name="stop"/>
    /// is cancelled and the socket closed. The task completes when the thread has ended.
    /// </summary>
    public static Task Start(Socket socket, Action<byte[], IPEndPoint> received, TransportCounters counters, ILogger logger, CancellationToken stop)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(socket, received, counters, logger, stop);
            }
            finally
            {
                ended.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = $"evs receive {socket.LocalEndPoint}",
        };
        thread.Start();
        return ended.Task;
    }

    private static void Run(Socket socket, Action<byte[], IPEndPoint> received, TransportCounters counters, ILogger logger, CancellationToken stop)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(BufferSize);
        var any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            EndPoint source = any;
            int length;
            try
            {
                length = socket.ReceiveFrom(buffer, SocketFlags.None, ref source);
            }
            catch (Exception ex) when (stop.IsCancellationRequested && ex is ObjectDisposedException or SocketException)
            {
                return; // closed on purpose: the transport is being disposed
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                counters.CountReceiveError();
                RuntimeLog.ReceiveFailed(logger, SafeLocalEndPoint(socket), ex.SocketErrorCode, counters.ReceiveErrors);
                if (stop.WaitHandle.WaitOne(ErrorPause)) return;
                continue;
            }
            Hand(received, buffer.AsSpan(0, length).ToArray(), (IPEndPoint)source, counters, logger);
        }
    }

    // The consumer (the node's event loop) catches its own failures; one that escapes anyway is a
    // bug, and on a thread of its own it would end the whole process. It is logged and counted,
    // the datagram is lost, and receiving goes on.
    private static void Hand(Action<byte[], IPEndPoint> received, byte[] datagram, IPEndPoint source, TransportCounters counters, ILogger logger)
    {
        try
        {
            received(datagram, source);
        }
        catch (Exception ex)
        {
            counters.CountReceiveError();
            RuntimeLog.ConsumerFailed(logger, source, counters.ReceiveErrors, ex);
        }
    }

    private static EndPoint? SafeLocalEndPoint(Socket socket)
    {
        try
        {
            return socket.LocalEndPoint;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }
}
