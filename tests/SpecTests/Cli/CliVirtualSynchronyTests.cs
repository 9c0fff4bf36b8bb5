// Tests of `evs cluster --vs` and `evs node --vs` (issue #14, item 3): the built executable behind
// the virtual synchrony filter in separate OS processes on 127.0.0.1, driven through the cluster's
// prompt with a partition and a kill -9, observed on its standard output, and judged at the end by
// `evs check --vs` on the virtual synchrony traces the nodes wrote, as a person would judge them.
using System.Globalization;
using Evs.Reference.Checking;
using Evs.Reference.VirtualSynchrony;
using Evs.Runtime.Files;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class CliVirtualSynchronyTests(ITestOutputHelper output) : IDisposable
{
    // As in CliNetworkTests: partitions and kills are noticed in about two seconds.
    private const string TokenTimeoutMs = "1000";

    private static readonly string[] Nodes = ["p1", "p2", "p3"];

    private readonly string _directory = Directory.CreateTempSubdirectory("evs-cli-vs-").FullName;

    [Fact]
    public async Task Evs_cluster_vs_with_a_partition_and_a_kill_shows_primary_views_refuses_sends_outside_and_writes_vs_traces_that_evs_check_vs_passes()
    {
        int basePort = CliNetworkTests.FreeConsecutivePorts(3);
        using var cluster = EvsProcess.Start("evs cluster --vs", output, _directory,
            "cluster", "--nodes", "3", "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--dir", "c", "--token-timeout-ms", TokenTimeoutMs,
            "--primary", "majority", "--vs");
        foreach (var id in Nodes) await cluster.WaitForLineAsync(0, $"{id} │ ◆ view", "[p1, p2, p3]", $"as {id}");
        await cluster.WriteLineAsync("hello views");
        foreach (var id in Nodes) await cluster.WaitForLineAsync(0, $"{id} │ ✓ p1 (abcast, in view", "hello views");

        // p3 alone is no majority: it leaves the primary component, its identity stops, and its sends are refused with the reason.
        int mark = cluster.LineCount;
        await cluster.WriteLineAsync("/partition p1,p2 p3");
        await cluster.WaitForLineAsync(mark, "p3 │ ⊘ p3 is not in the primary component (Rule 2 of the virtual synchrony filter)", "(its identity p3 has stopped)");
        await cluster.WaitForLineAsync(mark, "p1 │ ◆ view", "[p1, p2]");
        await cluster.WriteLineAsync("p3: from the minority");
        await cluster.WaitForLineAsync(mark, "not sent: p3 is not in the primary component (Rule 2 of the virtual synchrony filter): its configuration",
            "is not a primary component; sends are refused until it is merged into the primary component again");
        await cluster.WriteLineAsync("p2: from the majority");
        foreach (var id in new[] { "p1", "p2" }) await cluster.WaitForLineAsync(mark, $"{id} │ ✓ p2 (abcast, in view", "from the majority");

        // Killed, p2 leaves p1 alone, outside the primary too; restarted, p2 forms a primary with p1, both under new names.
        mark = cluster.LineCount;
        await cluster.WriteLineAsync("/kill p2");
        await cluster.WaitForLineAsync(mark, "p1 │ ⊘ p1 is not in the primary component");
        mark = cluster.LineCount;
        await cluster.WriteLineAsync("/restart p2");
        foreach (var id in new[] { "p1", "p2" }) await cluster.WaitForLineAsync(mark, $"{id} │ ◆ view", "[p1~1, p2~1]");

        // Healed, p3 is merged into the primary component one process at a time, under a new name.
        mark = cluster.LineCount;
        await cluster.WriteLineAsync("/heal");
        await cluster.WaitForLineAsync(mark, "p3 │ ✔ sends are accepted again as p3~1");
        foreach (var id in Nodes) await cluster.WaitForLineAsync(mark, $"{id} │ ◆ view", "[p1~1, p2~1, p3~1]");
        await cluster.WriteLineAsync("p3: back in the primary");
        foreach (var id in Nodes) await cluster.WaitForLineAsync(mark, $"{id} │ ✓ p3 (abcast, in view", "back in the primary");

        await cluster.WriteLineAsync("/quit");
        Assert.Equal(0, await cluster.WaitForExitAsync());
        Assert.Contains(cluster.Lines, l => l.Contains("the traces are marked quiescent", StringComparison.Ordinal));
        Assert.Contains(cluster.Lines, l => l.Contains("evs check --vs c/vs/*.jsonl", StringComparison.Ordinal));
        Assert.DoesNotContain(cluster.Lines, l => l.Contains("from the minority", StringComparison.Ordinal) && l.Contains('✓'));

        var vsTraces = Nodes.Select(id => Path.Combine(_directory, "c", "vs", id + ".jsonl")).ToArray();
        var (code, verdicts) = await EvsProcess.RunAsync(output, _directory, ["check", "--vs", .. vsTraces]);
        Assert.True(code == 0, verdicts);
        Assert.Contains("VS C3  pass", verdicts);
        var history = TraceFiles.ReadAllVs(vsTraces);
        Assert.True(history.Header.Quiescent);
        Assert.Contains(history.Events, e => e is Stop { Process: "p3" });
        Assert.Contains(history.Events, e => e is Stop { Process: "p2" });
        Assert.Contains(history.Events, e => e is ViewChange { Process: "p3~1" });
        var evs = TraceFiles.ReadAll(Nodes.Select(id => Path.Combine(_directory, "c", id + ".jsonl")));
        Assert.True(SpecificationChecker.Check(evs).AllPassed, SpecificationChecker.Check(evs).ToString());
    }

    [Fact]
    public async Task Vs_without_a_primary_component_algorithm_is_refused_by_evs_node_and_evs_cluster_saying_it_needs_primary()
    {
        var (nodeCode, nodeOutput) = await EvsProcess.RunAsync(output, _directory,
            "node", "--id", "p1", "--bind", "127.0.0.1:1", "--peers", "p2=127.0.0.1:2", "--store", "p1", "--vs", "--no-input");
        Assert.Equal(2, nodeCode);
        Assert.Contains("--vs needs --primary (majority or", nodeOutput);
        var (traceCode, traceOutput) = await EvsProcess.RunAsync(output, _directory,
            "node", "--id", "p1", "--bind", "127.0.0.1:1", "--peers", "p2=127.0.0.1:2", "--store", "p1", "--primary", "majority", "--vs-trace", "p1.vs.jsonl", "--no-input");
        Assert.Equal(2, traceCode);
        Assert.Contains("--vs-trace is the filtered history: it needs --vs", traceOutput);
        var (clusterCode, clusterOutput) = await EvsProcess.RunAsync(output, _directory, "cluster", "--vs", "--dir", "c");
        Assert.Equal(2, clusterCode);
        Assert.Contains("evs cluster: --vs needs --primary", clusterOutput);
        Assert.False(Directory.Exists(Path.Combine(_directory, "p1")), "a refused node creates no store");
        Assert.False(Directory.Exists(Path.Combine(_directory, "c")), "a refused cluster creates no directory");
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
