// evs bench keeps its latency samples in a fixed-size histogram (LatencyHistogram), so that a
// ten-minute soak measures the node and not the bench. Its promise: a percentile within 0.2% of
// the sample a sorted list would give at the same rank (exact below 1,024 µs, to the µs), and
// min, max and mean exact. Checked here against the sorted list, over samples of every scale.
using Evs.Cli.Commands.Bench;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace SpecTests.Bench;

public class LatencyHistogramTests
{
    private static readonly double[] Ranks = [0, 0.01, 0.5, 0.9, 0.99, 1];

    // Samples from 0 to about 20 s of latency, log-uniform, so every bucket range gets some.
    private static readonly Arbitrary<double[]> Samples =
        Arb.From(Gen.ArrayOf(Gen.Choose(0, 1_000_000).Select(k => Math.Pow(10, 7.3 * k / 1_000_000.0) - 1)).Where(a => a.Length > 0));

    [Property(MaxTest = 200)]
    public Property Every_percentile_is_within_a_fifth_of_a_percent_of_the_sorted_samples_at_its_rank() =>
        Prop.ForAll(Samples, samples =>
        {
            var histogram = new LatencyHistogram();
            foreach (var sample in samples) histogram.Add(sample);
            var sorted = samples.Order().ToArray();
            var wrong = Ranks
                .Select(p => (P: p, Exact: sorted[(int)(p * (sorted.Length - 1))], Got: histogram.Percentile(p)))
                .Where(r => Math.Abs(r.Got - r.Exact) > Math.Max(1.0, r.Exact * 0.002))
                .Select(r => $"p{r.P}: {r.Got} for {r.Exact}")
                .ToList();
            return (wrong.Count == 0).Label(string.Join("; ", wrong));
        });

    [Fact]
    public void Count_min_max_and_mean_are_exact_and_the_memory_does_not_grow()
    {
        var histogram = new LatencyHistogram();
        foreach (var sample in new[] { 12.5, 3000.0, 7.25, 1_000_000.0 }) histogram.Add(sample);
        Assert.Equal(4, histogram.Count);
        Assert.Equal(7.25, histogram.Min);
        Assert.Equal(1_000_000.0, histogram.Max);
        Assert.Equal((12.5 + 3000 + 7.25 + 1_000_000) / 4, histogram.Mean, 9);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++) histogram.Add(i % 5000);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024, "taking a sample allocates nothing");
    }

    [Fact]
    public void A_histogram_without_samples_has_no_percentile()
    {
        Assert.Throws<InvalidOperationException>(() => new LatencyHistogram().Percentile(0.5));
    }
}
