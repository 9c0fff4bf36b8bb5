// `evs bench`: a node's memory over the run, for the soak the issue asks of the runtime ("a node's
// memory stays flat, no growth beyond 10%, over a ten-minute run at half its maximum throughput").
// Each bench node samples its own resident set and managed heap while it sends; the growth compares
// the end of the timed window with its beginning, both after the warmup, when the JIT, the socket
// buffers and the protocol's windows have reached their working size.
using System.Diagnostics;
using System.Text.Json.Serialization;

namespace Evs.Cli.Commands.Bench;

/// <summary>One sample: seconds since t0, resident set and managed heap in MB.</summary>
internal sealed record MemorySample(
    [property: JsonPropertyName("t_s")] double TimeS,
    [property: JsonPropertyName("rss_mb")] double ResidentMb,
    [property: JsonPropertyName("managed_mb")] double ManagedMb);

/// <summary>Samples this process's memory at a fixed period until cancelled.</summary>
internal static class MemorySampler
{
    /// <summary>About this many samples in a run, and never more often than once a second.</summary>
    private const int SamplesPerRun = 100;

    /// <summary>The sampling period for a run of <paramref name="runS"/> seconds.</summary>
    public static TimeSpan Period(double runS) => TimeSpan.FromSeconds(Math.Max(1, runS / SamplesPerRun));

    /// <summary>Samples from <paramref name="t0"/> (a <see cref="Stopwatch"/> timestamp) every <paramref name="period"/>, until cancelled.</summary>
    public static async Task<List<MemorySample>> RunAsync(long t0, TimeSpan period, CancellationToken cancellationToken)
    {
        var samples = new List<MemorySample>();
        using var timer = new PeriodicTimer(period);
        try
        {
            do
            {
                samples.Add(Take(t0));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
        return samples;
    }

    /// <summary>
    /// How much the resident set grew over the window [<paramref name="windowStartS"/>,
    /// <paramref name="windowEndS"/>], in percent: the largest sample of the window's last tenth
    /// against the largest of its first tenth (at least one sample each); null without samples there.
    /// Largest, because the managed heap breathes between collections and its peaks are what stays.
    /// A sample up to half a <paramref name="period"/> outside the window counts as its edge: the
    /// sampler's ticks drift by a few milliseconds either way, and the tick meant for the window's
    /// first second may come at 0.999 s.
    /// </summary>
    public static double? GrowthPercent(IReadOnlyList<MemorySample> samples, double windowStartS, double windowEndS, TimeSpan period)
    {
        double slack = period.TotalSeconds / 2;
        var window = samples.Where(s => s.TimeS >= windowStartS - slack && s.TimeS <= windowEndS + slack).ToList();
        if (window.Count < 2) return null;
        int tenth = Math.Max(1, window.Count / 10);
        double first = window.Take(tenth).Max(s => s.ResidentMb), last = window.TakeLast(tenth).Max(s => s.ResidentMb);
        return (last / first - 1) * 100;
    }

    private static MemorySample Take(long t0)
    {
        using var self = Process.GetCurrentProcess();
        return new MemorySample(
            Math.Round(Stopwatch.GetElapsedTime(t0).TotalSeconds, 3),
            Math.Round(self.WorkingSet64 / 1e6, 2),
            Math.Round(GC.GetTotalMemory(forceFullCollection: false) / 1e6, 2));
    }
}
