// Tests of `evs node`, `evs ctl` and `evs cluster` (issue "The real network", items 5 and 6): the
// built executable in separate OS processes on 127.0.0.1, driven as a person drives it (lines on
// standard input) or as a script does (evs ctl), observed on standard output, and judged at the
// end by the specification checker on the traces the nodes wrote. Short protocol timeouts
// (--token-timeout-ms) keep each test to seconds.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Evs.Reference.Checking;
using Evs.Reference.Groups;
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Evs.Runtime.Files;
using SpecTests.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class CliNetworkTests(ITestOutputHelper output) : IDisposable
{
    // A token lost for a second breaks the ring: partitions and kills are noticed in about two
    // (token loss, then consensus), and a machine busy with other work does not break it by mistake.
    private const string TokenTimeoutMs = "1000";

    private readonly string _directory = Directory.CreateTempSubdirectory("evs-cli-").FullName;

    [Fact]
    public async Task Lines_typed_at_one_node_are_delivered_by_all_three_and_a_bad_line_loses_nothing()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(3);
        using var p1 = StartNode(1, ports);
        using var p2 = StartNode(2, ports);
        using var p3 = StartNode(3, ports);
        EvsProcess[] nodes = [p1, p2, p3];
        foreach (var node in nodes) await node.WaitForLineAsync(0, "regular configuration", "[p1, p2, p3]");

        int mark = p1.LineCount;
        await p1.WriteLineAsync("/frobnicate");
        await p1.WriteLineAsync("/block p9");
        await p1.WriteLineAsync("hello from the pipe");
        await p1.WriteLineAsync("/safe");
        await p1.WriteLineAsync("a safe one");
        await p1.WaitForLineAsync(mark, "unknown command \"frobnicate\"");
        await p1.WaitForLineAsync(mark, "unknown peer p9");
        foreach (var node in nodes)
        {
            int agreed = await node.WaitForLineAsync(0, "✓ p1 (agreed, in R", ", regular): hello from the pipe");
            int safe = await node.WaitForLineAsync(0, "✓ p1 (safe, in R", ", regular): a safe one");
            Assert.True(agreed < safe, "the two messages are delivered in the order sent");
        }
        Assert.Contains(p1.Lines, l => l.Contains("OPEN CLUSTER", StringComparison.Ordinal));

        foreach (var node in nodes) await node.WriteLineAsync("/quit");
        foreach (var node in nodes) Assert.Equal(0, await node.WaitForExitAsync());
        CheckTraces(expectQuiescent: false);
    }

    [Fact]
    public async Task Evs_ctl_block_partitions_the_nodes_and_heal_merges_them_again()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(3);
        using var p1 = StartNode(1, ports, "--no-input");
        using var p2 = StartNode(2, ports, "--no-input");
        using var p3 = StartNode(3, ports, "--no-input");
        EvsProcess[] nodes = [p1, p2, p3];
        foreach (var node in nodes) await node.WaitForLineAsync(0, "regular configuration", "[p1, p2, p3]");
        Assert.Equal(0, (await Ctl("p1", "send", "before", "the", "cut")).ExitCode);
        Assert.Equal(0, (await Ctl("p2", "send", "also", "before")).ExitCode);
        foreach (var node in nodes)
        {
            await node.WaitForLineAsync(0, "✓ p1 (agreed, in R", "): before the cut");
            await node.WaitForLineAsync(0, "✓ p2 (agreed, in R", "): also before");
        }

        var (code, status) = await Ctl("p1", "status", "--json");
        Assert.Equal(0, code);
        using (var json = JsonDocument.Parse(status))
        {
            Assert.Equal(["p1", "p2", "p3"], json.RootElement.GetProperty("status").GetProperty("members").EnumerateArray().Select(m => m.GetString()));
            // Every reason to drop has its count, the older ones under their old names.
            var dropped = json.RootElement.GetProperty("status").GetProperty("dropped");
            string[] reasons =
            [
                "cutIn", "cutOut", "unknownSource", "wrongSource", "malformed", "unauthenticated", "wrongVersion", "otherCluster",
                "replayed", "stale", "misaddressed", "unknownSender", "outOfBounds", "misaddressedTokens", "staleJoins", "droppedRequests",
            ];
            Assert.All(reasons, reason => Assert.Equal(JsonValueKind.Number, dropped.GetProperty(reason).ValueKind));
            Assert.Equal(2, json.RootElement.GetProperty("status").GetProperty("delivered").GetInt64());
            Assert.Equal(2, json.RootElement.GetProperty("status").GetProperty("deliveredInConfiguration").GetInt64());
        }
        var refused = await Task.WhenAll(
            Ctl("p1", "block", "p9"),
            Ctl("p1", "frobnicate"),
            EvsProcess.RunAsync(output, _directory, "ctl", Path.Combine(_directory, "nowhere"), "status"));
        Assert.Equal([1, 2, 2], refused.Select(r => r.ExitCode));
        Assert.Contains("unknown peer p9", refused[0].Output);

        int[] marks = [.. nodes.Select(n => n.LineCount)];
        var cut = await Task.WhenAll(Ctl("p1", "block", "p3"), Ctl("p2", "block", "p3"), Ctl("p3", "isolate"));
        Assert.All(cut, r => Assert.Equal(0, r.ExitCode));
        // Each node says what it waits for, with its own timeouts, so that a class knows why nothing shows yet.
        Assert.Contains("p1 blocks p3: now cut off from p3; the two sides notice when the token has not come round for", cut[0].Output);
        Assert.Contains("(the consensus timeout): new configurations in about", cut[0].Output);
        Assert.Contains("p3 is isolated: every datagram to and from anyone is dropped; p3 and the others notice when", cut[2].Output);
        await p1.WaitForLineAsync(marks[0], "─ transitional configuration");
        await p1.WaitForLineAsync(marks[0], "═ regular configuration", "[p1, p2]");
        await p2.WaitForLineAsync(marks[1], "═ regular configuration", "[p1, p2]");
        await p3.WaitForLineAsync(marks[2], "═ regular configuration", "[p3]");
        Assert.Equal(0, (await Ctl("p3", "send", "--service", "safe", "alone", "in", "p3's", "component")).ExitCode);
        await p3.WaitForLineAsync(marks[2], "✓ p3 (safe, in R", "): alone in p3's component");
        // Delivered counts go on across configurations: two before the cut, one since, in p3's own.
        using (var json = JsonDocument.Parse((await Ctl("p3", "status", "--json")).Output))
        {
            Assert.Equal(3, json.RootElement.GetProperty("status").GetProperty("delivered").GetInt64());
            Assert.Equal(1, json.RootElement.GetProperty("status").GetProperty("deliveredInConfiguration").GetInt64());
        }

        marks = [.. nodes.Select(n => n.LineCount)];
        Assert.All(await Task.WhenAll(Ctl("p1", "heal"), Ctl("p2", "heal"), Ctl("p3", "heal")), r => Assert.Equal(0, r.ExitCode));
        for (int i = 0; i < nodes.Length; i++) await nodes[i].WaitForLineAsync(marks[i], "═ regular configuration", "[p1, p2, p3]");

        Assert.All(await Task.WhenAll(Ctl("p1", "quit"), Ctl("p2", "quit"), Ctl("p3", "quit")), r => Assert.Equal(0, r.ExitCode));
        foreach (var node in nodes) Assert.Equal(0, await node.WaitForExitAsync());
        Assert.DoesNotContain(p1.Lines, l => l.Contains("alone in p3's component", StringComparison.Ordinal));
        CheckTraces(expectQuiescent: false);
    }

    [Fact]
    public async Task A_peer_list_that_cannot_work_is_refused_naming_what_is_wrong()
    {
        int port = RuntimeCluster.FreeLoopbackPorts(1)[0];
        string self = $"127.0.0.1:{port}", other = $"127.0.0.1:{port + 1}";
        string[] Node(string peers) => ["node", "--id", "p1", "--bind", self, "--store", "p1", "--no-input", "--peers", peers];
        (string[] Arguments, string Said)[] cases =
        [
            (Node($"p1={other},p2={self}"), $"--peers names this process, p1, at {other}, but --bind is {self}"),
            (Node($"p2={self}"), $"--peers puts p2 at {self}, this process's own address (--bind): it would talk to itself"),
            (Node($"p2={other},p3={other}"), $"--peers puts p2 and p3 both at {other}"),
            (Node($"p2=localhost:{port + 1}"), "names a host: host names are not resolved"),
            (Node($"p2=localhost:{port + 1}"), "(localhost is 127.0.0.1)"),
            (Node($"p2=peer-two.lan:{port + 1}"), $"the address of p2 \"peer-two.lan:{port + 1}\" names a host"),
        ];
        await AssertRefusedAsync(cases);
    }

    [Fact]
    public async Task A_membership_policy_that_cannot_work_is_refused_naming_what_is_wrong()
    {
        int port = RuntimeCluster.FreeLoopbackPorts(1)[0];
        string group = $"239.255.77.7:{port + 1}";
        string[] Node(params string[] extra) => ["node", "--id", "p1", "--bind", $"127.0.0.1:{port}", "--store", "p1", "--no-input", .. extra];
        (string[] Arguments, string Said)[] cases =
        [
            (Node("--peers", $"p2=127.0.0.1:{port + 1}", "--members", "p1,p2"), "--members is the membership policy of a multicast group: it needs --multicast"),
            (Node("--multicast", group, "--members", "p1,p2,p1"), "--members names p1 twice"),
            (Node("--multicast", group, "--members", "p1,b@d"), "--members: member \"b@d\" is not a process identifier"),
            (Node("--multicast", group, "--members", ","), "--members is empty"),
            (Node("--multicast", group, "--members", "p2,p3"), "p1 cannot start: Members (--members) does not name this process, p1"),
            (Node("--multicast", group, "--peers", $"p4=127.0.0.1:{port + 2}", "--members", "p1,p2"), "peer p4 is configured but is not one of Members (--members)"),
        ];
        await AssertRefusedAsync(cases);
    }

    // Each start of p1 is refused with exit code 2 and says what is wrong; none makes a store.
    private async Task AssertRefusedAsync((string[] Arguments, string Said)[] cases)
    {
        foreach (var (arguments, said) in cases)
        {
            var (code, text) = await EvsProcess.RunAsync(output, _directory, arguments);
            Assert.True(code == 2, $"exit code {code} for {string.Join(' ', arguments)}: {text}");
            Assert.Contains(said, text);
        }
        Assert.False(Directory.Exists(Path.Combine(_directory, "p1")), "a refused start makes no store");
    }

    [Fact]
    public async Task A_node_killed_with_SIGKILL_restarts_from_its_store_rejoins_and_the_traces_pass_the_checker()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(3);
        using var p1 = StartNode(1, ports);
        using var p2 = StartNode(2, ports);
        var first = StartNode(3, ports);
        int mark;
        try
        {
            foreach (var node in new[] { p1, p2, first }) await node.WaitForLineAsync(0, "regular configuration", "[p1, p2, p3]");
            await p1.WriteLineAsync("before the kill");
            await first.WaitForLineAsync(0, "✓ p1", "before the kill");

            mark = p1.LineCount;
            first.Kill();
            await first.WaitForExitAsync();
            await p1.WaitForLineAsync(mark, "═ regular configuration", "[p1, p2]");
        }
        finally
        {
            first.Dispose();
        }
        using var p3 = StartNode(3, ports);
        mark = p1.LineCount;
        await p3.WaitForLineAsync(0, "═ regular configuration", "[p1, p2, p3]");
        await p1.WaitForLineAsync(mark, "═ regular configuration", "[p1, p2, p3]");
        await p1.WriteLineAsync("after the restart");
        await p3.WaitForLineAsync(0, "✓ p1", "after the restart");

        foreach (var node in new[] { p1, p2, p3 }) await node.WriteLineAsync("/quit");
        foreach (var node in new[] { p1, p2, p3 }) Assert.Equal(0, await node.WaitForExitAsync());
        var p3Events = CheckTraces(expectQuiescent: false).Events.Where(e => e.Process.Name == "p3").OrderBy(e => e.Index).ToList();
        int fail = p3Events.FindIndex(e => e is Fail);
        Assert.True(fail >= 0, "the restarted node wrote the fail line of the configuration it was killed in");
        var restart = Assert.IsType<DeliverConf>(p3Events[fail + 1]);
        Assert.Equal(["p3"], restart.Members.Select(m => m.Name));
    }

    [Fact]
    public async Task Evs_cluster_sends_partitions_heals_kills_restarts_and_quits_with_quiescent_traces_that_pass_the_checker()
    {
        int basePort = FreeConsecutivePorts(3);
        using var cluster = EvsProcess.Start("evs cluster", output, _directory,
            "cluster", "--nodes", "3", "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--dir", "c", "--token-timeout-ms", TokenTimeoutMs, "--trace-text");
        foreach (var id in new[] { "p1", "p2", "p3" }) await cluster.WaitForLineAsync(0, $"{id} │ ═ regular configuration", "[p1, p2, p3]");

        await cluster.WriteLineAsync("hello cluster");
        foreach (var id in new[] { "p1", "p2", "p3" }) await cluster.WaitForLineAsync(0, $"{id} │ ✓ p1 (agreed", "hello cluster");

        int mark = cluster.LineCount;
        await cluster.WriteLineAsync("/partition p1,p2 p3");
        // The class is told what the nodes wait for, and for how long, before anything shows.
        int told = await cluster.WaitForLineAsync(mark, "waiting: the nodes notice the cut when the token has not come round for 1 s (the token loss timeout)",
            "within 1.2 s (the consensus timeout): new configurations in about 2.2 s");
        Assert.True(told < await cluster.WaitForLineAsync(mark, "p1 │ ─ transitional configuration"), "the wait is explained before the change shows");
        await cluster.WaitForLineAsync(mark, "p1 │ ═ regular configuration", "[p1, p2]");
        await cluster.WaitForLineAsync(mark, "p2 │ ═ regular configuration", "[p1, p2]");
        await cluster.WaitForLineAsync(mark, "p3 │ ═ regular configuration", "[p3]");
        await cluster.WriteLineAsync("p3: alone");
        await cluster.WaitForLineAsync(mark, "p3 │ ✓ p3", "alone");

        mark = cluster.LineCount;
        await cluster.WriteLineAsync("/heal");
        foreach (var id in new[] { "p1", "p2", "p3" }) await cluster.WaitForLineAsync(mark, $"{id} │ ═ regular configuration", "[p1, p2, p3]");

        mark = cluster.LineCount;
        await cluster.WriteLineAsync("/kill p3");
        await cluster.WaitForLineAsync(mark, "waiting: the others notice p3 is gone when the token has not come round for 1 s");
        await cluster.WaitForLineAsync(mark, "p1 │ ═ regular configuration", "[p1, p2]");
        mark = cluster.LineCount;
        await cluster.WriteLineAsync("/restart p3");
        foreach (var id in new[] { "p1", "p3" }) await cluster.WaitForLineAsync(mark, $"{id} │ ═ regular configuration", "[p1, p2, p3]");

        await cluster.WriteLineAsync("/quit");
        Assert.Equal(0, await cluster.WaitForExitAsync());
        Assert.Contains(cluster.Lines, l => l.Contains("the traces are marked quiescent", StringComparison.Ordinal));
        Assert.Contains(cluster.Lines, l => l.Contains("evs check c/*.jsonl", StringComparison.Ordinal));
        Assert.DoesNotContain(cluster.Lines, l => l.StartsWith("p1 │ ✓ p3", StringComparison.Ordinal));
        var trace = CheckTraces(expectQuiescent: true, Path.Combine(_directory, "c"));
        Assert.Equal(["p3"], trace.Events.OfType<Fail>().Select(f => f.Process.Name));
        // --trace-text, and the chat is the group chat: what was typed is in every trace, at the
        // send and at each delivery, as a data message of the group.
        var hello = trace.Events.Where(e => e is Send { Text: "hello cluster" } or Deliver { Text: "hello cluster" }).ToList();
        Assert.Single(hello.OfType<Send>());
        Assert.All(hello, e => Assert.True(e is Send { Group: { Op: GroupOp.Data, Group: "chat" } } or Deliver { Group: { Op: GroupOp.Data, Group: "chat" } }, $"{e} is not a message of the group chat"));
        Assert.Equal(["p1", "p2", "p3"], hello.OfType<Deliver>().Select(d => d.Process.Name).Order());
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Node pI on ports[I-1], every node's address as peers, its store and trace in the test's directory.
    private EvsProcess StartNode(int i, IReadOnlyList<int> ports, params string[] extra)
    {
        var peers = string.Join(",", ports.Select((port, j) => $"p{j + 1}=127.0.0.1:{port}"));
        string[] arguments =
        [
            "node", "--id", $"p{i}", "--bind", $"127.0.0.1:{ports[i - 1]}", "--peers", peers,
            "--store", $"p{i}", "--trace", $"p{i}.jsonl", "--token-timeout-ms", TokenTimeoutMs, "--log-level", "Information", .. extra,
        ];
        return EvsProcess.Start($"p{i}", output, _directory, arguments);
    }

    // evs ctl on node ID's store directory.
    private Task<(int ExitCode, string Output)> Ctl(string id, params string[] command) =>
        EvsProcess.RunAsync(output, _directory, ["ctl", Path.Combine(_directory, id), .. command]);

    // Reads every trace in the directory as one history, checks it, and fails the test on a violation.
    private EvsTrace CheckTraces(bool expectQuiescent, string? directory = null)
    {
        var paths = Directory.GetFiles(directory ?? _directory, "*.jsonl");
        Assert.Equal(3, paths.Length);
        var trace = TraceFiles.ReadAll(paths);
        Assert.Equal(expectQuiescent, trace.Header.Quiescent);
        var report = SpecificationChecker.Check(trace);
        Assert.True(report.AllPassed, report.ToString());
        return trace;
    }

    /// <summary>A port from which <paramref name="count"/> consecutive UDP ports of 127.0.0.1 are free (evs cluster --base-port).</summary>
    internal static int FreeConsecutivePorts(int count)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int start = Random.Shared.Next(20000, 60000);
            var sockets = new List<Socket>();
            try
            {
                for (int port = start; port < start + count; port++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    sockets.Add(socket);
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                }
                return start;
            }
            catch (SocketException)
            {
                // Taken: try elsewhere.
            }
            finally
            {
                foreach (var socket in sockets) socket.Dispose();
            }
        }
        throw new InvalidOperationException($"no {count} consecutive free UDP ports found on 127.0.0.1");
    }
}
