// `evs bench`: the phases of one run, in order: start the nodes, wait until they form one ring,
// give the common start, wait for the window and the drain, collect the reports. Shown as
// progress bars (ProgressDisplay: plain lines when the output is redirected), or silently with --json.
using System.Diagnostics;
using Evs.Reference.Model;

namespace Evs.Cli.Commands.Bench;

/// <summary>One benchmark run over a <see cref="BenchCluster"/>.</summary>
internal static class BenchRun
{
    /// <summary>
    /// Runs <paramref name="request"/> on <paramref name="cluster"/>; returns the report, or null when
    /// the nodes did not form one ring in time or the run was cancelled before the start.
    /// </summary>
    public static async Task<BenchReport?> RunAsync(BenchRequest request, BenchCluster cluster, CancellationToken cancellationToken)
    {
        if (request.Json) return await PhasesAsync(request, cluster, new Quiet(), cancellationToken);
        return await ProgressDisplay.ShowAsync(display => PhasesAsync(request, cluster, new Counted(display, request), cancellationToken));
    }

    private static async Task<BenchReport?> PhasesAsync(BenchRequest request, BenchCluster cluster, IPhases show, CancellationToken cancellationToken)
    {
        var peers = request.Placement.Addresses(request.Nodes, request.BasePort);
        cluster.Start(peers.Keys.OrderBy(p => p, ProcessId.Ordinal).Select(id => (Func<string, BenchNodeSettings>)(dir => request.NodeSettings(id, peers, dir))));
        using var formation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        formation.CancelAfter(BenchRequest.FormationTimeout);
        if (!await UntilAsync(cluster.AllReady, () => show.Forming(cluster.ReadyCount), formation.Token)) return null;
        show.Forming(request.Nodes);
        var t0 = DateTimeOffset.UtcNow + BenchRequest.StartDelay;
        cluster.Go(t0);
        var sending = Stopwatch.StartNew();
        var total = BenchRequest.StartDelay + request.SendingTime;
        var reports = cluster.ReportsAsync(cancellationToken);
        await UntilAsync(reports, () => show.Sending(Math.Min(1, sending.Elapsed / total), cluster.ReportCount), cancellationToken);
        var results = await reports;
        show.Done(results.Count);
        return new BenchReport(request.Nodes, request.Size, request.Service.ToString().ToLowerInvariant(), request.AllSend ? "all" : "one",
            request.DurationS, request.WarmupS, request.Rate, request.ProtocolSettings(), results, BenchSummary.Of(results, request.Nodes));
    }

    // Waits for `task`, calling `tick` every 100 ms; false when cancelled or the task failed.
    private static async Task<bool> UntilAsync(Task task, Action tick, CancellationToken cancellationToken)
    {
        while (!task.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            tick();
            await Task.WhenAny(task, Task.Delay(100, CancellationToken.None));
        }
        return task.IsCompletedSuccessfully;
    }

    /// <summary>How a run shows its progress.</summary>
    private interface IPhases
    {
        void Forming(int ready);
        void Sending(double fraction, int reports);
        void Done(int reports);
    }

    private sealed class Quiet : IPhases
    {
        public void Forming(int ready) { }
        public void Sending(double fraction, int reports) { }
        public void Done(int reports) { }
    }

    // The phases as counts: nodes in the ring, milliseconds of sending (from the start signal to
    // the end of the cooldown), reports received.
    private sealed class Counted(ProgressDisplay display, BenchRequest request) : IPhases
    {
        private readonly ProgressCount _forming = display.Count("nodes in one ring", request.Nodes);
        private readonly ProgressCount _sending = display.Count($"warmup, {request.DurationS} s window, cooldown:", (BenchRequest.StartDelay + request.SendingTime).TotalMilliseconds, " ms");
        private readonly ProgressCount _reports = display.Count("reports", request.Nodes);

        public void Forming(int ready) => _forming.Set(ready);

        public void Sending(double fraction, int reports)
        {
            _sending.Set(fraction * _sending.Total);
            _reports.Set(reports);
        }

        public void Done(int reports)
        {
            _sending.Set(_sending.Total);
            _reports.Set(reports);
        }
    }
}
