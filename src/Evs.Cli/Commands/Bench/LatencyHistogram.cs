// `evs bench`: latency samples in fixed memory. A bench node that kept every sample would grow by
// 8 bytes a message, and a ten-minute soak (EVS_MEMORY_SOAK) would measure the bench, not the node.
// So samples go into buckets: exact below 1,024 µs, and above it 512 buckets per doubling, so that a
// percentile is within 0.2% of the true sample's value, in a few tens of kilobytes however long the run.
namespace Evs.Cli.Commands.Bench;

/// <summary>Latencies in microseconds, counted in log-linear buckets; min, max and mean exact.</summary>
internal sealed class LatencyHistogram
{
    private const int Linear = 1024;          // one bucket per µs below this
    private const int PerDoubling = 512;      // buckets per doubling above it
    private const int Doublings = 40;         // up to 2^50 µs: more than any run
    private readonly long[] _counts = new long[Linear + Doublings * PerDoubling];
    private double _sum;

    /// <summary>Samples taken.</summary>
    public long Count { get; private set; }

    /// <summary>The smallest and the largest sample (exact).</summary>
    public double Min { get; private set; } = double.PositiveInfinity;

    /// <inheritdoc cref="Min"/>
    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>The mean of the samples (exact).</summary>
    public double Mean => Count == 0 ? 0 : _sum / Count;

    /// <summary>Takes one sample (negative ones count as 0).</summary>
    public void Add(double microseconds)
    {
        double us = Math.Max(0, microseconds);
        _counts[Bucket(us)]++;
        Count++;
        _sum += us;
        Min = Math.Min(Min, us);
        Max = Math.Max(Max, us);
    }

    /// <summary>
    /// The sample at rank ⌊p·(Count−1)⌋ in sorted order (as a sorted list would give), as the low
    /// edge of its bucket, kept within [Min, Max].
    /// </summary>
    public double Percentile(double p)
    {
        if (Count == 0) throw new InvalidOperationException("no samples");
        long rank = (long)(p * (Count - 1));
        long seen = 0;
        for (int bucket = 0; bucket < _counts.Length; bucket++)
        {
            seen += _counts[bucket];
            if (seen > rank) return Math.Clamp(LowEdge(bucket), Min, Max);
        }
        return Max;
    }

    private static int Bucket(double us)
    {
        if (us < Linear) return (int)us;
        int exponent = Math.Min((int)Math.Log2(us) - 10, Doublings - 1); // us in [2^(10+e), 2^(11+e))
        double start = Math.Pow(2, 10 + exponent);
        int within = Math.Min((int)((us - start) / start * PerDoubling), PerDoubling - 1);
        return Linear + exponent * PerDoubling + within;
    }

    private static double LowEdge(int bucket)
    {
        if (bucket < Linear) return bucket;
        int exponent = (bucket - Linear) / PerDoubling, within = (bucket - Linear) % PerDoubling;
        double start = Math.Pow(2, 10 + exponent);
        return start + start * within / PerDoubling;
    }
}
