// The live view's heart: events come in from the sources (trace files followed, or streams of
// other nodes) at any rate; browsers come and go. Between the two, one loop draws the picture at
// most a few times a second, and only when something changed and someone is looking: a burst of
// a thousand deliveries is one frame, and a view nobody opened costs nothing but the reading.
// Each browser gets the newest frame through its own one-frame queue, so none can hold up the
// loop or another browser.
using System.Threading.Channels;
using Evs.Plots.Layout;
using Evs.Reference.Model;

namespace Evs.Cli.Web;

/// <summary>The events of a run, and the frames drawn of them for the browsers looking.</summary>
internal sealed class LiveView : IAsyncDisposable
{
    /// <summary>How many events the view keeps by default (--web-events).</summary>
    public const int DefaultCapacity = 5000;

    /// <summary>The least time between two frames: a few a second are motion enough, and drawing costs CPU the nodes may want.</summary>
    private static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(250);

    private readonly LiveHistory _history;
    private readonly string _title;
    private readonly Func<IReadOnlyList<SourceState>> _sources;
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _lock = new();
    private readonly List<(TimeAxis Axis, LatestFrameQueue<string> Queue)> _viewers = [];
    private readonly Dictionary<TimeAxis, string> _drawn = []; // the last frame of each axis, for a browser that comes in
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>
    /// A view titled <paramref name="title"/> that keeps the newest <paramref name="capacity"/>
    /// events; <paramref name="sources"/> says where each source stands, for the status line.
    /// </summary>
    public LiveView(string title, int capacity, Func<IReadOnlyList<SourceState>> sources)
    {
        _title = title;
        _history = new LiveHistory(capacity);
        _sources = sources;
        _loop = Task.Run(DrawLoopAsync);
    }

    /// <summary>Adds events read from a source (each once: see <see cref="LiveHistory.Add"/>).</summary>
    public void Add(IEnumerable<EvsEvent> events)
    {
        bool added = false;
        foreach (var e in events) added |= _history.Add(e);
        if (added) Changed();
    }

    /// <summary>Says that something the page shows has changed (a source's state): a frame is drawn soon.</summary>
    public void Changed() => _changed.Writer.TryWrite(true);

    /// <summary>
    /// A browser starts looking on <paramref name="axis"/>: its queue gets the newest frame at once
    /// when there is one, then every new one. Dispose the result when it goes.
    /// </summary>
    public Viewer Look(TimeAxis axis) => Join(axis, withLastFrame: true);

    /// <summary>
    /// The next frame on <paramref name="axis"/> (the JSON endpoint): the view draws it at its own
    /// pace, so askers who come together share one drawing, and however often it is asked the view
    /// draws no more often than for a browser: no client can take the CPU the nodes need.
    /// </summary>
    public async Task<string> NextFrameAsync(TimeAxis axis, CancellationToken cancellation)
    {
        using var viewer = Join(axis, withLastFrame: false);
        return await viewer.Frames.TakeAsync(cancellation);
    }

    private Viewer Join(TimeAxis axis, bool withLastFrame)
    {
        var queue = new LatestFrameQueue<string>();
        lock (_lock)
        {
            _viewers.Add((axis, queue));
            if (withLastFrame && _drawn.TryGetValue(axis, out var drawn)) queue.Offer(drawn);
        }
        Changed();
        return new Viewer(queue, () =>
        {
            lock (_lock) _viewers.RemoveAll(v => v.Queue == queue);
        });
    }

    /// <summary>Stops drawing.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for a change: nothing was being drawn.
        }
        _stop.Dispose();
    }

    // Waits for a change, draws a frame for each axis someone looks at, hands it to them, and
    // rests; the changes of that rest are drawn together next time. The rest is the frame interval,
    // or twice the time the drawing took if that is longer (5,000 events take about a third of a
    // second): the view never takes more than a third of a core from the nodes on the machine.
    private async Task DrawLoopAsync()
    {
        while (await _changed.Reader.WaitToReadAsync(_stop.Token))
        {
            _changed.Reader.TryRead(out _);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var snapshot = _history.Snapshot();
            var sources = _sources();
            List<(TimeAxis Axis, LatestFrameQueue<string> Queue)> viewers;
            lock (_lock) viewers = [.. _viewers];
            foreach (var axis in viewers.Select(v => v.Axis).Distinct())
            {
                string frame = LiveFrame.Of(snapshot, axis, _title, sources);
                lock (_lock) _drawn[axis] = frame;
                foreach (var viewer in viewers.Where(v => v.Axis == axis)) viewer.Queue.Offer(frame);
            }
            await Task.Delay(TimeSpan.FromTicks(Math.Max(FrameInterval.Ticks, 2 * clock.Elapsed.Ticks)), _stop.Token);
        }
    }
}

/// <summary>One browser's look at the view: its frames, until it is disposed.</summary>
internal sealed class Viewer(LatestFrameQueue<string> frames, Action leave) : IDisposable
{
    /// <summary>The newest frame not yet taken.</summary>
    public LatestFrameQueue<string> Frames { get; } = frames;

    /// <summary>Stops the frames.</summary>
    public void Dispose() => leave();
}
