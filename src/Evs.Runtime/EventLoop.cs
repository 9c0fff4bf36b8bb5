// The real network (the runtime driver): the node is a sans-IO state machine that must see one
// input at a time, in the order they arrived. A dedicated loop task does that, but every input then
// costs a hand-over: the thread that received a datagram queues it and wakes the loop's thread,
// and on two cores every hop of the token pays for that wake-up twice (Corosync's single-threaded
// poll loop pays once). So the loop here has no thread of its own: the thread that brings an
// input runs it at once when no other thread is running inputs, and otherwise leaves it in the
// queue for the thread that is, which runs everything queued before it lets go.
using System.Collections.Concurrent;

namespace Evs.Runtime;

/// <summary>
/// A serial event loop without a thread of its own. <see cref="Post"/> queues an input and, when
/// no thread is running inputs, runs the queue on the calling thread until it is empty; so inputs
/// run one at a time, in the order they were queued, never two at once. An input posted while an
/// input runs (by the handler itself, or by another thread) runs after it, on the thread already
/// running. The handler must not throw and must not wait for the loop (it would wait for itself).
/// </summary>
internal sealed class EventLoop<T>(Action<T> handle)
{
    private readonly ConcurrentQueue<T> _queue = new();
    private readonly TaskCompletionSource _idleAfterClose = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private volatile bool _closed;

    /// <summary>Whether <see cref="Close"/> was called: no input runs any more.</summary>
    public bool IsClosed => _closed;

    /// <summary>
    /// Queues <paramref name="input"/> and runs the queue here if no other thread is running it.
    /// False when the loop is closed: the input is dropped.
    /// </summary>
    public bool Post(T input)
    {
        if (_closed) return false;
        _queue.Enqueue(input);
        RunQueued();
        return true;
    }

    /// <summary>
    /// Closes the loop: the input under way (if any) finishes, nothing after it runs. The task
    /// completes when no thread runs inputs any more; what was still queued is then <see cref="TakeLeft"/>'s.
    /// </summary>
    public Task Close()
    {
        _closed = true;
        RunQueued();
        return _idleAfterClose.Task;
    }

    /// <summary>The inputs queued but never run, once the loop is closed and idle.</summary>
    public IEnumerable<T> TakeLeft()
    {
        while (_queue.TryDequeue(out var input)) yield return input;
    }

    private void RunQueued()
    {
        // Whoever wins the flag runs everything queued. After letting go it looks again: an input
        // queued between its last look and letting go found the flag still taken and left at once.
        while (Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            try
            {
                while (!_closed && _queue.TryDequeue(out var input)) handle(input);
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
            if (_closed)
            {
                _idleAfterClose.TrySetResult();
                return;
            }
            if (_queue.IsEmpty) return;
        }
    }
}
