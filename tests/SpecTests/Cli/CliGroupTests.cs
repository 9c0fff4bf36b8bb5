// Tests of named groups at the command line (issue 18 item 2): `evs node --group NAME` and the chat
// of `evs cluster`, in separate OS processes on 127.0.0.1. A node in the group sends what is typed
// (and what evs ctl sends) to the group and shows the group's views and messages beside the ring's
// configurations; a node outside the group delivers none of them; the control socket's events
// stream carries them as JSON lines that evs ctl reads back; and evs check passes the traces,
// whose ring messages carry the group tags (docs/TRACE.md, Groups).
using System.Globalization;
using System.Text;
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
public sealed class CliGroupTests(ITestOutputHelper output) : IDisposable
{
    // As in CliNetworkTests: a lost token is noticed in a second, and a busy machine does not lose one by mistake.
    private const string TokenTimeoutMs = "1000";

    private readonly string _directory = Directory.CreateTempSubdirectory("evs-group-").FullName;

    [Fact]
    public async Task Members_of_a_group_exchange_its_messages_in_its_views_a_node_outside_it_delivers_none_and_the_events_stream_carries_them()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(3);
        using var p1 = StartNode(1, ports, "--group", "chat");
        using var p2 = StartNode(2, ports, "--group", "chat");
        using var p3 = StartNode(3, ports);
        foreach (var node in new[] { p1, p2, p3 }) await node.WaitForLineAsync(0, "═ regular configuration", "[p1, p2, p3]");
        foreach (var node in new[] { p1, p2 })
        {
            await node.WaitForLineAsync(0, "group chat:", "lines typed here and evs ctl send go to this named group");
            await node.WaitForLineAsync(0, "◇ group chat view F:", "[p1, p2] regular");
        }
        Assert.DoesNotContain(p3.Lines, l => l.Contains("group chat", StringComparison.Ordinal));

        using var json = EvsProcess.Start("evs ctl p2 events --json", output, _directory, "ctl", Path.Combine(_directory, "p2"), "events", "--json");
        using var shown = EvsProcess.Start("evs ctl p2 events", output, _directory, "ctl", Path.Combine(_directory, "p2"), "events");
        await json.WaitForLineAsync(0, "\"event\":\"deliver_conf\"");
        await shown.WaitForLineAsync(0, "═ regular configuration", "[p1, p2, p3]");

        await p1.WriteLineAsync("hello group");
        var (code, sent) = await Ctl("p2", "send", "from", "p2");
        Assert.Equal(0, code);
        Assert.Contains("p2 sends 7 bytes, agreed, to group chat", sent, StringComparison.Ordinal);
        foreach (var node in new[] { p1, p2 })
        {
            await node.WaitForLineAsync(0, "✓ p1 (agreed, to group chat, in view F:", ", regular): hello group");
            await node.WaitForLineAsync(0, "✓ p2 (agreed, to group chat, in view F:", ", regular): from p2");
        }
        await json.WaitForLineAsync(0, "\"event\":\"group_deliver\"", "\"group\":\"chat\"", "\"sender\":\"p1\"", $"\"payload\":\"{Base64("hello group")}\"");
        await shown.WaitForLineAsync(0, "✓ p1 (agreed, to group chat, in view F:", "): hello group");

        // A ring message sent after the group's, in the ring's total order: p3 delivers it after
        // the place where the group's messages were, which it passed over.
        await p3.WriteLineAsync("to the ring");
        await p1.WaitForLineAsync(0, "✓ p3 (agreed, in R", ", regular): to the ring");
        await p3.WaitForLineAsync(0, "✓ p3 (agreed, in R", ", regular): to the ring");
        Assert.DoesNotContain(p3.Lines, l => l.Contains("hello group", StringComparison.Ordinal) || l.Contains("from p2", StringComparison.Ordinal));

        // p1 stops: p2's group installs a view without it, on p2's screen and in its events stream.
        int mark = p2.LineCount;
        await p1.WriteLineAsync("/quit");
        Assert.Equal(0, await p1.WaitForExitAsync());
        await p2.WaitForLineAsync(mark, "◇ group chat view", "[p2] regular", "left p1");
        await json.WaitForLineAsync(0, "\"event\":\"group_view\"", "\"group\":\"chat\"", "\"kind\":\"regular\"", "\"members\":[\"p2\"]", "\"left\":[\"p1\"]");
        await shown.WaitForLineAsync(0, "◇ group chat view", "[p2] regular", "left p1");

        foreach (var node in new[] { p2, p3 }) await node.WriteLineAsync("/quit");
        foreach (var node in new[] { p2, p3 }) Assert.Equal(0, await node.WaitForExitAsync());
        var trace = await CheckTracesAsync();
        var hello = trace.Events.OfType<Send>().Single(s => s.Process.Name == "p1" && s.Group is { Op: GroupOp.Data });
        Assert.Equal("chat", hello.Group!.Group);
        Assert.Equal(["p1", "p2", "p3"], trace.Events.OfType<Deliver>().Where(d => d.Message == hello.Message).Select(d => d.Process.Name).Order());
    }

    [Fact]
    public async Task A_group_without_a_name_or_beside_the_virtual_synchrony_filter_is_refused_before_the_node_starts()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(2);
        using var empty = StartNode(1, ports, "--group", " ");
        Assert.Equal(2, await empty.WaitForExitAsync());
        Assert.Contains(empty.Lines, l => l.Contains("--group needs a name: --group chat", StringComparison.Ordinal));

        using var filtered = StartNode(2, ports, "--group", "chat", "--primary", "majority", "--vs");
        Assert.Equal(2, await filtered.WaitForExitAsync());
        Assert.Contains(filtered.Lines, l => l.Contains("--group and --vs do not go together", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_directory, "p1")) || Directory.Exists(Path.Combine(_directory, "p2")), "no node started on the refused arguments");
    }

    [Fact]
    public async Task The_chat_of_evs_cluster_is_the_group_chat_through_a_partition_and_a_heal_and_its_traces_pass_evs_check()
    {
        int basePort = CliNetworkTests.FreeConsecutivePorts(3);
        using var cluster = EvsProcess.Start("evs cluster", output, _directory,
            "cluster", "--nodes", "3", "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--dir", "c", "--token-timeout-ms", TokenTimeoutMs);
        await cluster.WaitForLineAsync(0, "the chat is the named group chat");
        foreach (var id in new[] { "p1", "p2", "p3" }) await cluster.WaitForLineAsync(0, $"{id} │ ◇ group chat view F:", "[p1, p2, p3] regular");

        await cluster.WriteLineAsync("p2: hello chat");
        foreach (var id in new[] { "p1", "p2", "p3" }) await cluster.WaitForLineAsync(0, $"{id} │ ✓ p2 (agreed, to group chat, in view F:", ", regular): hello chat");

        int mark = cluster.LineCount;
        await cluster.WriteLineAsync("/partition p1,p2 p3");
        await cluster.WaitForLineAsync(mark, "p1 │ ◇ group chat view", "[p1, p2] regular");
        await cluster.WaitForLineAsync(mark, "p3 │ ◇ group chat view", "[p3] regular");
        await cluster.WriteLineAsync("p1: in the majority");
        foreach (var id in new[] { "p1", "p2" }) await cluster.WaitForLineAsync(mark, $"{id} │ ✓ p1 (agreed, to group chat", "in the majority");

        mark = cluster.LineCount;
        await cluster.WriteLineAsync("/heal");
        foreach (var id in new[] { "p1", "p2", "p3" }) await cluster.WaitForLineAsync(mark, $"{id} │ ◇ group chat view", "[p1, p2, p3] regular");
        await cluster.WriteLineAsync("p3: after the heal");
        foreach (var id in new[] { "p1", "p2", "p3" }) await cluster.WaitForLineAsync(mark, $"{id} │ ✓ p3 (agreed, to group chat", "after the heal");

        await cluster.WriteLineAsync("/quit");
        Assert.Equal(0, await cluster.WaitForExitAsync());
        Assert.DoesNotContain(cluster.Lines, l => l.StartsWith("p3 │ ✓ p1", StringComparison.Ordinal) && l.Contains("in the majority", StringComparison.Ordinal));
        var trace = await CheckTracesAsync(Path.Combine(_directory, "c"));
        Assert.True(trace.Header.Quiescent, "the cluster settled, and marked its traces quiescent");
        var chat = trace.Events.OfType<Send>().Where(s => s.Group is { Op: GroupOp.Data }).ToList();
        Assert.Equal(["chat"], chat.Select(s => s.Group!.Group).Distinct());
        Assert.Equal(["p1", "p2", "p3"], chat.Select(s => s.Process.Name).Order());
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
            "--store", $"p{i}", "--trace", $"p{i}.jsonl", "--token-timeout-ms", TokenTimeoutMs, .. extra,
        ];
        return EvsProcess.Start($"p{i}", output, _directory, arguments);
    }

    // evs ctl on node ID's store directory.
    private Task<(int ExitCode, string Output)> Ctl(string id, params string[] command) =>
        EvsProcess.RunAsync(output, _directory, ["ctl", Path.Combine(_directory, id), .. command]);

    // The three traces in the directory: evs check passes them (with its judgement of each group),
    // and so does the checker read here, whose trace the test then looks into.
    private async Task<EvsTrace> CheckTracesAsync(string? directory = null)
    {
        var paths = Directory.GetFiles(directory ?? _directory, "*.jsonl");
        Assert.Equal(3, paths.Length);
        var (code, checkOutput) = await EvsProcess.RunAsync(output, _directory, ["check", .. paths]);
        Assert.True(code == 0, checkOutput);
        var trace = TraceFiles.ReadAll(paths);
        var report = SpecificationChecker.Check(trace);
        Assert.True(report.AllPassed, report.ToString());
        return trace;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
