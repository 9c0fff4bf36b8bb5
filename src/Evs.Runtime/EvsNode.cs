// The real network (the library API): one process of an extended virtual synchrony group, for
// prototypers, in a few lines: start it, send, read what is delivered and how the configuration
// changes, cut traffic for a demonstration, stop it. Everything else is NodeHost's.
using System.Net;
using Evs.Reference.Groups;
using Evs.Reference.Model;
using Evs.Runtime.Storage;
using Evs.Runtime.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Evs.Runtime;

/// <summary>
/// A running process of the group:
/// <code>
/// await using var node = await EvsNode.StartAsync(new EvsNodeOptions { Id = new("p1"), Bind = ..., Peers = ... });
/// await node.SendAsync("hello"u8.ToArray(), DeliveryService.Agreed);
/// await foreach (var e in node.Events(cancellationToken)) ...
/// </code>
/// The transport is UDP unicast to the peers, or multicast when <see cref="EvsNodeOptions.Multicast"/>
/// is set; datagrams are protected when a key file is given.
/// <para>
/// <b>Threading.</b> Every member may be called from any thread. The protocol runs one input at a
/// time, sometimes on the thread of a call (a <see cref="SendAsync"/> may run a step of the node);
/// application code never does: handlers (<see cref="OnEvent"/>) are called by one dispatcher
/// task of this process's own, one event at a time, in the order of the events, never inside a
/// call of yours and never on the protocol's thread; <see cref="Events"/> streams are read on
/// whatever thread enumerates them; receipt completions (<see cref="SendReceipt"/>) continue
/// asynchronously. A handler is an <see cref="Action{T}"/>: it may start a send, but must not
/// block on its receipt (the events after it wait for the handler to return); an async lambda
/// runs on past its first await outside the dispatcher, where a failure is not reported.
/// </para>
/// </summary>
public sealed class EvsNode : IAsyncDisposable
{
    private EvsNode(NodeHost host) => Host = host;

    /// <summary>The host that runs this process (status, counters, trace).</summary>
    internal NodeHost Host { get; }

    /// <summary>This process.</summary>
    public ProcessId Id => Host.Id;

    /// <summary>The address it sends from and receives on.</summary>
    public IPEndPoint LocalEndPoint => Host.Transport.LocalEndPoint;

    /// <summary>
    /// Starts a process with <paramref name="options"/>, logging to <paramref name="loggers"/>. The
    /// store's lock (<see cref="StoreLock"/>) is taken first, before the key file is read or the
    /// address bound, so that a second process on a running node's store is refused with that
    /// reason, having touched nothing.
    /// </summary>
    /// <exception cref="ArgumentException">An option cannot work.</exception>
    /// <exception cref="KeyFileException">The key file cannot be read, or others than its owner may read or write it (see <see cref="EvsNodeOptions.InsecureKeyFile"/>).</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The address cannot be bound, or the group not joined.</exception>
    /// <exception cref="Storage.StableStorageException">Another process runs on the store, or the store cannot be read, or its state is lost (<see cref="EvsNodeOptions.NewIdentity"/>).</exception>
    public static async Task<EvsNode> StartAsync(EvsNodeOptions options, ILoggerFactory? loggers = null)
    {
        options.Validate();
        var storeLock = StoreLock.Acquire(options.Store, $"process {options.Id}");
        try
        {
            return await StartLockedAsync(options, storeLock, loggers).ConfigureAwait(false);
        }
        catch
        {
            storeLock.Dispose();
            throw;
        }
    }

    // The rest of the start, with the store locked; the host owns the lock once it has started.
    // The incarnation is advanced first, before anything can be sent, so that no datagram of this
    // run carries an earlier run's (a start refused later has used one up, which costs nothing).
    private static async Task<EvsNode> StartLockedAsync(EvsNodeOptions options, StoreLock storeLock, ILoggerFactory? loggers)
    {
        ulong incarnation = IncarnationFile.Advance(storeLock.Directory, options.Time);
        var wire = new WireFormat(new WireOptions(options.ClusterName, Protection(options, loggers), options.Id, incarnation, options.MaxDatagramBytes));
        ITransport transport;
        try
        {
            var logger = loggers?.CreateLogger<ITransport>();
            transport = options.Multicast is { } multicast
                ? new UdpMulticastTransport(options.Id, options.BindEndPoint, multicast.Group, options.Peers, multicast.TimeToLive, logger, options.Batching)
                : new UdpUnicastTransport(options.Id, options.BindEndPoint, options.Peers, logger, options.Batching);
        }
        catch
        {
            wire.Dispose();
            throw;
        }
        try
        {
            return new EvsNode(NodeHost.Start(options, transport, wire, storeLock, loggers));
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            wire.Dispose();
            throw;
        }
    }

    // How datagrams are protected: not at all in an open cluster, else under the key file's key. A
    // key file open to others, used because the options allow it, is worth a warning in the log.
    private static WireSecurity Protection(EvsNodeOptions options, ILoggerFactory? loggers)
    {
        if (options.KeyFile is not { } keyFile) return WireSecurity.None;
        var logger = (ILogger?)loggers?.CreateLogger<EvsNode>() ?? NullLogger.Instance;
        var key = KeyFile.Read(keyFile, options.InsecureKeyFile, warning => RuntimeLog.InsecureKeyFile(logger, options.Id, warning));
        return options.Security == WireSecurityMode.HmacSha256 ? WireSecurity.Hmac(key) : WireSecurity.AesGcm(key);
    }

    /// <summary>
    /// Sends <paramref name="payload"/> (copied) to the group with <paramref name="service"/>, and
    /// returns its receipt once the ring has given the message its identifier (when this process
    /// sends it on the token): the identifier, the regular configuration it was sent in, and the
    /// completions of its delivery here and, for a safe message, of its safe delivery, which end
    /// as <see cref="MessageLost"/> if the process stops or fails first. Waits first while
    /// <see cref="EvsNodeOptions.MaxPendingSends"/> messages are waiting already.
    /// </summary>
    /// <exception cref="ArgumentException">The message is larger than <see cref="EvsNodeOptions.MaxMessageBytes"/>.</exception>
    /// <exception cref="SendsBlockedException">Behind the virtual synchrony filter (<see cref="EvsNodeOptions.VirtualSynchrony"/>), the process is outside the primary component: its reason says why, and a <see cref="SendsUnblockedEvent"/> says when sends are accepted again.</exception>
    /// <exception cref="MessageLostException">The process stopped or failed while the message waited for the token: it was never sent.</exception>
    /// <exception cref="InvalidOperationException">The process has stopped or failed.</exception>
    public async Task<SendReceipt> SendAsync(ReadOnlyMemory<byte> payload, DeliveryService service, CancellationToken cancellationToken = default)
    {
        var receipt = await Host.SendAsync(payload.ToArray(), service, cancellationToken).ConfigureAwait(false);
        return await receipt.ConfigureAwait(false);
    }

    /// <summary>
    /// Joins the named group <paramref name="name"/> (lightweight groups over this ring, as
    /// Corosync's CPG and Spread's groups): completes when this process is in a view of the group.
    /// From then on the group's views and messages arrive as <see cref="GroupViewChangedEvent"/> and
    /// <see cref="GroupMessageDeliveredEvent"/>, through <see cref="Events"/> and <see cref="OnEvent"/>;
    /// every member sees the same views in the same order relative to the group's messages, and
    /// the paper's specifications hold per group. A group's membership is not kept across a restart:
    /// join again after one.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, longer than 255 bytes of UTF-8, or not valid Unicode text.</exception>
    /// <exception cref="InvalidOperationException">This process is in the group already (or joining it), runs behind the virtual synchrony filter, or has stopped.</exception>
    public async Task<NamedGroup> JoinAsync(string name, CancellationToken cancellationToken = default)
    {
        await Host.JoinGroupAsync(name, cancellationToken).ConfigureAwait(false);
        return new NamedGroup(Host, name);
    }

    /// <summary>
    /// The configuration this process is in now, the last it delivered (regular or transitional),
    /// with who joined, who left and why (<see cref="View.Cause"/>); null before its first. Read at
    /// once, from any thread; the same configuration, without the filter, that the last
    /// <see cref="ConfigurationChangedEvent"/> carried.
    /// </summary>
    public View? CurrentView => Host.CurrentView;

    /// <summary>
    /// Deliveries and configuration changes from the moment of this call (not of the first
    /// iteration), starting with the current regular configuration when there is one; behind the
    /// virtual synchrony filter, views of the primary component and deliveries in them, starting
    /// with the current view or blocked state. Also every <see cref="HandlerFailedEvent"/>. Each
    /// call is a stream of its own, buffered: enumerate it, or cancel it. It ends when the process
    /// stops, with the failure when it failed.
    /// </summary>
    public IAsyncEnumerable<EvsNodeEvent> Events(CancellationToken cancellationToken = default) => Host.Events(cancellationToken);

    /// <summary>
    /// Calls <paramref name="handler"/> with every delivery and configuration change from now on,
    /// first with the current configuration, in order, from this process's dispatcher (see the
    /// class: never inside your own call, never two at once). A handler that throws stays
    /// subscribed: the exception is logged as an error and told to every subscriber as a
    /// <see cref="HandlerFailedEvent"/>. Dispose the result to unsubscribe.
    /// </summary>
    public IDisposable OnEvent(Action<EvsNodeEvent> handler) => Host.OnEvent(handler);

    /// <summary>This process's state (see <see cref="NodeStatus"/>).</summary>
    internal Task<NodeStatus> GetStatusAsync(CancellationToken cancellationToken = default) => Host.GetStatusAsync(cancellationToken);

    /// <summary>Drops every datagram to and from <paramref name="peers"/>, as if the network between them were cut (both ways).</summary>
    public void Block(params ProcessId[] peers) => Host.Traffic.Block(peers);

    /// <summary>
    /// Drops the datagrams of <paramref name="peers"/> one way (<see cref="TrafficDirection.In"/>: what
    /// they send here; <see cref="TrafficDirection.Out"/>: what this process sends them) or both, as a
    /// network that loses traffic in one direction only would (see <see cref="TrafficFilter"/>).
    /// </summary>
    public void Block(TrafficDirection direction, params ProcessId[] peers) => Host.Traffic.Block(direction, peers);

    /// <summary>Drops every datagram to and from anyone.</summary>
    public void Isolate() => Host.Traffic.Isolate();

    /// <summary>Undoes every cut: each block, either way, and <see cref="Isolate"/>.</summary>
    public void Heal() => Host.Traffic.Heal();

    /// <summary>
    /// Leaves gracefully, then stops: the process announces its leave at a point of the ring's total order,
    /// sends what it was handed, delivers everything ordered before its leave, and the others
    /// install the configuration without it at once, naming it in <see cref="View.LeftGracefully"/>
    /// (<see cref="ChangeCause.GracefulLeave"/>) instead of waiting for a failure to be noticed.
    /// Sends are refused from this call on. If the leave cannot be done within the token loss
    /// timeout (the ring is changing, the network lost the token), the process just stops and the
    /// others see it fail. A send not delivered here by then ends as lost. Its next start on the
    /// same store is a restart (<see cref="ChangeCause.Recovered"/>).
    /// </summary>
    public Task StopAsync() => Host.StopAsync();

    /// <summary>Stops the process at once, as kill -9 would (see <see cref="NodeHost.CrashAsync"/>); returns its final state.</summary>
    internal Task<NodeStatus> CrashAsync() => Host.CrashAsync();

    /// <summary>Ends this process's part in a run that ends here, without failing (see <see cref="NodeHost.EndRunAsync"/>); returns its final state.</summary>
    internal Task<NodeStatus> EndRunAsync() => Host.EndRunAsync();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
