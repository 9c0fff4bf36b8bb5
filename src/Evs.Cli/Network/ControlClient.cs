// The client side of the control socket (ControlServer has the protocol): `evs ctl` sends one
// request and prints the answer, `evs cluster` drives its nodes and follows their events with it.
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace Evs.Cli.Network;

/// <summary>No node answers at a control socket path: not running, or another path.</summary>
internal sealed class ControlUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Requests to a node's control socket.</summary>
internal static class ControlClient
{
    /// <summary>The socket of <paramref name="nodeOrStore"/>: a store directory's <c>control.sock</c>, or the path itself.</summary>
    public static string SocketPath(string nodeOrStore) =>
        Directory.Exists(nodeOrStore) ? Path.Combine(nodeOrStore, ControlServer.DefaultFileName) : nodeOrStore;

    /// <summary>Sends <paramref name="request"/> to the node at <paramref name="path"/> and returns its answer, within <paramref name="timeout"/>.</summary>
    /// <exception cref="ControlUnreachableException">No node answers there, or not in time, or not in the protocol.</exception>
    public static async Task<ControlReply> RequestAsync(string path, ControlRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var socket = await ConnectAsync(path, deadline.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = await SendAsync(stream, request, deadline.Token);
            return await ReadReplyAsync(reader, path, deadline.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ControlUnreachableException($"the node at {path} did not answer within {timeout.TotalSeconds:0.#} s", ex);
        }
        catch (IOException ex)
        {
            throw new ControlUnreachableException($"the node at {path} closed the connection without an answer: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The events of the node at <paramref name="path"/> (the <c>events</c> stream), from now until
    /// the node stops (the sequence ends) or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <exception cref="ControlUnreachableException">No node answers there, or it refused.</exception>
    public static async IAsyncEnumerable<EventLine> EventsAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var socket = await ConnectAsync(path, cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = await SendAsync(stream, new ControlRequest.Events(), cancellationToken);
        var reply = await ReadReplyAsync(reader, path, cancellationToken);
        if (!reply.Ok) throw new ControlUnreachableException($"the node at {path} refused its events: {reply.Message}");
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken);
            }
            catch (IOException)
            {
                yield break; // the node was killed
            }
            if (line is null) yield break;
            yield return ReadEvent(line, path);
        }
    }

    private static EventLine ReadEvent(string line, string path)
    {
        try
        {
            return ControlJson.Read<EventLine>(line);
        }
        catch (FormatException ex)
        {
            throw new ControlUnreachableException($"the node at {path} sent an event that is not in the protocol: {ex.Message}", ex);
        }
    }

    private static async Task<Socket> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new ControlUnreachableException($"no control socket at {path}: is the node running? A node listens on <store>/{ControlServer.DefaultFileName} unless --control says otherwise");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(ControlServer.EndPointOf(Path.GetFullPath(path)), cancellationToken);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            socket.Dispose();
            throw new ControlUnreachableException($"no node answers at {path} ({ex.Message}): is it running? A node listens on <store>/{ControlServer.DefaultFileName} unless --control says otherwise", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Writes the request line; returns the reader of the answer.
    private static async Task<StreamReader> SendAsync(NetworkStream stream, ControlRequest request, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(request.Line + "\n");
        await stream.WriteAsync(line, cancellationToken);
        return new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
    }

    private static async Task<ControlReply> ReadReplyAsync(StreamReader reader, string path, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken)
            ?? throw new ControlUnreachableException($"the node at {path} closed the connection without an answer");
        try
        {
            return ControlJson.Read<ControlReply>(line);
        }
        catch (FormatException ex)
        {
            throw new ControlUnreachableException($"the node at {path} answered outside the protocol: {ex.Message}", ex);
        }
    }
}
