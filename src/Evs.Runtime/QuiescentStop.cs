// The real network (the runtime driver): how a run over real sockets ends "quiescent" (docs/TRACE.md),
// so that a checker judges the liveness-like specifications too. Only a tool that runs every live
// process can tell: it waits until they all settle in one ring with nothing in flight, stops them,
// checks that they stopped in that state, and then marks each trace.
namespace Evs.Runtime;

/// <summary>Stops a set of processes, marking their traces quiescent when they stop settled.</summary>
internal static class QuiescentStop
{
    // How often the processes are asked for their state while the cluster settles.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Waits up to <paramref name="settle"/> for <paramref name="live"/>, every process still alive,
    /// to be quiescent (<see cref="NodeStatus.AllQuiescent"/>), then stops them all at once. True
    /// when they were quiescent and still are in their final states: then every trace is marked
    /// quiescent. False when the cluster did not settle in time or changed while stopping: the
    /// processes are stopped all the same, and the traces stay unmarked (still checkable for safety).
    /// <paramref name="failedForGood"/> are the processes of the run that were stopped
    /// (<see cref="NodeHost.StopAsync"/>) and will not come back: their traces are marked too.
    /// </summary>
    public static async Task<bool> StopAsync(IReadOnlyList<NodeHost> live, TimeSpan settle, IReadOnlyList<NodeHost>? failedForGood = null, CancellationToken cancellationToken = default)
    {
        var time = live.Count == 0 ? TimeProvider.System : live[0].Options.Time;
        long started = time.GetTimestamp();
        bool settled = false;
        while (!settled && time.GetElapsedTime(started) < settle)
        {
            var statuses = await Task.WhenAll(live.Select(h => h.GetStatusAsync(cancellationToken))).ConfigureAwait(false);
            settled = NodeStatus.AllQuiescent(statuses);
            if (!settled) await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
        }
        var final = await Task.WhenAll(live.Select(h => h.EndRunAsync())).ConfigureAwait(false);
        if (!settled || !NodeStatus.AllQuiescent(final)) return false;
        foreach (var host in live.Concat(failedForGood ?? [])) host.MarkTraceQuiescent();
        return true;
    }

    /// <summary><see cref="StopAsync(IReadOnlyList{NodeHost}, TimeSpan, IReadOnlyList{NodeHost}?, CancellationToken)"/> for the processes of the library API.</summary>
    public static Task<bool> StopAsync(IReadOnlyList<EvsNode> live, TimeSpan settle, IReadOnlyList<EvsNode>? failedForGood = null, CancellationToken cancellationToken = default) =>
        StopAsync(live.Select(n => n.Host).ToList(), settle, failedForGood?.Select(n => n.Host).ToList(), cancellationToken);
}
