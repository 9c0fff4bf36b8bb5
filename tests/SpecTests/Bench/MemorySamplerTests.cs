// evs bench's memory growth (MemorySampler.GrowthPercent): the end of the timed window against its
// beginning. The sampler's ticks drift by a few milliseconds, so the sample meant for the window's
// first second can come at 0.999 s; it must still count as the window's first, or a short run
// reports no growth at all (as a three-node bench once did).
using Evs.Cli.Commands.Bench;
using Xunit;

namespace SpecTests.Bench;

public class MemorySamplerTests
{
    private static MemorySample At(double seconds, double residentMb) => new(seconds, residentMb, 0);

    [Fact]
    public void A_tick_a_millisecond_early_still_opens_the_window()
    {
        var samples = new[] { At(0.003, 50), At(0.999, 100), At(2.002, 104), At(3.005, 110) };
        var growth = MemorySampler.GrowthPercent(samples, windowStartS: 1, windowEndS: 3, TimeSpan.FromSeconds(1));
        Assert.NotNull(growth);
        Assert.Equal(10, growth.Value, precision: 6);
    }

    [Fact]
    public void Samples_well_outside_the_window_do_not_count()
    {
        var samples = new[] { At(0.2, 50), At(1.0, 100), At(2.0, 100), At(3.7, 500) };
        Assert.Equal(0, MemorySampler.GrowthPercent(samples, windowStartS: 1, windowEndS: 3, TimeSpan.FromSeconds(1))!.Value, precision: 6);
    }

    [Fact]
    public void Fewer_than_two_samples_in_the_window_is_no_measurement() =>
        Assert.Null(MemorySampler.GrowthPercent([At(0.2, 50), At(2.0, 100)], windowStartS: 1, windowEndS: 3, TimeSpan.FromSeconds(1)));
}
