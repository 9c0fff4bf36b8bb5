// The real network (the runtime driver): both UDP transports receive the same way, so the loop
// that reads a socket until it is closed, and survives every error on the way, is written once.
//
// It is a thread of its own, blocked in the kernel's receive call, not an asynchronous receive:
// the datagram then wakes exactly one thread, which runs the node at once (EventLoop). An
// asynchronous receive wakes the socket engine's thread, which wakes a thread-pool thread to run
// the continuation: two wake-ups per datagram, and on two cores shared by five nodes a token hop
// pays for both (Corosync's poll loop pays for one).
//
// With batching (SystemCallBatching.Receive, 64-bit Linux) the blocked call is recvmmsg, which
// returns every datagram already waiting, up to a batch, for one system call; elsewhere it is
// Socket.ReceiveFrom, one datagram a call. Either way a datagram is handed over in the buffer it
// was received into (ReceiveBuffers), not copied.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Evs.Runtime;

/// <summary>Reads datagrams from one socket until cancelled or closed; an error is logged and counted, never thrown.</summary>
internal static unsafe class ReceiveLoop
{
    /// <summary>Datagrams one recvmmsg may return.</summary>
    public const int Batch = 16;

    /// <summary>Buffers lent to the node at once beyond the loop's own (4 MiB); past that, datagrams are copied.</summary>
    public const int LentLimit = 64;

    // After a failed receive the loop waits this long, so that a socket that fails on every call
    // (a bug, not the network) does not spin a core.
    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(10);

    // How long a batched receive waits before it looks whether the loop is stopped (the socket's
    // receive timeout): a Dispose wakes it at once (shutdown), this is only the safety net.
    private static readonly TimeSpan StopCheck = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Starts a background thread that calls <paramref name="received"/> with each datagram read
    /// from <paramref name="socket"/> (in a buffer the consumer gives back with
    /// <see cref="LentBuffer.Return"/>) and its source, until <paramref name="stop"/> is cancelled
    /// and the socket closed; in recvmmsg batches when <paramref name="batch"/> and the platform
    /// allows it. The task completes when the thread has ended.
    /// </summary>
    public static Task Start(Socket socket, bool batch, Action<LentBuffer, IPEndPoint> received, TransportCounters counters, ILogger logger, CancellationToken stop)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool batched = batch && LinuxDatagrams.Available;
        if (batched) socket.ReceiveTimeout = (int)StopCheck.TotalMilliseconds;
        var thread = new Thread(() =>
        {
            try
            {
                var buffers = new ReceiveBuffers(LentLimit);
                if (batched) RunBatched(socket, buffers, received, counters, logger, stop);
                else Run(socket, buffers, received, counters, logger, stop);
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

    private static void Run(Socket socket, ReceiveBuffers buffers, Action<LentBuffer, IPEndPoint> received, TransportCounters counters, ILogger logger, CancellationToken stop)
    {
        var buffer = ReceiveBuffers.Pinned();
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
            counters.CountReceiveCall();
            Hand(received, buffers.HandOver(ref buffer, length), (IPEndPoint)source, counters, logger);
        }
    }

    // recvmmsg into Batch buffers, each with room for its source address; every datagram of a
    // call is handed over in its buffer, and the buffer's place taken by another.
    private static void RunBatched(Socket socket, ReceiveBuffers buffers, Action<LentBuffer, IPEndPoint> received, TransportCounters counters, ILogger logger, CancellationToken stop)
    {
        var slots = Enumerable.Range(0, Batch).Select(_ => ReceiveBuffers.Pinned()).ToArray();
        var headers = (LinuxDatagrams.MessageHeader*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(LinuxDatagrams.MessageHeader)));
        var vectors = (LinuxDatagrams.IoVector*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(LinuxDatagrams.IoVector)));
        var names = (byte*)NativeMemory.AllocZeroed((nuint)(Batch * LinuxDatagrams.AddressBytes));
        try
        {
            while (!stop.IsCancellationRequested)
            {
                for (int k = 0; k < Batch; k++)
                {
                    vectors[k] = new LinuxDatagrams.IoVector { Base = (void*)Marshal.UnsafeAddrOfPinnedArrayElement(slots[k], 0), Length = ReceiveBuffers.Size };
                    headers[k] = new LinuxDatagrams.MessageHeader { Name = names + k * LinuxDatagrams.AddressBytes, NameLength = LinuxDatagrams.AddressBytes, Vectors = vectors + k, VectorCount = 1 };
                }
                int count;
                int errno;
                try
                {
                    count = LinuxDatagrams.Receive(socket, headers, Batch, out errno);
                }
                catch (ObjectDisposedException)
                {
                    return; // closed: the transport is being disposed
                }
                if (stop.IsCancellationRequested) return;
                if (count < 0)
                {
                    if (errno is LinuxDatagrams.EAGAIN or LinuxDatagrams.EINTR) continue; // the stop check's timeout, or a signal
                    counters.CountReceiveError();
                    RuntimeLog.ReceiveManyFailed(logger, SafeLocalEndPoint(socket), errno, counters.ReceiveErrors);
                    if (stop.WaitHandle.WaitOne(ErrorPause)) return;
                    continue;
                }
                counters.CountReceiveCall();
                for (int k = 0; k < count; k++)
                {
                    if (LinuxDatagrams.ReadAddress(names + k * LinuxDatagrams.AddressBytes) is not { } source) continue;
                    Hand(received, buffers.HandOver(ref slots[k], (int)headers[k].Transferred), source, counters, logger);
                }
            }
        }
        finally
        {
            NativeMemory.Free(headers);
            NativeMemory.Free(vectors);
            NativeMemory.Free(names);
        }
    }

    // The consumer (the node's event loop) catches its own failures; one that escapes anyway is a
    // bug, and on a thread of its own it would end the whole process. It is logged and counted,
    // the datagram is lost, and receiving goes on.
    private static void Hand(Action<LentBuffer, IPEndPoint> received, LentBuffer datagram, IPEndPoint source, TransportCounters counters, ILogger logger)
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
