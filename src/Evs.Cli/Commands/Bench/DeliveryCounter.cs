// `evs bench`: what one node counts as its application receives deliveries, the counterpart of
// the harness's deliver_cb: every data message goes into the order hash and the FIFO check; those
// delivered inside the timed window are counted; this node's own messages sent inside the window
// give a send-to-self-delivery latency. Its memory does not grow with the run.
using System.Diagnostics;
using Evs.Reference.Model;
using Evs.Runtime;

namespace Evs.Cli.Commands.Bench;

/// <summary>
/// Counts one node's deliveries. Called on the node's event loop (NodeHost.OnEventInline), one event at
/// a time; the window is set by <see cref="SetWindow"/> before any data message can arrive, the
/// results read after the stream has drained (<see cref="Drained"/>).
/// </summary>
internal sealed class DeliveryCounter(ProcessId self, int expectedMembers, int senders)
{
    private readonly Dictionary<string, long> _nextSeq = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _windowStart = long.MaxValue, _windowEnd = long.MaxValue;
    private bool _started;

    /// <summary>Completes when this node first delivers a regular configuration of every expected member.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes when a done marker has been delivered from every sender.</summary>
    public Task Drained => _drained.Task;

    /// <summary>The order hash over every data message delivered.</summary>
    public OrderHash Hash { get; } = new();

    /// <summary>Members of the last regular configuration delivered.</summary>
    public int Members { get; private set; }

    /// <summary>Members of the last regular configuration delivered when the window was set.</summary>
    public int MembersAtStart { get; private set; }

    /// <summary>Configurations (regular or transitional) delivered after <see cref="SetWindow"/>.</summary>
    public int ConfigurationChanges { get; private set; }

    /// <summary>Data messages delivered, in all and inside the window; bytes inside the window.</summary>
    public long DeliveredTotal { get; private set; }

    /// <inheritdoc cref="DeliveredTotal"/>
    public long DeliveredWindow { get; private set; }

    /// <inheritdoc cref="DeliveredTotal"/>
    public long BytesWindow { get; private set; }

    /// <summary>Deliveries whose seq was not the sender's next one.</summary>
    public long FifoGaps { get; private set; }

    /// <summary>Senders whose done marker was delivered.</summary>
    public int DoneSeen { get; private set; }

    /// <summary>Latency of this node's own messages sent inside the window, in microseconds (in fixed memory, however long the run).</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>The timed window, as <see cref="Stopwatch"/> timestamps; from now on configuration changes count against the run.</summary>
    public void SetWindow(long start, long end)
    {
        Volatile.Write(ref _windowStart, start);
        Volatile.Write(ref _windowEnd, end);
        MembersAtStart = Members;
        Volatile.Write(ref _started, true);
    }

    /// <summary>Takes one event of the node's stream, at <paramref name="now"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void On(EvsNodeEvent e, long now)
    {
        switch (e)
        {
            case ConfigurationChangedEvent c:
                OnConfiguration(c);
                break;
            case MessageDeliveredEvent d when BenchMessage.Read(d.Payload.Span) is { } message:
                OnMessage(d.Sender, message, d.Payload.Length, now);
                break;
        }
    }

    private void OnConfiguration(ConfigurationChangedEvent c)
    {
        if (Volatile.Read(ref _started)) ConfigurationChanges++;
        if (c.Kind != ConfigurationKind.Regular) return;
        Members = c.Members.Length;
        if (Members == expectedMembers) _ready.TrySetResult();
    }

    private void OnMessage(ProcessId sender, BenchMessage message, int bytes, long now)
    {
        if (message.Kind == BenchMessageKind.Done)
        {
            if (++DoneSeen >= senders) _drained.TrySetResult();
            return;
        }
        DeliveredTotal++;
        Hash.Add(sender.Name, message.Seq);
        long expected = _nextSeq.GetValueOrDefault(sender.Name);
        if (message.Seq != expected) FifoGaps++;
        _nextSeq[sender.Name] = message.Seq + 1;
        long start = Volatile.Read(ref _windowStart), end = Volatile.Read(ref _windowEnd);
        if (now >= start && now < end)
        {
            DeliveredWindow++;
            BytesWindow += bytes;
        }
        if (sender == self && message.Timestamp >= start && message.Timestamp < end)
            Latency.Add(Stopwatch.GetElapsedTime(message.Timestamp, now).TotalMicroseconds);
    }
}
