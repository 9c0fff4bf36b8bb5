// The real network (the runtime driver): both UDP transports receive the same way, so the loop
// that reads a socket until it is closed, and survives every error on the way, is written once.
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Evs.Reference.Runtime;

/// <summary>Reads datagrams from one socket until cancelled or closed; an error is logged and counted, never thrown.</summary>
internal static class ReceiveLoop
{
    // The largest UDP payload over IPv4 is 65,507 bytes; a datagram never exceeds the buffer.
    private const int BufferSize = 65_536;

    // After a failed receive the loop waits this long, so that a socket that fails on every call
    // (a bug, not the network) does not spin a core.
    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Calls <paramref name="received"/> with a copy of each datagram read from
    /// <paramref name="socket"/> and its source, until <paramref name="stop"/> is cancelled or the
    /// socket is closed.
    /// </summary>
    public static async Task RunAsync(Socket socket, Action<byte[], IPEndPoint> received, TransportCounters counters, ILogger logger, CancellationToken stop)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(BufferSize);
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException
                || ex is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted } && stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                counters.CountReceiveError();
                RuntimeLog.ReceiveFailed(logger, socket.LocalEndPoint, ex.SocketErrorCode, counters.ReceiveErrors);
                try
                {
                    await Task.Delay(ErrorPause, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            received(buffer.AsSpan(0, result.ReceivedBytes).ToArray(), (IPEndPoint)result.RemoteEndPoint);
        }
    }
}
