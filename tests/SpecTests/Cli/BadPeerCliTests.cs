// Tests of `evs node` with a bad peer (issue #17, item 4; docs/BAD-PEERS.md), through the built
// executable as an operator runs it: a node started with another key than the cluster's says on
// its console, at the default log level, that its key differs from its peers'; the others say on
// theirs which peer sends datagrams that fail authentication, and show it in /status; the two
// with the same key keep their ring, and the traces pass the specification checker.
using System.Globalization;
using Evs.Reference.Checking;
using Evs.Runtime.Files;
using Evs.Runtime.Wire;
using SpecTests.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class BadPeerCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evs-bad-peer-cli-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_node_with_another_key_says_so_on_its_console_and_the_others_name_it_on_theirs_and_in_status()
    {
        string clusterKey = Path.Combine(_directory, "cluster.key"), otherKey = Path.Combine(_directory, "other.key");
        KeyFile.Generate(clusterKey);
        KeyFile.Generate(otherKey);
        var ports = RuntimeCluster.FreeLoopbackPorts(3);
        using var p1 = StartNode(1, ports, clusterKey);
        using var p2 = StartNode(2, ports, clusterKey);
        using var p3 = StartNode(3, ports, otherKey);
        foreach (var node in new[] { p1, p2 }) await node.WaitForLineAsync(0, "═ regular configuration", "[p1, p2]");
        await p3.WaitForLineAsync(0, "═ regular configuration", "[p3]");
        // p1 and p2 each broadcast, to every peer of their list, p3 among them.
        await p1.WriteLineAsync("from p1");
        await p2.WriteLineAsync("from p2");

        await p3.WaitForErrorLineAsync("error NodeHost: p3: the datagrams of every peer (p1, p2) fail authentication and not one has passed: this node's key differs from theirs.");
        foreach (var (node, id) in new[] { (p1, "p1"), (p2, "p2") })
            await node.WaitForErrorLineAsync($"warning NodeHost: {id} drops datagrams from p3 at 127.0.0.1:{ports[2]}: they fail authentication with this node's key: p3's key differs from this node's");
        int mark = p1.LineCount;
        await p1.WriteLineAsync("/status");
        await p1.WaitForLineAsync(mark, "peers configured differently", "p3: unauthenticated ");

        foreach (var node in new[] { p1, p2, p3 }) await node.WriteLineAsync("/quit");
        foreach (var node in new[] { p1, p2, p3 }) Assert.Equal(0, await node.WaitForExitAsync());
        Assert.DoesNotContain(p3.Lines, l => l.Contains("from p1", StringComparison.Ordinal));
        var report = SpecificationChecker.Check(TraceFiles.ReadAll(Directory.GetFiles(_directory, "*.jsonl")));
        Assert.True(report.AllPassed, report.ToString());
    }

    // Node pI on ports[I-1] with key, every node's address as peers, its store and trace in the
    // test's directory, short timeouts, and the log at its default level (warnings and errors).
    private EvsProcess StartNode(int i, IReadOnlyList<int> ports, string key)
    {
        var peers = string.Join(",", ports.Select((port, j) => $"p{j + 1}=127.0.0.1:{port}"));
        return EvsProcess.Start($"p{i}", output, _directory,
            "node", "--id", $"p{i}", "--bind", $"127.0.0.1:{ports[i - 1].ToString(CultureInfo.InvariantCulture)}", "--peers", peers, "--key", key,
            "--store", $"p{i}", "--trace", $"p{i}.jsonl", "--token-timeout-ms", "1000");
    }
}
