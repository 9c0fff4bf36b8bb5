// The real network (the runtime driver): the application's side of deliver_p(m, c) and
// deliver_conf_p(c). The event loop publishes; any number of readers subscribe, each with its own
// buffer, so a slow reader never holds up the protocol.
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>
/// Hands a process's deliveries and configuration changes to its subscribers. A subscription
/// starts when it is made (not at its first iteration) and begins with the current regular
/// configuration (behind the virtual synchrony filter, the current view or the blocked state),
/// so a reader that subscribes late still knows where it is; it ends when
/// <see cref="End"/> is called, with the failure when there was one. Thread-safe.
/// A subscriber reads from its own buffer on a thread of its own (<see cref="Subscribe(CancellationToken)"/>),
/// or is called in place, on the event loop (<see cref="Subscribe(Action{EvsNodeEvent})"/>): no
/// buffer, no thread woken for it, the time of a delivery is the time the node made it.
/// </summary>
internal sealed class EventPublisher(Action<Exception> handlerFailed)
{
    private readonly Lock _lock = new();
    private readonly List<Channel<EvsNodeEvent>> _subscribers = new();
    private Action<EvsNodeEvent>[] _handlers = [];
    private EvsNodeEvent? _current;
    private bool _ended;
    private Exception? _fault;

    /// <summary>
    /// A handler called with every event, in order, from the thread that publishes it (at once
    /// with the current regular configuration, if there is one), until <see cref="End"/> or until
    /// the returned subscription is disposed. A handler that throws is removed, and the exception
    /// reported; the publisher goes on.
    /// </summary>
    public IDisposable Subscribe(Action<EvsNodeEvent> handler)
    {
        lock (_lock)
        {
            bool kept = _current is not { } current || Call(handler, current);
            if (kept && !_ended) _handlers = [.. _handlers, handler];
        }
        return new Unsubscribe(this, handler);
    }

    /// <summary>A new subscription, read as it is enumerated, until <see cref="End"/> or <paramref name="cancellationToken"/>.</summary>
    public IAsyncEnumerable<EvsNodeEvent> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<EvsNodeEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        lock (_lock)
        {
            if (_current is { } current) channel.Writer.TryWrite(current);
            if (_ended) channel.Writer.TryComplete(_fault);
            else _subscribers.Add(channel);
        }
        return Read(channel, cancellationToken);
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
                foreach (var handler in _handlers) Call(handler, e);
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
            _handlers = [];
        }
    }

    // A handler's failure is the application's, not the node's: it loses its subscription, and
    // the node goes on delivering to everyone else.
    private bool Call(Action<EvsNodeEvent> handler, EvsNodeEvent e)
    {
        try
        {
            handler(e);
            return true;
        }
        catch (Exception ex)
        {
            Remove(handler);
            handlerFailed(ex);
            return false;
        }
    }

    private void Remove(Action<EvsNodeEvent> handler)
    {
        lock (_lock) _handlers = [.. _handlers.Where(h => h != handler)];
    }

    private sealed class Unsubscribe(EventPublisher publisher, Action<EvsNodeEvent> handler) : IDisposable
    {
        public void Dispose() => publisher.Remove(handler);
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
