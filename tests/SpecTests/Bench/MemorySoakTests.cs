// The runtime's memory target (issue #5): "a node's memory stays flat (no growth beyond 10%) over
// a ten-minute run at half its maximum throughput". It is a soak, not a CI test: it runs only when
// EVS_MEMORY_SOAK gives its length in seconds (600 for the target), e.g.
//   EVS_MEMORY_SOAK=600 dotnet test Evs.Reference.sln --filter MemorySoak
// Without it the test reports skipped, saying how to run it; a value that is not a positive number
// of seconds fails it (a mistake, not a missing environment). It first measures the maximum
// throughput (every node sending 1,000-byte agreed messages as fast as flow control allows, 5 s),
// then offers half of it for the soak, and reads every node's memory growth from evs bench's
// report (the end of the window against its beginning, MemorySampler).
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Bench;

[Collection(Runtime.RuntimeCollection.Name)]
public sealed class MemorySoakTests(ITestOutputHelper output)
{
    private const string Variable = "EVS_MEMORY_SOAK";
    private const double AllowedGrowthPercent = 10;

    [SkippableFact]
    public async Task MemorySoak_node_memory_stays_flat_at_half_its_maximum_throughput()
    {
        string? value = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrEmpty(value), $"{Variable} is not set: {Variable}=600 dotnet test Evs.Reference.sln --filter MemorySoak runs the ten-minute soak");
        Assert.True(double.TryParse(value, out double seconds) && seconds > 0, $"{Variable}={value} is not a positive number of seconds");
        var maximum = await BenchAsync(TimeSpan.FromMinutes(3), "--duration", "5");
        double half = maximum.GetProperty("summary").GetProperty("per_node_msgs_per_s").GetDouble() / 2;
        output.WriteLine($"maximum: {2 * half:0} msgs/s delivered per node; the soak offers {half:0} msgs/s in all for {seconds} s");

        var soak = await BenchAsync(TimeSpan.FromSeconds(seconds) + TimeSpan.FromMinutes(3), "--duration", $"{seconds}", "--warmup", "10", "--rate", $"{half:0}");
        foreach (var node in soak.GetProperty("per_node").EnumerateArray())
        {
            var memory = node.GetProperty("memory").EnumerateArray().ToList();
            output.WriteLine($"{node.GetProperty("node").GetString()}: resident set {memory[0].GetProperty("rss_mb")} MB at t0, "
                + $"{memory[^1].GetProperty("rss_mb")} MB at the end, growth over the window {node.GetProperty("rss_growth_pct").GetDouble():0.0}%");
        }
        var summary = soak.GetProperty("summary");
        Assert.True(summary.GetProperty("complete").GetBoolean(), string.Join("; ", summary.GetProperty("problems").EnumerateArray()));
        Assert.True(summary.GetProperty("max_rss_growth_pct").GetDouble() <= AllowedGrowthPercent,
            $"a node's resident set grew by {summary.GetProperty("max_rss_growth_pct").GetDouble():0.0}% (at most {AllowedGrowthPercent}% allowed)");
    }

    private async Task<JsonElement> BenchAsync(TimeSpan patience, params string[] arguments)
    {
        string[] all = ["bench", "--nodes", "3", "--size", "1000", "--service", "agreed", "--json", .. arguments];
        var (exitCode, stdout, stderr) = await BenchCommandTests.RunEvsAsync(patience, all);
        output.WriteLine(stderr);
        Assert.True(exitCode == 0, $"evs {string.Join(" ", all)} exited {exitCode}: {stderr}");
        return JsonDocument.Parse(stdout.Trim()).RootElement.Clone();
    }
}
