// The real network (the runtime driver): the second driver of the sans-IO node, after the
// simulator. Where the simulator has a virtual clock and a network model, this has real timers,
// a UDP transport, a wire format, a stable storage file and a trace file; the node is the same,
// and is only ever called from one event loop, one input at a time.
using System.Net;
using Evs.Reference.Groups;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Storage;
using Evs.Reference.Tracing;
using Evs.Runtime.Storage;
using Evs.Runtime.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Evs.Runtime;

/// <summary>
/// Runs one <see cref="TotemNode"/> over a real network.
/// <list type="bullet">
/// <item><b>One event loop.</b> Datagrams, timer expiries and the application's sends are inputs
/// of one <see cref="EventLoop{T}"/>: they run one at a time, in order, on the thread that brought
/// them when no other is running inputs (no hand-over to a loop thread on every hop of the token);
/// the node is called from there only.</item>
/// <item><b>Start.</b> The store is locked first (<see cref="StoreLock"/>), for as long as the host
/// runs. A process whose store (<see cref="FileStableStorage"/>) is empty starts
/// (<see cref="Evs.Reference.Node.Start"/>); one whose store has state restarts (<see cref="Evs.Reference.Node.Restart"/>),
/// after writing the <c>fail</c> line of the configuration its previous run ended in (docs/TRACE.md).
/// A store whose state is lost is refused unless <see cref="EvsNodeOptions.NewIdentity"/>: its
/// state file deleted (the storage's marker says it was saved), or the whole store gone while the
/// trace holds events of an earlier run. Both are found before the trace is opened, so a refused
/// start writes nothing.</item>
/// <item><b>Timers.</b> Each StartTimer starts a real one-shot timer with a new generation;
/// StopTimer and a later start make an expiry already on its way stale, and a stale expiry is ignored.</item>
/// <item><b>Packets.</b> The packets of one call of the node are grouped by destination (in the
/// order the destinations first appear), so that the wire format can pack each group; a packet to
/// this process itself (the token of a ring of one) is handed back to the loop, not sent. A
/// datagram is decoded on the loop, and each packet it completes is handed to the node. Each group is
/// encoded with its destination (none for a broadcast, also when a cut makes it go peer by peer), so
/// that a copy sent elsewhere is refused (docs/WIRE.md). The datagrams of one call go to the
/// transport together, in order, which sends them in as few system calls as it can (one sendmmsg
/// on Linux); a received datagram's buffer goes back to the transport once it is decoded.</item>
/// <item><b>Senders.</b> A packet from a process outside <see cref="EvsNodeOptions.AcceptedSenders"/>
/// is dropped before the node sees it, counted in <see cref="Senders"/>, and logged once per identifier.</item>
/// <item><b>Bad peers.</b> A peer configured differently (another key, cluster name or wire
/// version) is named in the log once and counted per peer (<see cref="Mismatches"/>); over
/// multicast, a second process with a member's identifier is dropped before its datagrams are
/// decoded; a join naming a process outside the configuration, and a process that hears nothing
/// at all, are told (docs/BAD-PEERS.md).</item>
/// <item><b>Traffic cuts.</b> <see cref="Traffic"/> drops datagrams to blocked peers after encoding
/// and from them before decoding (and a decoded packet from a blocked sender that the transport
/// could not name); a broadcast with a cut in force goes peer by peer to those not cut off.</item>
/// <item><b>The trace and the application.</b> The trace lines of one call are written and flushed
/// before any of its packets leaves the process and before any of its deliveries is published, so a
/// kill -9 never loses a line whose effect someone else saw.</item>
/// <item><b>Stable storage.</b> A <see cref="PersistState"/> output (the first of its step) is written
/// to the store before anything else of that step takes effect.</item>
/// <item><b>Virtual synchrony.</b> With <see cref="EvsNodeOptions.VirtualSynchrony"/>, every event the
/// process records also goes through the virtual synchrony filter (<see cref="VirtualSynchronyDriver"/>),
/// whose trace lines are flushed with the EVS trace's, and whose events the application sees instead
/// of the EVS ones; a send is refused while the filter is blocked.</item>
/// </list>
/// Errors: a network error is a lost datagram (the transport logs and counts it); a failure of the
/// node or of its stable storage stops the event loop (fail-stop), is logged as critical, and ends
/// every <see cref="Events"/> enumeration with that exception.
/// </summary>
internal sealed class NodeHost : IAsyncDisposable
{
    private abstract record Input;
    private sealed record Begin : Input;
    private sealed record DatagramArrived(ReceivedDatagram Datagram) : Input;
    private sealed record LoopedBack(Packet Packet) : Input;
    private sealed record TimerFired(TimerKind Timer, long Generation) : Input;
    private sealed record SendMessage(SendTracker.Waiting Send, DeliveryService Service) : Input;
    private sealed record StatusAsked(TaskCompletionSource<NodeStatus> Reply) : Input;
    private sealed record SilenceCheck(long Generation) : Input;
    private sealed record LeaveAsked : Input;
    private sealed record GroupAsked(GroupInput Request, long Ticket) : Input;

    private readonly EvsNodeOptions _options;
    private readonly ITransport _transport;
    private readonly IWireFormat _wire;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventLoop<Input> _inputs;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<NodeStatus> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _left = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<TimerKind, GenerationTimer> _timers = new();
    private readonly GenerationTimer _silence;
    private readonly SemaphoreSlim _sendSlots;
    private readonly EventPublisher _events;
    private readonly StoreLock _storeLock;
    private readonly FileStableStorage _storage;
    private readonly StableState? _stored;
    private readonly string? _earlierRun;
    private readonly IProtocolNode _node;
    private readonly NodeTrace? _trace;
    private readonly EventRecorder _recorder;
    private readonly VirtualSynchronyDriver? _vs;
    private readonly SendTracker _sends;
    private readonly ViewHistory _views;
    private readonly GroupLayer _groups;
    private readonly GroupRequests _groupRequests = new();
    private readonly List<GroupOutput> _groupOutputs = [];
    private readonly Queue<RingSendRequested> _groupRingSends = new();
    private bool _sendingForGroups;
    private Configuration? _lastRegular;
    private View? _view;
    private long _delivered, _deliveredInConfiguration;
    private PacketDrops _drops = new();
    private readonly HashSet<(ProcessId Sender, string Kind, string Why)> _claimsLogged = [];
    private readonly HashSet<IPEndPoint> _impostorsLogged = [];
    private readonly HashSet<(IPEndPoint Source, ProcessId Claimed)> _secondsLogged = [];
    private readonly HashSet<(ProcessId Sender, ProcessId Named)> _strangersLogged = [];
    private readonly List<OutgoingDatagram> _outgoing = [];
    private int _sendsQueued;
    private int _stopping;
    private int _leaving;
    private Task? _leaveAttempt;
    private bool _crashed;
    private NodeStatus? _final;
    private string? _lostReason;
    private Exception? _fault;

    private NodeHost(EvsNodeOptions options, ITransport transport, IWireFormat wire, StoreLock storeLock, ILoggerFactory? loggers)
    {
        _storeLock = storeLock;
        _options = options;
        _transport = transport;
        _wire = wire;
        _logger = (ILogger?)loggers?.CreateLogger<NodeHost>() ?? NullLogger.Instance;
        _time = options.Time;
        _inputs = new EventLoop<Input>(Process);
        _events = new EventPublisher((e, ex) => RuntimeLog.HandlerFailed(_logger, options.Id, e.GetType().Name, ex));
        _sends = new SendTracker(options.Id);
        _groups = new GroupLayer(options.Id);
        Id = options.Id;
        Senders = new SenderPolicy(options.AcceptedSenders);
        Mismatches = new PeerMismatches(options.Id, options.ClusterName, options.KeyFile is null ? WireSecurityMode.None : options.Security, options.Peers.Keys, _logger);
        _storage = new FileStableStorage(options.Store, options.SyncStableStorage);
        _stored = _storage.Load(options.NewIdentity);
        _earlierRun = _stored is null ? EarlierRun(options, _storage) : null;
        _views = _stored is null ? new ViewHistory(RunStart.First, null) : new ViewHistory(RunStart.Recovery, _stored.LastConfiguration);
        var primary = options.PrimaryComponent is { } name ? PrimaryComponentAlgorithms.Create(name, options.Universe) : null;
        _node = new TotemNode(options.Id, options.Totem with { IdleTokenHoldMs = options.IdleTokenHold }, options.Membership, primary);
        if (options.VsTracePath is { } vsTrace) VirtualSynchronyDriver.RefuseUnusableTrace(options.Id, vsTrace, storeHasState: _stored is not null);
        _trace = options.TracePath is { } path ? NodeTrace.Open(path, options.Id) : null;
        _recorder = new EventRecorder(options.Id, _trace?.NextIndex ?? 0, _trace?.OpenConfiguration, options.TraceText);
        _vs = options.VirtualSynchrony ? new VirtualSynchronyDriver(options.Id, options.VsTracePath) : null;
        foreach (var kind in Enum.GetValues<TimerKind>())
            _timers[kind] = new GenerationTimer(_time, generation => _inputs.Post(new TimerFired(kind, generation)));
        _silence = new GenerationTimer(_time, generation => _inputs.Post(new SilenceCheck(generation)));
        _sendSlots = new SemaphoreSlim(options.MaxPendingSends, options.MaxPendingSends);
    }

    /// <summary>
    /// Starts process <see cref="EvsNodeOptions.Id"/> on <paramref name="transport"/>, with
    /// <paramref name="wire"/>: locks its store, opens it and its trace, starts receiving, and starts (or
    /// restarts) the node. From then on the host owns the transport and the wire format, and disposes them when it stops.
    /// The wire format must be this process's in an incarnation larger than any of its earlier runs'
    /// (<see cref="IncarnationFile.Advance"/>, as <see cref="EvsNode.StartAsync"/> does), or its peers drop what it sends as stale.
    /// </summary>
    /// <exception cref="ArgumentException">An option cannot work (<see cref="EvsNodeOptions.Validate"/>).</exception>
    /// <exception cref="StableStorageException">Another process runs on the store, or the store cannot be read, or its state is lost: the process must not start as if new.</exception>
    /// <exception cref="InvalidDataException">The trace file is not this process's.</exception>
    public static NodeHost Start(EvsNodeOptions options, ITransport transport, IWireFormat wire, ILoggerFactory? loggers = null)
    {
        options.Validate();
        var storeLock = StoreLock.Acquire(options.Store, $"process {options.Id}");
        try
        {
            return Start(options, transport, wire, storeLock, loggers);
        }
        catch
        {
            storeLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="Start(EvsNodeOptions, ITransport, IWireFormat, ILoggerFactory?)"/> with the store
    /// locked already (<see cref="EvsNode.StartAsync"/> locks it before it binds the address). The
    /// host owns <paramref name="storeLock"/> once started, and releases it when it stops; the caller, if it throws.
    /// </summary>
    internal static NodeHost Start(EvsNodeOptions options, ITransport transport, IWireFormat wire, StoreLock storeLock, ILoggerFactory? loggers)
    {
        options.Validate();
        var host = new NodeHost(options, transport, wire, storeLock, loggers);
        if (options.WarmUpMembership) MembershipWarmUp.StartOnce(host._logger);
        // The node starts (here, on the caller's thread) before the first datagram can arrive.
        host._inputs.Post(new Begin());
        transport.Start(datagram => host._inputs.Post(new DatagramArrived(datagram)));
        return host;
    }

    /// <summary>This process.</summary>
    public ProcessId Id { get; }

    // What says that a process with no stable state has run before (its store's marker, or its
    // trace), or null for a process that has not. Without EvsNodeOptions.NewIdentity the storage
    // refuses a missing state file beside its marker; this refuses a whole store gone beside a
    // trace of an earlier run, before the trace is opened (which would write to it).
    private static string? EarlierRun(EvsNodeOptions options, FileStableStorage storage)
    {
        if (File.Exists(storage.MarkerPath)) return $"the marker {storage.MarkerPath}";
        if (options.TracePath is not { } trace) return null;
        long events = NodeTrace.EventCount(trace, options.Id);
        if (events == 0) return null;
        if (options.NewIdentity) return $"the trace {trace} ({events} events)";
        throw new StableStorageException(storage.Directory,
            $"the store has no state, but the trace {trace} holds {events} events of {options.Id} from an earlier run: the store was deleted or moved. " +
            $"{FileStableStorage.StartingAsNew}. Restore the store; or {FileStableStorage.NewIdentityAdvice}");
    }

    /// <summary>The options it runs with.</summary>
    public EvsNodeOptions Options => _options;

    /// <summary>The transport (its address, its counters).</summary>
    public ITransport Transport => _transport;

    /// <summary>What the wire format dropped, and why (updated by the event loop; read for display).</summary>
    public WireCounters WireCounters => _wire.Counters;

    /// <summary>What the node dropped as no correct process sends it, as of the last packet it took (safe to read from any thread).</summary>
    public PacketDrops PacketDrops => Volatile.Read(ref _drops);

    /// <summary>Traffic cuts: block peers, isolate, heal.</summary>
    public TrafficFilter Traffic { get; } = new();

    /// <summary>The processes whose packets are accepted, and how many packets were refused.</summary>
    public SenderPolicy Senders { get; }

    /// <summary>The peers whose datagrams are dropped because they are configured differently (key, cluster name, wire version), with counts.</summary>
    public PeerMismatches Mismatches { get; }

    /// <summary>The trace file, or null when none is written.</summary>
    public string? TracePath => _trace?.Path;

    /// <summary>The virtual synchrony trace file, or null when none is written.</summary>
    public string? VsTracePath => _vs?.TracePath;

    /// <summary>
    /// Behind the virtual synchrony filter, why <see cref="SendAsync"/> refuses sends now (the process
    /// is outside the primary component), or null when it accepts them, and always without the filter.
    /// </summary>
    public string? SendsBlockedReason => _vs?.BlockedReason;

    /// <summary>The failure that stopped the event loop, or null.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>
    /// Hands a message to the node, which sends it when it next holds the token. Waits while
    /// <see cref="EvsNodeOptions.MaxPendingSends"/> messages are waiting to be sent already; returns,
    /// once the message is queued, the task of its receipt, which completes when the node sends it
    /// (or fails with <see cref="MessageLostException"/> when the process ends first). A caller that
    /// has many messages to send queues them all before it waits for a receipt.
    /// The node keeps <paramref name="payload"/>: the caller must not change it afterwards.
    /// </summary>
    /// <exception cref="ArgumentException">The message is larger than <see cref="EvsNodeOptions.MaxMessageBytes"/>.</exception>
    /// <exception cref="SendsBlockedException">Behind the virtual synchrony filter, the process is outside the primary component.</exception>
    /// <exception cref="InvalidOperationException">The host has stopped or failed.</exception>
    public async ValueTask<Task<SendReceipt>> SendAsync(byte[] payload, DeliveryService service, CancellationToken cancellationToken = default)
    {
        CheckSize(payload);
        // The group layer reads every ring message that carries its envelope as its own: one that an
        // application sent on the ring would be taken for a join, a state or a group's message.
        if (GroupEnvelope.TryDecode(payload) is not null)
            throw new ArgumentException("the payload reads as a message of the named groups (it starts with their envelope, \"EVSG\"): send it to a group or change its first bytes", nameof(payload));
        ThrowIfEnded();
        if (_vs?.BlockedReason is { } reason) throw new SendsBlockedException(reason);
        if (!_sendSlots.Wait(0))
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
            try
            {
                await _sendSlots.WaitAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Ended();
            }
        }
        Interlocked.Increment(ref _sendsQueued);
        var send = new SendTracker.Waiting(payload, new TaskCompletionSource<SendReceipt>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_inputs.Post(new SendMessage(send, service)))
        {
            Interlocked.Decrement(ref _sendsQueued);
            _sendSlots.Release();
            throw Ended();
        }
        return ReceiptAsync(send.Receipt!.Task);
    }

    /// <summary>Joins <paramref name="group"/>: completes when this process is in a view of the group (<see cref="GroupJoined"/>).</summary>
    /// <exception cref="InvalidOperationException">The process is in the group already, or stopped first.</exception>
    public Task JoinGroupAsync(string group, CancellationToken cancellationToken = default)
    {
        GroupEnvelope.CheckName(group);
        ThrowIfEnded();
        // The filter shows the application the primary component's views only; a group's views are not filtered.
        if (_vs is not null) throw new InvalidOperationException("named groups are not available behind the virtual synchrony filter (EvsNodeOptions.VirtualSynchrony)");
        var (ticket, done) = _groupRequests.Join();
        return Ask(new GroupAsked(new GroupJoinRequested(group, ticket), ticket), done, cancellationToken);
    }

    /// <summary>Leaves <paramref name="group"/>: completes when the leave has taken effect (<see cref="GroupLeft"/>).</summary>
    /// <exception cref="InvalidOperationException">The process is not in the group, or stopped first.</exception>
    public Task LeaveGroupAsync(string group, CancellationToken cancellationToken = default)
    {
        ThrowIfEnded();
        var (ticket, done) = _groupRequests.Leave();
        return Ask(new GroupAsked(new GroupLeaveRequested(group, ticket), ticket), done, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="payload"/> to <paramref name="group"/>: completes with the receipt once
    /// the ring has sent it in the group's view, or fails with <see cref="MessageLostException"/>.
    /// Holds one of <see cref="EvsNodeOptions.MaxPendingSends"/> until then, as a ring send does.
    /// </summary>
    public async Task<SendReceipt> GroupSendAsync(string group, byte[] payload, DeliveryService service, CancellationToken cancellationToken = default)
    {
        CheckSize(payload);
        ThrowIfEnded();
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token))
        {
            try
            {
                await _sendSlots.WaitAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Ended();
            }
        }
        var (ticket, receipt) = _groupRequests.Send();
        if (!_inputs.Post(new GroupAsked(new GroupSendRequested(group, payload, service, ticket), ticket)))
        {
            _sendSlots.Release();
            throw Ended();
        }
        return await receipt.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The view of <paramref name="group"/> this process is in now, or null. Safe to read from any thread.</summary>
    public GroupView? GroupViewOf(string group) => _groupRequests.ViewOf(group);

    private void CheckSize(byte[] payload)
    {
        int max = _options.MaxMessageBytes;
        if (payload.Length > max)
            throw new ArgumentException($"a message of {payload.Length} bytes is larger than the maximum of {max} bytes (EvsNodeOptions.MaxMessageBytes)", nameof(payload));
    }

    // Posts a group request and waits for its end; one the loop never takes ends with the process.
    private async Task Ask(GroupAsked asked, Task done, CancellationToken cancellationToken)
    {
        if (!_inputs.Post(asked)) throw Ended();
        await done.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // The receipt, or the loss of a message the loop never took: a send queued just as the loop
    // closed is in no list the end goes through, and must not wait for ever.
    private async Task<SendReceipt> ReceiptAsync(Task<SendReceipt> receipt)
    {
        await Task.WhenAny(receipt, _ended.Task).ConfigureAwait(false);
        if (receipt.IsCompleted) return await receipt.ConfigureAwait(false);
        throw new MessageLostException(LostReason());
    }

    /// <summary>
    /// The configuration this process is in now (the last it delivered, regular or transitional),
    /// with what changed and why; null before its first. Safe to read from any thread.
    /// </summary>
    public View? CurrentView => Volatile.Read(ref _view);

    /// <summary>
    /// The deliveries and configuration changes of this process, from now on: the subscription
    /// starts at this call (not at the first iteration), and begins with the current regular
    /// configuration when there is one. Behind the virtual synchrony filter, the views and
    /// deliveries in them instead, and the subscription begins with the current view, or with the
    /// <see cref="SendsBlockedEvent"/> that says the process is outside the primary component.
    /// It ends when the host stops, with the failure when it failed.
    /// Events are buffered for a subscriber that reads slowly: enumerate it, or cancel it.
    /// </summary>
    public IAsyncEnumerable<EvsNodeEvent> Events(CancellationToken cancellationToken = default) => _events.Subscribe(cancellationToken);

    /// <summary>
    /// Calls <paramref name="handler"/> with the deliveries and configuration changes of this
    /// process, from now on (at once with the current regular configuration, when there is one;
    /// behind the virtual synchrony filter, its views and deliveries in them, at once with the
    /// current view or blocked state), in order, from one dispatcher task of this process's own:
    /// never on the event loop, never inside a caller's own call into the process, never two
    /// handlers at once. A handler that throws stays subscribed; its exception is logged and told
    /// to every subscriber as a <see cref="HandlerFailedEvent"/>. Dispose the result to unsubscribe.
    /// </summary>
    public IDisposable OnEvent(Action<EvsNodeEvent> handler) => _events.Subscribe(handler);

    /// <summary>
    /// Calls <paramref name="handler"/> on the event loop, as the node makes each event, with no
    /// dispatcher hop: for <c>evs bench</c>, which timestamps deliveries. It must not throw, and
    /// must never call into this process; it may run inside a caller's <see cref="SendAsync"/>.
    /// </summary>
    internal IDisposable OnEventInline(Action<EvsNodeEvent> handler) => _events.SubscribeInline(handler);

    /// <summary>This process's state, taken on the event loop; the final state once it has stopped.</summary>
    public async Task<NodeStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _final) is { } final) return final;
        var reply = new TaskCompletionSource<NodeStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inputs.Post(new StatusAsked(reply))) return await _ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        // The loop may close before it gets to the question: then the final state answers it.
        var answered = await Task.WhenAny(reply.Task, _ended.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        return await answered.ConfigureAwait(false);
    }

    /// <summary>
    /// Leaves gracefully, then stops. The node announces its leave (<see cref="LeaveRequested"/>): the
    /// messages already handed to it are sent, it delivers everything ordered up to its leave, and
    /// the others install the configuration without it at once, knowing it left (their regular
    /// configuration change names it: <see cref="ConfigurationDelivered.Left"/>); its trace's
    /// <c>fail</c> line says <c>"left":true</c>. Sends are refused from this call on. If the leave is
    /// not done within <paramref name="leaveWithin"/> (by default the token loss timeout, after which
    /// the others would have noticed a failure anyway: a ring that is changing, or a network that
    /// lost its token), the process just stops, and the others see it fail. Then, as when it fails:
    /// the event loop ends, the <c>fail</c> line is traced unless the leave traced it, the transport,
    /// timers and trace (with its end line) are closed, and every <see cref="Events"/> enumeration
    /// ends. Its next start is a restart. Returns the final state.
    /// </summary>
    public async Task<NodeStatus> StopAsync(TimeSpan? leaveWithin = null)
    {
        await LeaveOnceAsync(leaveWithin).ConfigureAwait(false);
        return await EndAsync(traceFail: true, ending: false).ConfigureAwait(false);
    }

    // The leave is asked for once, and every StopAsync waits for that one attempt: a second stop
    // (a DisposeAsync right after a StopAsync) must not cut it short into a failure.
    private Task LeaveOnceAsync(TimeSpan? leaveWithin)
    {
        var attempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _leaveAttempt, attempt.Task, null) is { } first) return first;
        Volatile.Write(ref _leaving, 1);
        _ = LeaveAsync(leaveWithin).ContinueWith(_ => attempt.SetResult(), TaskScheduler.Default);
        return attempt.Task;
    }

    private async Task LeaveAsync(TimeSpan? leaveWithin)
    {
        if (Volatile.Read(ref _stopping) != 0 || !_inputs.Post(new LeaveAsked())) return;
        var bound = leaveWithin ?? TimeSpan.FromMilliseconds(_options.Membership.TokenLossTimeoutMs);
        await Task.WhenAny(_left.Task, _ended.Task, Task.Delay(bound, _time)).ConfigureAwait(false);
        RuntimeLog.Leave(_logger, Id, _left.Task.IsCompleted ? "announced" : $"not done within {bound.TotalMilliseconds} ms: it stops as if failed");
    }

    /// <summary>Whether this process has left gracefully (<see cref="StopAsync"/>): its leave was announced and its <c>fail</c> line says so.</summary>
    public bool LeftGracefully => _left.Task.IsCompleted;

    /// <summary>
    /// Stops the process at once, as kill -9 would: like <see cref="StopAsync"/>, but nothing more
    /// is traced, not even the trace's end line; its next start traces the <c>fail</c> line
    /// (docs/TRACE.md). For crash demonstrations and tests.
    /// </summary>
    public Task<NodeStatus> CrashAsync() => EndAsync(traceFail: false, ending: false);

    /// <summary>
    /// Ends this process's part in a run that ends here (<see cref="QuiescentStop"/>, or a tool
    /// that ends a run of several processes, such as <c>evs cluster</c>): it stops without failing,
    /// so its trace ends in its last configuration, as the simulator's do.
    /// </summary>
    public Task<NodeStatus> EndRunAsync() => EndAsync(traceFail: false, ending: true);

    /// <summary>
    /// Marks this stopped process's trace quiescent (docs/TRACE.md), for a tool that has seen the run
    /// end quiescent (<see cref="QuiescentStop"/>): this process either ended the run in the final
    /// configuration or failed for good with its <c>fail</c> line traced (<see cref="StopAsync"/>).
    /// Nothing without a trace.
    /// </summary>
    /// <exception cref="InvalidOperationException">The host has not stopped, or it crashed (its trace lacks the fail line until it restarts).</exception>
    public void MarkTraceQuiescent()
    {
        if (!_stopped.Task.IsCompleted) throw new InvalidOperationException($"{Id} is still running: only a stopped process's trace can be marked quiescent");
        if (_crashed) throw new InvalidOperationException($"{Id} crashed: its trace has no fail line until it restarts, so it cannot end a quiescent run");
        if (_trace is not null) NodeTrace.SetQuiescent(_trace.Path, true);
        if (_vs?.TracePath is { } vsTrace) VsNodeTrace.SetQuiescent(vsTrace, true);
    }

    /// <summary>Stops the process (<see cref="StopAsync"/>) unless it has stopped already.</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task<NodeStatus> EndAsync(bool traceFail, bool ending)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _inputs.Close().ConfigureAwait(false);
            End(traceFail ? $"{Id} stopped" : ending ? $"{Id} ended its run" : $"{Id} crashed");
            await _transport.DisposeAsync().ConfigureAwait(false);
            (_wire as IDisposable)?.Dispose();
            foreach (var timer in _timers.Values) timer.Dispose();
            _silence.Dispose();
            if (traceFail) TraceFail();
            _crashed = !traceFail && !ending;
            if (_crashed) _trace?.Abandon();
            else _trace?.Dispose();
            if (!_crashed) _vs?.EndRun(_node.Snapshot().Primary, NowMs());
            _vs?.Dispose();
            _storeLock.Dispose(); // last: nothing of this run writes to the store or the trace after it
            _events.End(Fault);
            RuntimeLog.Stopped(_logger, Id, traceFail ? (LeftGracefully ? "leaves" : "fails") : ending ? "the run ends" : "crashes", _final!.ToString());
            _stopped.TrySetResult();
        }
        await _stopped.Task.ConfigureAwait(false);
        return _final!;
    }

    // ---- The event loop ----

    // Every input, one at a time (EventLoop). A failure of the node or of its stable storage stops
    // the process (fail-stop): nothing after it runs, and every subscriber is told.
    private void Process(Input input)
    {
        try
        {
            Run(input);
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _fault, ex);
            RuntimeLog.Faulted(_logger, Id, ex);
            _stop.Cancel(); // a send waiting for a slot ends now, not at the next stop
            _inputs.Close();
            End($"{Id} failed: {ex.Message}");
            _events.End(ex);
        }
    }

    // The loop has closed (stopped, or failed): the final state is taken once, and answers every
    // question about the state still waiting; every send not delivered yet is lost, for
    // <paramref name="how"/> the process ended, before anyone waiting on the end is woken.
    private void End(string how)
    {
        if (Volatile.Read(ref _final) is null) Volatile.Write(ref _final, Status(running: false));
        Volatile.Write(ref _lostReason, how);
        var lost = $"{how} before the message was delivered here";
        _sends.LoseAll(lost);
        _groupRequests.LoseAll(lost);
        foreach (var left in _inputs.TakeLeft())
        {
            if (left is StatusAsked asked) asked.Reply.TrySetResult(_final!);
            if (left is SendMessage { Send: var send }) send.Receipt?.TrySetException(new MessageLostException(lost));
        }
        _ended.TrySetResult(_final!);
    }

    // Why a send still waiting when the process ended is lost.
    private string LostReason() => $"{Volatile.Read(ref _lostReason) ?? $"{Id} has stopped"} before the message was sent";

    private void Run(Input input)
    {
        switch (input)
        {
            case Begin:
                BeginRun();
                break;
            case DatagramArrived { Datagram: var datagram }:
                OnDatagram(datagram);
                break;
            case LoopedBack { Packet: var packet }:
                Arrive(packet);
                break;
            case TimerFired fired when _timers[fired.Timer].Expire(fired.Generation):
                Handle(new TimerExpired(fired.Timer));
                break;
            case TimerFired:
                break; // stopped or started again since
            case SendMessage send:
                Interlocked.Decrement(ref _sendsQueued);
                _sends.Requested(send.Send);
                Handle(new SendRequested(send.Send.Payload, send.Service));
                break;
            case StatusAsked asked:
                asked.Reply.TrySetResult(Status(running: true));
                break;
            case SilenceCheck check when _silence.Expire(check.Generation):
                TellSilence();
                break;
            case SilenceCheck:
                break;
            case LeaveAsked:
                Handle(new LeaveRequested());
                break;
            case GroupAsked asked:
                AskGroups(asked);
                break;
        }
    }

    // First start or restart (docs/TRACE.md: a process killed without warning writes its fail line
    // when it recovers, with the next index, before its singleton configuration).
    private void BeginRun()
    {
        var address = _transport.LocalEndPoint;
        var traced = _trace?.OpenConfiguration;
        if (_options.Peers.Keys.Any(p => p != Id)) _silence.Start(SilenceMs);
        if (_vs is not null) _events.Publish([_vs.Begin(_stored?.Primary, NowMs())]);
        if (_stored is null)
        {
            if (_earlierRun is { } evidence) RuntimeLog.StartsWithNewIdentity(_logger, Id, evidence);
            TraceFail(); // a new identity's trace closes the earlier run's last configuration
            RuntimeLog.FirstStart(_logger, Id, address, _options.Store);
            Handle(new Start(_options.Universe.ToHashSet()));
            return;
        }
        if (traced is { } last)
        {
            // Stable storage is written first in a step, the trace line after it: a kill in between
            // leaves the store one configuration ahead of the trace, and the history must end where
            // the trace does.
            if (_stored.LastConfiguration is { } stored && stored != last) RuntimeLog.LastConfigurationDiffers(_logger, Id, stored.Name, last.Name);
            TraceFail();
        }
        RuntimeLog.Restart(_logger, Id, address, _stored.LastConfiguration?.Name ?? "no configuration");
        Handle(new Restart(_stored));
    }

    // How long a process waits for a first datagram from anyone before it says it hears nothing:
    // twice a first membership's worth of waiting (the token loss and consensus timeouts).
    private double SilenceMs => 2 * (_options.Membership.TokenLossTimeoutMs + _options.Membership.ConsensusTimeoutMs);

    // Nothing at all has arrived since the start: the peers are down, or do not send to this
    // process's address (their peer lists put it elsewhere, or another process runs with its
    // identifier at the address they know), or a firewall drops the datagrams. Told once; a
    // peer configured differently sends datagrams, and PeerMismatches tells that.
    private void TellSilence()
    {
        var counters = _transport.Counters;
        if (counters.Received + counters.UnknownSource + counters.OwnEcho > 0) return;
        var peers = string.Join(", ", _options.Peers.Keys.Where(p => p != Id).Order());
        RuntimeLog.HearsNothing(_logger, Id, peers, SilenceMs / 1000, _transport.LocalEndPoint);
    }

    // fail_p(c) for the configuration the trace left this process in, when there is one: into the
    // trace, and through the virtual synchrony filter, where it stops the live identity.
    private void TraceFail(bool left = false)
    {
        if ((_trace is null && _vs is null) || _recorder.Fail(NowMs(), left) is not { } fail) return;
        _vs?.Apply(fail, null);
        _vs?.Flush();
        if (_trace is null) return;
        _trace.Write(fail);
        _trace.Flush();
    }

    // The datagram's buffer goes back to the transport once it is decoded: the packets hold copies.
    private void OnDatagram(ReceivedDatagram datagram)
    {
        try
        {
            Read(datagram);
        }
        finally
        {
            datagram.Release();
        }
    }

    private void Read(ReceivedDatagram datagram)
    {
        if (!Traffic.PassesFrom(datagram.Peer))
        {
            RuntimeLog.BlockedIn(_logger, Id, datagram.Source, datagram.Peer?.Name ?? "unknown", Traffic.DroppedIn);
            return;
        }
        if (datagram.Peer is null && IsSecondProcess(datagram)) return;
        var packets = _wire.Decode(datagram.Bytes.Span);
        if (_wire.LastDrop is { } drop)
        {
            var c = _wire.Counters;
            RuntimeLog.WireDropped(_logger, Id, datagram.Bytes.Length, datagram.Source, c.Malformed, c.Unauthenticated, c.WrongVersion, c.OtherCluster,
                c.Misaddressed, c.Replayed, c.Stale);
            if (PeerMismatches.IsMismatch(drop)) Mismatches.Dropped(drop, datagram.Peer, datagram.Source, DatagramHeader.Glimpse(datagram.Bytes.Span));
        }
        else if (Mismatches.Watching)
        {
            Mismatches.Passed(datagram.Peer ?? DatagramHeader.Glimpse(datagram.Bytes.Span).Sender);
        }
        foreach (var packet in packets)
        {
            if (packet.Sender == Id)
            {
                // An echo of this process's own datagrams, or a copy of one; or, from another
                // address than its own, another process that runs with its identifier.
                if (!datagram.Source.Equals(_transport.LocalEndPoint) && _impostorsLogged.Count < SenderPolicy.MaxLogged && _impostorsLogged.Add(datagram.Source))
                    RuntimeLog.SameIdentifier(_logger, Id, datagram.Source);
                continue;
            }
            if (packet is JoinMessage join) CompareMembership(join);
            if (!Senders.Accepts(packet.Sender))
            {
                if (Senders.FirstRefusal(packet.Sender)) RuntimeLog.UnknownSender(_logger, Id, packet.Sender, datagram.Source, Senders.Refused);
                continue;
            }
            if (datagram.Peer != packet.Sender)
            {
                if (!Traffic.PassesFrom(packet.Sender))
                {
                    RuntimeLog.BlockedIn(_logger, Id, datagram.Source, packet.Sender.Name, Traffic.DroppedIn);
                    continue;
                }
                if (!_transport.Learn(packet.Sender, datagram.Source)) continue;
            }
            Arrive(packet);
        }
    }

    // A datagram from an address no peer is known at, whose header names a member of this
    // process's configuration known at another address: a second process with that member's
    // identifier (over multicast, where peers are learned), not the member restarted elsewhere
    // (which leaves the configuration first: its token stops). It is dropped before it is decoded,
    // so that its newer incarnation does not make the live member's datagrams stale; counted as
    // from a wrong source, and told once per address and identifier.
    private bool IsSecondProcess(ReceivedDatagram datagram)
    {
        if (DatagramHeader.Glimpse(datagram.Bytes.Span).Sender is not { } claimed || claimed == Id) return false;
        if (_lastRegular?.Members.Contains(claimed) != true || _transport.AddressOf(claimed) is not { } live || live.Equals(datagram.Source)) return false;
        long count = _transport.Counters.CountWrongSource();
        if (_secondsLogged.Count < SenderPolicy.MaxLogged && _secondsLogged.Add((datagram.Source, claimed)))
            RuntimeLog.SecondProcess(_logger, Id, datagram.Source, claimed, live, count);
        return true;
    }

    // A join names every process its sender counts in the membership; one that this node's
    // configuration does not name means their peer lists differ: told once per sender and process.
    private void CompareMembership(JoinMessage join)
    {
        if (Senders.Accepted is not { } accepted || !accepted.Contains(join.Sender)) return;
        foreach (var named in join.ProcSet)
        {
            if (accepted.Contains(named) || _strangersLogged.Count >= SenderPolicy.MaxLogged || !_strangersLogged.Add((join.Sender, named))) continue;
            RuntimeLog.PeerListsDiffer(_logger, Id, join.Sender, named, string.Join(", ", accepted.Where(p => p != Id).Order()));
        }
    }

    private void Arrive(Packet packet)
    {
        Handle(new PacketArrived(packet));
        var drops = _node.Drops();
        if (drops == _drops) return;
        if (drops.OutOfBounds != _drops.OutOfBounds) LogClaimDrop(packet, "claims a number beyond its bound", drops.OutOfBounds);
        if (drops.Misaddressed != _drops.Misaddressed) LogClaimDrop(packet, "was not passed on by this process's predecessor on its ring", drops.Misaddressed);
        if (drops.DroppedRequests != _drops.DroppedRequests) LogClaimDrop(packet, "asks for retransmissions no member needs or nobody sent", drops.DroppedRequests);
        Volatile.Write(ref _drops, drops);
    }

    // What the node dropped as no correct process sends it (Node/ClaimBounds, the token's predecessor):
    // a key holder that is buggy or hostile. Logged once per sender and kind, then only counted.
    private void LogClaimDrop(Packet packet, string why, long count)
    {
        if (_claimsLogged.Count < SenderPolicy.MaxLogged && _claimsLogged.Add((packet.Sender, packet.GetType().Name, why)))
            RuntimeLog.ClaimDropped(_logger, Id, packet.GetType().Name, packet.Sender, why, count);
    }

    private void Handle(NodeInput input)
    {
        var before = _node.State;
        var outputs = _node.Handle(input);
        var after = _node.State;
        if (after != before && (before == MembershipState.Operational || after == MembershipState.Gather))
            RuntimeLog.Gathering(_logger, Id, _lastRegular?.Id.Name ?? "no configuration", _node.Snapshot().LastGatherReason ?? GatherReason.Start);
        Apply(outputs, restarting: input is Restart);
    }

    // ---- Outputs: stable storage first, then timers and the trace, then the network, then the application ----

    private void Apply(IReadOnlyList<NodeOutput> outputs, bool restarting)
    {
        double now = NowMs();
        List<(ProcessId? To, List<Packet> Packets)>? groups = null;
        List<Packet>? toSelf = null;
        List<EvsNodeEvent>? events = null;
        List<(NodeOutput Output, ConfigurationKind Kind)>? sends = null;
        bool traced = false;
        foreach (var output in outputs)
        {
            switch (output)
            {
                case PersistState persist:
                    _storage.Save(persist.State);
                    break;
                case Broadcast b:
                    GroupFor(ref groups, null).Add(b.Packet);
                    break;
                case Unicast u when u.To == Id:
                    (toSelf ??= []).Add(u.Packet);
                    break;
                case Unicast u:
                    GroupFor(ref groups, u.To).Add(u.Packet);
                    break;
                case StartTimer t:
                    _timers[t.Timer].Start(t.DelayMs);
                    break;
                case StopTimer t:
                    _timers[t.Timer].Stop();
                    break;
                case MessageSent:
                    (sends ??= []).Add((output, ConfigurationKind.Regular));
                    Record(output, now, null, ref traced, ref events);
                    ToGroups(output);
                    break;
                case MessageDelivered d:
                    _delivered++;
                    if (d.Originator == Id) (sends ??= []).Add((output, _view!.Kind));
                    if (d.Configuration == _lastRegular?.Id) _deliveredInConfiguration++;
                    // A group's message is the group layer's to deliver, in its group's view, not the application's as a ring message.
                    Record(output, now, ToGroups(output) ? null : new MessageDeliveredEvent(d.Message, d.Originator, d.Configuration, d.Service, d.Payload), ref traced, ref events);
                    break;
                case ConfigurationDelivered { Configuration: var c } delivered:
                    var view = _views.Next(c, delivered.Left);
                    Volatile.Write(ref _view, view);
                    Record(output, now, new ConfigurationChangedEvent(view), ref traced, ref events);
                    ToGroups(output);
                    LogConfiguration(c, delivered.Left, restarting);
                    if (c.Kind == ConfigurationKind.Regular) (_lastRegular, _deliveredInConfiguration) = (c, 0);
                    break;
                case PrimaryComponentInstalled:
                    Record(output, now, null, ref traced, ref events); // nothing to write: the regular configuration that follows says it is primary
                    break;
                case ProcessLeft:
                    TraceFail(left: true); // its packets (the announcement) leave after the line, as every step's do
                    _left.TrySetResult();
                    break;
            }
        }
        if (traced) _trace!.Flush();
        _vs?.Flush();
        if (sends is not null) Track(sends);
        FromGroups(ref events);
        if (groups is not null)
        {
            foreach (var (to, packets) in groups) Queue(to, _wire.Encode(packets, to));
            SendQueued();
        }
        if (toSelf is not null)
            foreach (var packet in toSelf) _inputs.Post(new LoopedBack(packet));
        if (events is not null) _events.Publish(events);
        SendForGroups();
    }

    // The receipts and outcomes of this step's sends and own deliveries, once their trace lines are
    // flushed: an application never learns of a delivery the trace could still lose.
    private void Track(List<(NodeOutput Output, ConfigurationKind Kind)> sends)
    {
        foreach (var (output, kind) in sends)
        {
            if (output is MessageSent sent && _sends.Sent(sent)) _sendSlots.Release();
            else if (output is MessageDelivered delivered) _sends.Delivered(delivered, kind);
        }
    }

    // ---- Named groups (Evs.Reference.Groups.GroupLayer): fed what the ring does here and what the application asks ----

    // What the ring did, for the group layer; returns whether the output was a message of the groups'.
    private bool ToGroups(NodeOutput output)
    {
        if (GroupInput.From(output) is not { } input) return false;
        _groups.Handle(input, _groupOutputs);
        return input is RingMessageDelivered { Envelope: not null };
    }

    // An application's join, leave or group send. One that does not fit where this process stands
    // in the group (a leave of a group it is not in) is refused to the caller; the node goes on.
    private void AskGroups(GroupAsked asked)
    {
        try
        {
            _groups.Handle(asked.Request, _groupOutputs);
        }
        catch (Exception refusal) when (refusal is InvalidOperationException or ArgumentException)
        {
            if (asked.Request is GroupSendRequested) _sendSlots.Release();
            _groupRequests.Refused(asked.Ticket, refusal);
        }
        List<EvsNodeEvent>? events = null;
        FromGroups(ref events);
        if (events is not null) _events.Publish(events);
        SendForGroups();
    }

    // What the group layer said: the application's events (published with this step's, after its
    // trace lines are flushed), the ends of its requests, and the ring messages to send.
    private void FromGroups(ref List<EvsNodeEvent>? events)
    {
        foreach (var output in _groupOutputs)
        {
            if (output is RingSendRequested send) _groupRingSends.Enqueue(send);
            else if (output is GroupMessageSent { Ticket: not 0 } or GroupSendLost { Ticket: not 0 }) _sendSlots.Release(); // an application's group send ends
            if (_groupRequests.Apply(output) is { } shown) (events ??= []).Add(shown);
        }
        _groupOutputs.Clear();
    }

    // The group layer's ring messages go to the node in the order it asked for them, each as a step
    // of its own after the step that caused it (as an application's send would); a step they cause
    // adds its own to the same queue, which the outermost call drains.
    private void SendForGroups()
    {
        if (_sendingForGroups) return;
        _sendingForGroups = true;
        try
        {
            while (_groupRingSends.TryDequeue(out var send))
            {
                _sends.Requested(new SendTracker.Waiting(send.Payload, null));
                Handle(new SendRequested(send.Payload, send.Service));
            }
        }
        finally
        {
            _sendingForGroups = false;
        }
    }

    private static List<Packet> GroupFor(ref List<(ProcessId? To, List<Packet> Packets)>? groups, ProcessId? to)
    {
        groups ??= [];
        foreach (var group in groups)
            if (group.To == to) return group.Packets;
        var packets = new List<Packet>();
        groups.Add((to, packets));
        return packets;
    }

    // The event an output makes (Evs.Reference's EventRecorder, as in the simulator), written to the
    // trace; and what the application sees of it: the EVS event itself (shown), or, behind the
    // virtual synchrony filter, what the filter makes of the event.
    private void Record(NodeOutput output, double now, EvsNodeEvent? shown, ref bool traced, ref List<EvsNodeEvent>? events)
    {
        if (_recorder.Record(output, now, out var view) is not { } recorded) return;
        if (_trace is not null)
        {
            _trace.Write(recorded);
            traced = true;
        }
        if (_vs is not null)
        {
            if (_vs.Apply(recorded, view, output as MessageDelivered) is { Count: > 0 } filtered) (events ??= []).AddRange(filtered);
        }
        else if (shown is not null)
        {
            (events ??= []).Add(shown);
        }
    }

    // The datagrams of one step are queued, in order, and handed to the transport at once, which
    // sends them in as few system calls as it can (one sendmmsg on Linux).
    private void Queue(ProcessId? to, IReadOnlyList<byte[]> datagrams)
    {
        if (to is { } peer)
        {
            QueueTo(peer, datagrams);
        }
        else if (Traffic.SendsToEveryone)
        {
            // A cut of what this process sends to some peers makes the broadcast one datagram per
            // peer (below), so that those peers can be left out; a cut of what it receives does not.
            foreach (var datagram in datagrams) _outgoing.Add(new OutgoingDatagram(null, datagram));
        }
        else
        {
            foreach (var each in _transport.Peers) QueueTo(each, datagrams);
        }
    }

    private void QueueTo(ProcessId peer, IReadOnlyList<byte[]> datagrams)
    {
        foreach (var datagram in datagrams)
        {
            if (Traffic.PassesTo(peer)) _outgoing.Add(new OutgoingDatagram(peer, datagram));
            else RuntimeLog.BlockedOut(_logger, Id, peer, Traffic.DroppedOut);
        }
    }

    private void SendQueued()
    {
        long unknownBefore = _transport.Counters.UnknownPeer;
        try
        {
            _transport.Send(_outgoing);
            if (_transport.Counters.UnknownPeer != unknownBefore)
            {
                var known = _transport.Peers;
                foreach (var peer in _outgoing.Select(d => d.To).OfType<ProcessId>().Distinct().Where(p => !known.Contains(p)))
                    RuntimeLog.UnknownPeer(_logger, Id, peer, _transport.Counters.UnknownPeer);
            }
        }
        finally
        {
            _outgoing.Clear();
        }
    }

    private void LogConfiguration(Configuration c, IReadOnlyList<ProcessId>? left, bool restarting)
    {
        var members = string.Join(",", c.Members);
        if (c.Kind == ConfigurationKind.Transitional)
        {
            RuntimeLog.TransitionalConfiguration(_logger, Id, c.Id, members, c.PreviousRegular);
            return;
        }
        var reason = restarting ? "restart from stable storage" : $"after gathering: {_node.Snapshot().LastGatherReason ?? GatherReason.Start}";
        RuntimeLog.RegularConfiguration(_logger, Id, c.Id, members, c.Primary?.ToString() ?? "not decided", reason);
        if (left is { Count: > 0 }) RuntimeLog.OthersLeft(_logger, Id, c.Id, string.Join(",", left));
    }

    private NodeStatus Status(bool running)
    {
        var node = _node.Snapshot();
        return new NodeStatus(Id, running, node.State, _lastRegular, node.Regular?.Ring, node.PendingSends + Volatile.Read(ref _sendsQueued),
            node.Regular?.DeliveredUpTo ?? 0, node.Regular?.HighestSeen ?? 0, node.Counters, node.Drops, _delivered, _deliveredInConfiguration);
    }

    // The trace's timestamps are wall-clock time (for people and plots); no timer reads them.
    private double NowMs() => WallClock.UnixMs(_time);

    private void ThrowIfEnded()
    {
        if (Volatile.Read(ref _stopping) != 0 || Volatile.Read(ref _leaving) != 0 || Fault is not null) throw Ended();
    }

    private InvalidOperationException Ended() =>
        Fault is { } fault
            ? new InvalidOperationException($"{Id} has failed and stopped: {fault.Message}", fault)
            : new InvalidOperationException($"{Id} has stopped");
}
