// The control socket of `evs node`: a Unix domain socket (default <store>/control.sock) through
// which `evs ctl` and `evs cluster` drive a running node without a terminal. Readable and
// writable by the node's user only, since whoever can write to it can partition and stop the node.
//
// The line protocol (UTF-8, lines end with '\n'). A client connects and sends ONE request line,
// the words of ControlRequest:
//
//     status | isolate | block P... [in|out|both] | heal | send [--service causal|agreed|safe] TEXT | quit | end | events
//
// and the node answers with ONE line of JSON, then closes the connection:
//
//     {"ok":true,"message":"p1 blocks p3: now cut off from p3"}
//     {"ok":false,"message":"unknown peer p9: it knows p2, p3; nothing was blocked"}
//     {"ok":true,"message":"p1 running, Operational, ...","status":{"id":"p1","state":"Operational",...}}
//
// `status`, `quit` and `end` carry the node's status (NodeReport; after quit and end, the final
// one, written once the node has stopped). `quit` is the node leaving the group: the others see it
// fail and its trace ends with its fail line. `end` ends its part in a run that is ended for every
// node at once (evs cluster's /quit): nothing more is traced, so its trace ends in the configuration
// it is in, and the tool that saw every node stop in one quiescent configuration marks the traces
// quiescent (docs/TRACE.md). `events` is the one stream: after the answer line, the node writes
// one JSON line per delivery and configuration change (EventLine), starting with its current
// regular configuration (and, for a node in a named group, the group's current view), until it
// stops or the client hangs up:
//
//     {"event":"deliver_conf","c":"R8.p1","kind":"regular","members":["p1","p2","p3"]}
//     {"event":"deliver","sender":"p2","m":"p2.8.1","c":"R8.p1","svc":"agreed","payload":"aGVsbG8="}
//
// Behind the virtual synchrony filter (evs node --vs), the stream has views, deliveries in them and
// the changes of the blocked state instead, starting with the current view or blocked state:
//
//     {"event":"sends_blocked","reason":"p3 is not in the primary component (Rule 2 …) …"}
//     {"event":"view","v":"R9.p1#1","identity":"p3~1","members":["p1","p2","p3~1"],"c":"R9.p1"}
//     {"event":"sends_unblocked","identity":"p3~1","v":"R9.p1#1"}
//     {"event":"deliver_in_view","sender":"p2","m":"p2.9.1","v":"R9.p1#1","svc":"abcast","payload":"aGVsbG8="}
//
// A node in a named group (evs node --group) adds the group's views, its deliveries, its leaving
// the group, and (for any node) a handler of the application that threw:
//
//     {"event":"group_view","group":"chat","v":"F:p1.1.5{p1,p2}","kind":"regular","members":["p1","p2"],"joined":["p2"],"left":[],"cause":"joined_or_left"}
//     {"event":"group_deliver","group":"chat","sender":"p2","m":"p2.1.6","v":"F:p1.1.5{p1,p2}","svc":"agreed","payload":"aGVsbG8="}
//     {"event":"group_left","group":"chat","v":"F:p1.1.5{p1,p2}","left":true}
//     {"event":"handler_failed","failed":"MessageDeliveredEvent","error":"InvalidOperationException: …"}
using System.Net.Sockets;
using System.Text;
using Evs.Runtime;

namespace Evs.Cli.Network;

/// <summary>Listens on a Unix domain socket and serves each connection one request (<see cref="NodeController"/>).</summary>
internal sealed class ControlServer : IAsyncDisposable
{
    /// <summary>The socket's file name in a store directory when no path is given.</summary>
    public const string DefaultFileName = "control.sock";

    // How long a client may take to send its request line; how long disposal waits for answers in flight.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _listener;
    private readonly NodeController _controller;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<Task> _connections = [];
    private Task _accepting = Task.CompletedTask;

    private ControlServer(string path, Socket listener, NodeController controller)
    {
        Path = path;
        _listener = listener;
        _controller = controller;
    }

    /// <summary>The socket's path.</summary>
    public string Path { get; }

    /// <summary>
    /// Listens at <paramref name="path"/>. A socket file left by a node that was killed is
    /// replaced; one where a node still answers is not.
    /// </summary>
    /// <exception cref="IOException">A node already listens there, or the path is too long for a Unix socket.</exception>
    /// <exception cref="SocketException">The socket cannot be bound.</exception>
    public static ControlServer Start(string path, NodeController controller)
    {
        var full = System.IO.Path.GetFullPath(path);
        var endPoint = EndPointOf(full);
        if (File.Exists(full))
        {
            if (Answers(endPoint)) throw new IOException($"a node is already listening on {full}: is one running on this store already?");
            File.Delete(full);
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(endPoint);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        var server = new ControlServer(full, listener, controller);
        server._accepting = Task.Run(server.AcceptAsync);
        return server;
    }

    /// <summary>The endpoint of the socket at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The path is longer than a Unix socket address allows.</exception>
    public static UnixDomainSocketEndPoint EndPointOf(string path)
    {
        try
        {
            return new UnixDomainSocketEndPoint(path);
        }
        catch (ArgumentException ex)
        {
            throw new IOException($"{path} is too long for a Unix domain socket (about 100 bytes at most); give a shorter --control path", ex);
        }
    }

    /// <summary>Stops listening, waits a little for answers in flight, and removes the socket file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        Task[] open;
        lock (_lock) open = [.. _connections];
        await Task.WhenAny(Task.WhenAll(open), Task.Delay(DrainTimeout));
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Another node may have taken the path over; leaving the file is harmless.
        }
    }

    private static bool Answers(UnixDomainSocketEndPoint endPoint)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(endPoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_lock)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(Task.Run(() => ServeAsync(connection)));
            }
        }
    }

    // One connection: read the request line, answer it (or stream events), close.
    private async Task ServeAsync(Socket connection)
    {
        using var socket = connection;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
        try
        {
            string? line;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                timeout.CancelAfter(RequestTimeout);
                line = await reader.ReadLineAsync(timeout.Token);
            }
            if (line is null) return;
            ControlRequest request;
            try
            {
                request = ControlRequest.Parse(line);
            }
            catch (FormatException ex)
            {
                await writer.WriteLineAsync(ControlJson.Line(new ControlReply(false, ex.Message)));
                return;
            }
            if (request is ControlRequest.Events) await StreamEventsAsync(writer);
            else await writer.WriteLineAsync(ControlJson.Line(await _controller.ExecuteAsync(request, _stop.Token)));
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The client hung up, was too slow, or the node is closing: nothing to answer to.
        }
    }

    // The answer, then every event until the node stops (its enumeration ends) or the server does.
    private async Task StreamEventsAsync(StreamWriter writer)
    {
        var node = _controller.Node;
        var events = node.Events(_stop.Token);
        // The group's view at the moment of subscription: what the stream goes on from, as the ring's configuration is.
        var groupView = _controller.Group?.CurrentView;
        await writer.WriteLineAsync(ControlJson.Line(new ControlReply(true, $"the events of {node.Id} follow, one JSON line each")));
        try
        {
            await foreach (var e in events)
            {
                if (groupView is not null && e is not ConfigurationChangedEvent)
                    await writer.WriteLineAsync(ControlJson.Line<EventLine>(GroupViewLine.Of(groupView)));
                await writer.WriteLineAsync(ControlJson.Line(EventLine.Of(e)));
                if (groupView is not null && e is ConfigurationChangedEvent)
                    await writer.WriteLineAsync(ControlJson.Line<EventLine>(GroupViewLine.Of(groupView)));
                groupView = null;
            }
        }
        catch (Exception) when (node.Host.Fault is not null)
        {
            // The node failed: its stream ends with the failure, which the node's own output reports.
        }
    }
}
