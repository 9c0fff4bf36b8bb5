// The real network (the runtime driver): the node asks for timers (StartTimer, StopTimer) and
// never reads a clock; real timers fire on another thread, possibly just after they were stopped
// or started again. As in the simulator, each start gets a generation number, and an expiry of
// any but the latest generation is ignored.
namespace Evs.Runtime;

/// <summary>
/// One restartable one-shot timer on a <see cref="TimeProvider"/>. When it expires it calls
/// <c>fired(generation)</c> from a timer thread; the event loop then asks <see cref="Expire"/>
/// whether that generation is still the one running. Used only from the event loop, but for the callback.
/// </summary>
internal sealed class GenerationTimer(TimeProvider time, Action<long> fired) : IDisposable
{
    private ITimer? _timer;
    private long _generation;

    /// <summary>(Re)starts the timer: it expires <paramref name="delayMs"/> milliseconds from now, and no earlier start counts.</summary>
    public void Start(double delayMs)
    {
        _timer?.Dispose();
        long generation = ++_generation;
        _timer = time.CreateTimer(_ => fired(generation), null, TimeSpan.FromMilliseconds(Math.Max(0, delayMs)), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops the timer; an expiry already on its way is ignored.</summary>
    public void Stop()
    {
        _generation++;
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>True, once, when <paramref name="generation"/> is the running timer's: it has expired.</summary>
    public bool Expire(long generation)
    {
        if (generation != _generation || _timer is null) return false;
        _timer.Dispose();
        _timer = null;
        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => Stop();
}
