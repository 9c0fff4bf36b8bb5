// The real network (the runtime driver): the application's side of deliver_p(m, c) and
// deliver_conf_p(c). The event loop publishes; any number of readers subscribe, each with its own
// buffer, so a slow reader never holds up the protocol; and handlers are called by one dispatcher
// of their own, in order, so that no handler ever runs inside the application's own call (a send
// may run the event loop on the caller's thread, see EventLoop) or inside the protocol's step, and
// a handler that throws is reported, never silently dropped.
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>
/// Hands a process's deliveries and configuration changes to its subscribers. A subscription
/// starts when it is made (not at its first iteration) and begins with the current regular
/// configuration (behind the virtual synchrony filter, the current view or the blocked state),
/// so a reader that subscribes late still knows where it is; it ends when <see cref="End"/> is
/// called, with the failure when there was one. Thread-safe.
/// <list type="bullet">
/// <item><b>Streams</b> (<see cref="Subscribe(CancellationToken)"/>): each reads from its own buffer.</item>
/// <item><b>Handlers</b> (<see cref="Subscribe(Action{EvsNodeEvent})"/>): called one event at a
/// time, in order, by one dispatcher task, never on the thread that published. A handler that
/// throws stays subscribed; the failure is logged and published to every subscriber as a
/// <see cref="HandlerFailedEvent"/> (a handler that throws on that event is only logged).</item>
/// <item><b>Inline handlers</b> (<see cref="SubscribeInline"/>, internal): called on the publishing
/// thread, for the benchmark that timestamps deliveries the moment the node makes them.</item>
/// </list>
/// </summary>
internal sealed class EventPublisher
{
    private abstract record Dispatch;
    private sealed record Published(EvsNodeEvent Event) : Dispatch;
    private sealed record Added(Subscription Handler, EvsNodeEvent? Current) : Dispatch;

    private readonly Lock _lock = new();
    private readonly Action<EvsNodeEvent, Exception> _handlerFailed;
    private readonly List<Channel<EvsNodeEvent>> _subscribers = new();
    private readonly Channel<Dispatch> _dispatch = Channel.CreateUnbounded<Dispatch>(new UnboundedChannelOptions { SingleReader = true });
    private Action<EvsNodeEvent>[] _inline = [];
    private EvsNodeEvent? _current;
    private bool _ended;
    private Exception? _fault;

    /// <summary>A publisher whose handler failures are also told to <paramref name="handlerFailed"/> (the log).</summary>
    public EventPublisher(Action<EvsNodeEvent, Exception> handlerFailed)
    {
        _handlerFailed = handlerFailed;
        Dispatched = Task.Run(DispatchAsync);
    }

    /// <summary>Completes when the dispatcher has called the handlers with every event published before <see cref="End"/>.</summary>
    public Task Dispatched { get; }

    /// <summary>
    /// A handler called by the dispatcher with every event, in order (first with the current
    /// regular configuration, if there is one), until <see cref="End"/> or until the returned
    /// subscription is disposed.
    /// </summary>
    public IDisposable Subscribe(Action<EvsNodeEvent> handler)
    {
        var subscription = new Subscription(handler);
        lock (_lock)
        {
            if (!_ended) _dispatch.Writer.TryWrite(new Added(subscription, _current));
        }
        return subscription;
    }

    /// <summary>A new subscription, read as it is enumerated, until <see cref="End"/> or <paramref name="cancellationToken"/>.</summary>
    public IAsyncEnumerable<EvsNodeEvent> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<EvsNodeEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_lock)
        {
            if (_current is { } current) channel.Writer.TryWrite(current);
            if (_ended) channel.Writer.TryComplete(_fault);
            else _subscribers.Add(channel);
        }
        return Read(channel, cancellationToken);
    }

    /// <summary>
    /// A handler called on the thread that publishes, in order, from the next event on: no
    /// dispatcher hop, so the time of a call is the time the node made the event. It must not
    /// throw (a failure is logged and the handler dropped) and must never call into the node.
    /// </summary>
    public IDisposable SubscribeInline(Action<EvsNodeEvent> handler)
    {
        lock (_lock)
        {
            if (!_ended) _inline = [.. _inline, handler];
        }
        return new InlineSubscription(this, handler);
    }

    /// <summary>Hands <paramref name="events"/>, in order, to every subscriber.</summary>
    public void Publish(IReadOnlyList<EvsNodeEvent> events)
    {
        lock (_lock)
        {
            foreach (var e in events)
            {
                if (IsState(e)) _current = e;
                foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(e);
                _dispatch.Writer.TryWrite(new Published(e));
                foreach (var handler in _inline) CallInline(handler, e);
            }
        }
    }

    // What a late subscriber must be told first to know where the process is: its regular
    // configuration; behind the virtual synchrony filter, its view, or that its sends are blocked.
    private static bool IsState(EvsNodeEvent e) =>
        e is ConfigurationChangedEvent { Kind: ConfigurationKind.Regular } or ViewInstalledEvent or SendsBlockedEvent;

    /// <summary>Ends every subscription, present and future, with <paramref name="fault"/> when there was one; only the first call counts.</summary>
    public void End(Exception? fault)
    {
        lock (_lock)
        {
            if (_ended) return;
            _ended = true;
            _fault = fault;
            foreach (var subscriber in _subscribers) subscriber.Writer.TryComplete(fault);
            _subscribers.Clear();
            _inline = [];
            _dispatch.Writer.TryComplete();
        }
    }

    // The dispatcher: one event at a time, to every handler in the order they subscribed. A
    // failure is the application's, not the node's: the handler stays, and everyone is told.
    private async Task DispatchAsync()
    {
        var handlers = new List<Subscription>();
        await foreach (var item in _dispatch.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            handlers.RemoveAll(h => h.Disposed);
            switch (item)
            {
                case Added added:
                    if (added.Current is { } current && Call(added.Handler, current) is { } failed) Report([failed], handlers);
                    handlers.Add(added.Handler);
                    break;
                case Published { Event: var e }:
                    var failures = handlers.Select(h => Call(h, e)).OfType<HandlerFailedEvent>().ToList();
                    if (failures.Count > 0) Report(failures, handlers);
                    break;
            }
        }
    }

    // The failure of a handler, or null when it returned (or was unsubscribed meanwhile).
    private HandlerFailedEvent? Call(Subscription handler, EvsNodeEvent e)
    {
        if (handler.Disposed) return null;
        try
        {
            handler.Handler(e);
            return null;
        }
        catch (Exception ex)
        {
            _handlerFailed(e, ex);
            return new HandlerFailedEvent(e, ex);
        }
    }

    // Every stream and every handler learns of each failure; a handler that fails on the news is
    // only logged (Call), so that a failure never feeds itself.
    private void Report(List<HandlerFailedEvent> failures, List<Subscription> handlers)
    {
        lock (_lock)
        {
            foreach (var failure in failures)
                foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(failure);
        }
        foreach (var failure in failures)
            foreach (var handler in handlers) Call(handler, failure);
    }

    private void CallInline(Action<EvsNodeEvent> handler, EvsNodeEvent e)
    {
        try
        {
            handler(e);
        }
        catch (Exception ex)
        {
            _inline = [.. _inline.Where(h => h != handler)];
            _handlerFailed(e, ex);
        }
    }

    private sealed class Subscription(Action<EvsNodeEvent> handler) : IDisposable
    {
        private volatile bool _disposed;

        public Action<EvsNodeEvent> Handler => handler;

        public bool Disposed => _disposed;

        public void Dispose() => _disposed = true;
    }

    private sealed class InlineSubscription(EventPublisher publisher, Action<EvsNodeEvent> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (publisher._lock) publisher._inline = [.. publisher._inline.Where(h => h != handler)];
        }
    }

    private async IAsyncEnumerable<EvsNodeEvent> Read(Channel<EvsNodeEvent> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            lock (_lock) _subscribers.Remove(channel);
        }
    }
}
