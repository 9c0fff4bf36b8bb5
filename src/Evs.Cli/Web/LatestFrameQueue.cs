// Between the live view's drawing and one browser: a queue of one frame. A frame is the whole
// picture, so when a newer one comes before the browser has taken the last, the older one can
// go without losing anything from the picture. The writer never waits for a reader: a browser
// on a slow network, or one that has gone away without a word, holds one frame and blocks
// nothing; the count of frames it skipped is what it missed of the motion, not of the run.
using System.Threading.Channels;

namespace Evs.Cli.Web;

/// <summary>A one-frame queue that keeps only the newest frame, and counts the ones it dropped.</summary>
internal sealed class LatestFrameQueue<T>
{
    private readonly Channel<T> _frames;
    private long _dropped;

    /// <summary>An empty queue.</summary>
    public LatestFrameQueue()
    {
        _frames = Channel.CreateBounded<T>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>How many frames were replaced by a newer one before the reader took them.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Puts <paramref name="frame"/> in the queue, in place of one the reader has not taken yet; never waits.</summary>
    public void Offer(T frame) => _frames.Writer.TryWrite(frame);

    /// <summary>Waits for a frame and takes it.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled first.</exception>
    public ValueTask<T> TakeAsync(CancellationToken cancellation) => _frames.Reader.ReadAsync(cancellation);
}
