// Tests of the hostile network on the real network (issue #17, item 3): `evs ctl NODE block P in|out`
// and `evs cluster`'s /cut p1>p2 (one way) and /flap p3 MS (a link that goes down and up until
// /heal), with real `evs` processes on 127.0.0.1. What is checked is the traffic, not the
// membership: which node drops what, in which direction, and when, read from the nodes' drop
// counters through their control sockets. How long the membership takes to settle under such a
// network depends on the protocol and the machine's load, and is measured by
// benchmarks/corosync/membership-compare.sh, not asserted here.
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Evs.Reference.Checking;
using Evs.Runtime.Files;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class HostileNetworkTests(ITestOutputHelper output) : IDisposable
{
    // As in CliNetworkTests: a machine busy with other work does not break the ring by mistake.
    private const string TokenTimeoutMs = "1000";

    // The flap's period in the test: several turns within a few seconds, each long enough to be seen between samples.
    private const int FlapMs = 250;

    private readonly string _directory = Directory.CreateTempSubdirectory("evs-hostile-").FullName;

    [Fact]
    public async Task Evs_ctl_block_with_a_direction_drops_that_direction_only_and_a_misplaced_or_unknown_direction_is_refused()
    {
        using var cluster = await StartClusterAsync();

        // The ring's token goes p1, p2, p3: p2 blocking p1 in loses every token p1 passes on.
        var (code, text) = await Ctl("p2", "block", "p1", "in");
        Assert.Equal(0, code);
        Assert.Contains("p2 blocks p1 in (what p1 sends p2 is dropped; what p2 sends p1 passes): now cut off from p1 in", text);
        var p2 = await WaitForStatusAsync("p2", "p2 drops what p1 sends it", s => Dropped(s, "cutIn") > 0);
        Assert.Equal(["p1 in"], Blocked(p2));
        (code, text) = await Ctl("p1", "block", "p3", "out");
        Assert.Equal(0, code);
        Assert.Contains("p1 blocks p3 out (what p1 sends p3 is dropped; what p3 sends p1 passes): now cut off from p3 out", text);
        var p1 = await WaitForStatusAsync("p1", "p1 does not send to p3", s => Dropped(s, "cutOut") > 0);
        Assert.Equal(["p3 out"], Blocked(p1));
        Assert.Contains("cut blocks p1 in", (await Ctl("p2", "status")).Output);

        // Each cut drops in its own direction only, at the node that made it.
        p1 = await StatusAsync("p1");
        p2 = await StatusAsync("p2");
        var p3 = await StatusAsync("p3");
        Assert.Equal(0, Dropped(p1, "cutIn"));
        Assert.Equal(0, Dropped(p2, "cutOut"));
        Assert.Equal((0, 0), (Dropped(p3, "cutIn"), Dropped(p3, "cutOut")));

        var refused = await Task.WhenAll(Ctl("p1", "block", "p2", "sideways"), Ctl("p1", "block", "in", "p2"), Ctl("p1", "block", "out"));
        Assert.Equal([1, 2, 2], refused.Select(r => r.ExitCode));
        Assert.Contains("unknown peer sideways: it knows p2, p3; nothing was blocked (a direction, after the peers, is in, out or both)", refused[0].Output);
        Assert.Contains("\"in\" is a direction: it comes once, after the peers: block P... [in|out|both]", refused[1].Output);
        Assert.Contains("block needs the peers to cut off: block P... [in|out|both]", refused[2].Output);
        Assert.Equal(["p3 out"], Blocked(await StatusAsync("p1")));

        Assert.Equal(0, (await Ctl("p1", "heal")).ExitCode);
        Assert.Equal(0, (await Ctl("p2", "heal")).ExitCode);
        Assert.Contains("cut nothing", (await Ctl("p2", "status")).Output);
        await QuitAsync(cluster);
    }

    [Fact]
    public async Task Evs_cluster_cut_loses_one_direction_only_and_a_flap_drops_in_bursts_until_heal()
    {
        using var cluster = await StartClusterAsync();

        int mark = cluster.LineCount;
        await cluster.WriteLineAsync("/cut p1-p2");
        await cluster.WriteLineAsync("/cut p1>p9");
        await cluster.WriteLineAsync("/cut p2>p2");
        await cluster.WriteLineAsync("/flap p3");
        await cluster.WriteLineAsync("/flap p3 5");
        await cluster.WriteLineAsync("/flap p3 soon");
        await cluster.WaitForLineAsync(mark, "\"p1-p2\" is not a one-way link: write FROM>TO, without spaces, /cut p1>p3");
        await cluster.WaitForLineAsync(mark, "no node p9 in this cluster (in p1>p9)");
        await cluster.WaitForLineAsync(mark, "p2>p2 is a node to itself: a cut is between two nodes");
        await cluster.WaitForLineAsync(mark, "/flap needs a node and a period in milliseconds: /flap p3 300");
        await cluster.WaitForLineAsync(mark, "a flap's period is at least 20 ms (given: 5 ms)");
        await cluster.WaitForLineAsync(mark, "\"soon\" is not a period in whole milliseconds: /flap p3 300");
        foreach (var id in new[] { "p1", "p2", "p3" }) Assert.Empty(Blocked(await StatusAsync(id)));

        // One way: p2 drops what p1 sends it on arrival; p1 still sends, and p2's traffic to p1 passes.
        mark = cluster.LineCount;
        await cluster.WriteLineAsync("/cut p1>p2");
        await cluster.WaitForLineAsync(mark, "cut one way: what p1 sends p2 is lost (p2 drops it on arrival); what p2 sends p1 passes");
        var p2 = await WaitForStatusAsync("p2", "p2 drops what p1 sends it", s => Dropped(s, "cutIn") > 0);
        Assert.Equal(["p1 in"], Blocked(p2));
        var p1 = await StatusAsync("p1");
        var p3 = await StatusAsync("p3");
        Assert.Equal(0, Dropped(await StatusAsync("p2"), "cutOut"));
        Assert.Equal((0, 0), (Dropped(p1, "cutIn"), Dropped(p1, "cutOut")));
        Assert.Equal((0, 0), (Dropped(p3, "cutIn"), Dropped(p3, "cutOut")));
        Assert.Empty(Blocked(p1));
        mark = cluster.LineCount;
        await cluster.WriteLineAsync("/status");
        await cluster.WaitForLineAsync(mark, "one-way cuts: p1>p2");
        await cluster.WriteLineAsync("/heal");
        await cluster.WaitForLineAsync(mark, "healed: every node lets all traffic through (no partition, no one-way cut, no flap)");
        Assert.Empty(Blocked(await StatusAsync("p2")));

        // A flap: p3's links go down and up; its drops grow while they are down, and only then.
        mark = cluster.LineCount;
        await cluster.WriteLineAsync($"/flap p3 {FlapMs}");
        await cluster.WaitForLineAsync(mark, $"p3's links to every other node go down for {FlapMs} ms, up for {FlapMs} ms, and so on until /heal");
        var samples = await SampleAsync("p3", TimeSpan.FromMilliseconds(FlapMs * 14));
        var runs = Runs(samples);
        output.WriteLine(string.Join(Environment.NewLine, runs.Select(r => $"{(r[0].Down ? "down" : "up  ")} {r[0].Ms,6:0}-{r[^1].Ms,6:0} ms, drops {r[0].Drops}-{r[^1].Drops}")));
        Assert.True(runs.Count(r => r[0].Down) >= 4 && runs.Count(r => !r[0].Down) >= 4, $"the links went down and up again and again: {runs.Count} runs");
        // Between two samples with the links up, nothing is dropped. Not after the first sample of a
        // run, which may have read its counters just before the links came up; nor across a pause
        // of the test long enough for a whole turn down to fit in it.
        var upPairs = runs.Where(r => !r[0].Down).SelectMany(r => r.Skip(1).Zip(r.Skip(2))).Where(p => p.Second.Ms - p.First.Ms < FlapMs / 2).ToList();
        Assert.True(upPairs.Count >= 10, $"enough samples with the links up: {upPairs.Count}");
        Assert.All(upPairs, p => Assert.Equal(p.First.Drops, p.Second.Drops));
        Assert.True(runs.Count(r => r[0].Down && r[^1].Drops > r[0].Drops) >= 2, "the drops grew in at least two of the times the links were down");
        Assert.All(runs.Where(r => r[0].Down), r => Assert.Equal(["p1", "p2"], r[0].Blocked));

        mark = cluster.LineCount;
        await cluster.WriteLineAsync("/status");
        await cluster.WaitForLineAsync(mark, $"p3 flaps every {FlapMs} ms (down");
        await cluster.WriteLineAsync("/heal");
        await cluster.WaitForLineAsync(mark, "healed: every node lets all traffic through");
        // After /heal no turn comes: nothing is blocked and nothing more is dropped, for several periods.
        var after = await SampleAsync("p3", TimeSpan.FromMilliseconds(FlapMs * 6));
        Assert.All(after, s => Assert.False(s.Down, $"p3 blocks nothing after /heal (at {s.Ms:0} ms)"));
        Assert.Equal(after[0].Drops, after[^1].Drops);
        await QuitAsync(cluster);
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A sample of a node's state: when, whether it blocks anyone, what it blocks, its cut drops (in and out).
    private sealed record Sample(double Ms, bool Down, IReadOnlyList<string> Blocked, long Drops);

    // Three nodes under evs cluster, in DIR/c, once they form one ring.
    private async Task<EvsProcess> StartClusterAsync()
    {
        int basePort = CliNetworkTests.FreeConsecutivePorts(3);
        var cluster = EvsProcess.Start("evs cluster", output, _directory,
            "cluster", "--nodes", "3", "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--dir", "c", "--token-timeout-ms", TokenTimeoutMs);
        foreach (var id in new[] { "p1", "p2", "p3" }) await cluster.WaitForLineAsync(0, $"{id} │ ═ regular configuration", "[p1, p2, p3]");
        return cluster;
    }

    // /quit: the cluster heals, stops every node and ends; the traces it leaves pass the checker.
    private async Task QuitAsync(EvsProcess cluster)
    {
        await cluster.WriteLineAsync("/quit");
        Assert.Contains(await cluster.WaitForExitAsync(), new[] { 0, 1 });
        var report = SpecificationChecker.Check(TraceFiles.ReadAll(Directory.GetFiles(Path.Combine(_directory, "c"), "*.jsonl")));
        Assert.True(report.AllPassed, report.ToString());
    }

    // evs ctl on the cluster's node ID.
    private Task<(int ExitCode, string Output)> Ctl(string id, params string[] command) =>
        EvsProcess.RunAsync(output, _directory, ["ctl", Path.Combine(_directory, "c", id), .. command]);

    // The node's status, straight from its control socket (one request line, one line of JSON back):
    // quick enough to sample a flap every few milliseconds, which an evs ctl process is not.
    private async Task<JsonElement> StatusAsync(string id)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(_directory, "c", id, "control.sock")));
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.UTF8.GetBytes("status\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var line = await reader.ReadLineAsync().WaitAsync(EvsProcess.Patience) ?? throw new InvalidOperationException($"{id} closed its control socket without an answer");
        using var json = JsonDocument.Parse(line);
        return json.RootElement.GetProperty("status").Clone();
    }

    // Polls the node's status until the condition holds; fails the test after EvsProcess.Patience.
    private async Task<JsonElement> WaitForStatusAsync(string id, string what, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + EvsProcess.Patience;
        while (true)
        {
            var status = await StatusAsync(id);
            if (condition(status)) return status;
            if (DateTime.UtcNow > deadline) Assert.Fail($"not within {EvsProcess.Patience.TotalSeconds} s: {what}; last status {status}");
            await Task.Delay(20);
        }
    }

    // The node's state every few milliseconds for the given time.
    private async Task<List<Sample>> SampleAsync(string id, TimeSpan duration)
    {
        var samples = new List<Sample>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var status = await StatusAsync(id);
            var blocked = Blocked(status);
            samples.Add(new Sample(clock.Elapsed.TotalMilliseconds, blocked.Count > 0, blocked, Dropped(status, "cutIn") + Dropped(status, "cutOut")));
            await Task.Delay(10);
        }
        return samples;
    }

    // Consecutive samples with the links in the same state, in order.
    private static List<List<Sample>> Runs(IReadOnlyList<Sample> samples)
    {
        var runs = new List<List<Sample>>();
        foreach (var sample in samples)
        {
            if (runs.Count == 0 || runs[^1][0].Down != sample.Down) runs.Add([]);
            runs[^1].Add(sample);
        }
        return runs;
    }

    private static long Dropped(JsonElement status, string reason) => status.GetProperty("dropped").GetProperty(reason).GetInt64();

    private static List<string> Blocked(JsonElement status) => [.. status.GetProperty("blocked").EnumerateArray().Select(b => b.GetString()!)];
}
