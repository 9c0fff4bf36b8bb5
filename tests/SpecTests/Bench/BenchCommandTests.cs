// A test of `evs bench` as a user runs it: the built evs executable, three node processes on
// 127.0.0.1 for a 2-second window, the report read as JSON. It checks the report's shape and that
// every node delivered the same messages in the same order, with a latency summary and memory
// samples from every node; never how fast (speed is measured by
// benchmarks/corosync/compare.sh, not by timed tests). The same run with each node in a network
// namespace of its own behind a bridge and under real-time scheduling (--hosts, --node-command,
// --realtime: compare.sh's same path and scheduling as Corosync's), where this host lets root
// create namespaces; and the placements refused, by name.
using System.Diagnostics;
using System.Text.Json;
using SpecTests.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Bench;

[Collection(RuntimeCollection.Name)]
public sealed class BenchCommandTests(ITestOutputHelper output)
{
    /// <summary>Far more than a run takes (ring formation, 2 s + 2 warmups, drain); the bench bounds itself too.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Three_node_processes_report_one_total_order()
    {
        var (exitCode, stdout, stderr) = await RunEvsAsync(Patience, "bench", "--nodes", "3", "--duration", "2", "--size", "100", "--json");
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.Equal(0, exitCode);

        using var report = JsonDocument.Parse(stdout.Trim());
        var root = report.RootElement;
        Assert.Equal(3, root.GetProperty("nodes").GetInt32());
        Assert.Equal("agreed", root.GetProperty("service").GetString());
        Assert.True(root.GetProperty("settings").GetProperty("token_loss_ms").GetDouble() > 0);
        var nodes = root.GetProperty("per_node").EnumerateArray().ToList();
        Assert.Equal(["p1", "p2", "p3"], nodes.Select(n => n.GetProperty("node").GetString()));
        foreach (var n in nodes)
        {
            Assert.True(n.GetProperty("delivered_total").GetInt64() > 0, "every node delivered data messages");
            Assert.Equal(3, n.GetProperty("done_seen").GetInt32());
            Assert.Equal(0, n.GetProperty("fifo_gaps").GetInt64());
            Assert.True(n.GetProperty("msgs_per_s").GetDouble() >= 0);
            var latency = n.GetProperty("lat_us");
            Assert.True(latency.GetProperty("n").GetInt64() > 0, "own messages sent in the window have a latency");
            Assert.InRange(latency.GetProperty("p50").GetDouble(), latency.GetProperty("min").GetDouble(), latency.GetProperty("p99").GetDouble());
            Assert.InRange(latency.GetProperty("p99").GetDouble(), latency.GetProperty("p50").GetDouble(), latency.GetProperty("max").GetDouble());
            var memory = n.GetProperty("memory").EnumerateArray().ToList();
            Assert.True(memory.Count >= 2, "memory is sampled at least at t0 and once a second while sending");
            Assert.All(memory, sample => Assert.True(sample.GetProperty("rss_mb").GetDouble() > 0));
            Assert.Equal(JsonValueKind.Number, n.GetProperty("rss_growth_pct").ValueKind);
            Assert.Equal(OperatingSystem.IsLinux() ? "other" : "unknown", n.GetProperty("scheduling").GetString());
        }
        Assert.Single(nodes.Select(n => n.GetProperty("order_hash").GetString()).Distinct());
        Assert.Single(nodes.Select(n => n.GetProperty("delivered_total").GetInt64()).Distinct());
        var summary = root.GetProperty("summary");
        Assert.True(summary.GetProperty("order_hash_equal").GetBoolean());
        Assert.True(summary.GetProperty("complete").GetBoolean(), string.Join("; ", summary.GetProperty("problems").EnumerateArray()));
    }

    [SkippableFact]
    public async Task Nodes_in_network_namespaces_behind_a_bridge_under_real_time_scheduling_report_one_total_order()
    {
        using var network = NamespaceNetwork.TryCreate(3, output, out string? reason);
        Skip.If(network is null, reason);
        string hosts = string.Join(",", Enumerable.Range(1, 3).Select(network.Address));
        string nodeCommand = $"ip netns exec {network.Node(1)[..^1]}{{i}}";

        var (exitCode, stdout, stderr) = await RunEvsAsync(Patience, "bench", "--nodes", "3", "--duration", "2", "--size", "100", "--json",
            "--hosts", hosts, "--node-command", nodeCommand, "--realtime");
        output.WriteLine(stdout);
        output.WriteLine(stderr);

        Assert.Equal(0, exitCode);
        using var report = JsonDocument.Parse(stdout.Trim());
        var summary = report.RootElement.GetProperty("summary");
        Assert.True(summary.GetProperty("order_hash_equal").GetBoolean());
        Assert.True(summary.GetProperty("complete").GetBoolean(), string.Join("; ", summary.GetProperty("problems").EnumerateArray()));
        foreach (var n in report.RootElement.GetProperty("per_node").EnumerateArray())
        {
            Assert.True(n.GetProperty("delivered_total").GetInt64() > 0, "every node delivered data messages");
            Assert.True(n.GetProperty("send_calls").GetInt64() > 0 && n.GetProperty("receive_calls").GetInt64() > 0, "the system calls are counted");
            Assert.Equal("rr", n.GetProperty("scheduling").GetString()); // --realtime: as Corosync runs
            Assert.True(n.GetProperty("cpu_kernel_s").GetDouble() <= n.GetProperty("cpu_s").GetDouble());
        }
    }

    [Theory]
    [InlineData("--hosts 10.78.0.1,10.78.0.2", "--hosts has 2 addresses for 3 nodes")]
    [InlineData("--hosts 10.78.0.1,10.78.0.2,ten", "--hosts: \"ten\" is not an IP address")]
    [InlineData("--hosts 10.78.0.1,10.78.0.2,10.78.0.1", "--hosts gives 10.78.0.1 to more than one node")]
    [InlineData("--hosts 10.78.0.1,0.0.0.0,10.78.0.3", "--hosts: 0.0.0.0 is a wildcard")]
    [InlineData("--base-port 65534", "--base-port 65534 leaves no port for p3")]
    public async Task A_placement_that_cannot_work_is_refused_naming_the_option(string options, string problem)
    {
        var (exitCode, _, stderr) = await RunEvsAsync(Patience, ["bench", "--nodes", "3", .. options.Split(' ')]);

        Assert.Equal(2, exitCode);
        Assert.Contains(problem, stderr);
    }

    [Fact]
    public async Task An_empty_node_command_is_refused_naming_the_option()
    {
        var (exitCode, _, stderr) = await RunEvsAsync(Patience, "bench", "--nodes", "3", "--node-command", " ");

        Assert.Equal(2, exitCode);
        Assert.Contains("--node-command is empty", stderr);
    }

    /// <summary>
    /// Runs the evs executable built beside this test assembly (same configuration) with
    /// <paramref name="arguments"/>; kills it, and its children, if it outlives <paramref name="patience"/>.
    /// </summary>
    internal static async Task<(int ExitCode, string Stdout, string Stderr)> RunEvsAsync(TimeSpan patience, params string[] arguments)
    {
        var info = new ProcessStartInfo(EvsExecutable()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var outlived = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(outlived.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    // tests/SpecTests/bin/<Configuration>/net10.0/ -> src/Evs.Cli/bin/<Configuration>/net10.0/evs
    private static string EvsExecutable()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = here.Name, configuration = here.Parent!.Name;
        var repository = here.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        string name = OperatingSystem.IsWindows() ? "evs.exe" : "evs";
        string path = Path.Combine(repository, "src", "Evs.Cli", "bin", configuration, framework, name);
        Assert.True(File.Exists(path), $"the evs executable is not built at {path}");
        return path;
    }
}
