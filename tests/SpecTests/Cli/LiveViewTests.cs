// Tests of the live view (issue 14, items 1 and 2): the built `evs` in separate OS processes, as
// a class runs it, and its page in a real browser (Debian's headless Chromium). `evs cluster
// --web` is driven from its page only (send, partition, heal), and the page is asked what it
// shows; its commands are refused to anyone but its page; three `evs node --web` joined by `evs
// watch` are asked through the watch's JSON frame.
// Short protocol timeouts (--token-timeout-ms) keep each test to seconds.
//
// With EVS_LIVE_SCREENSHOTS=DIR (relative to the repository's root) the cluster test saves
// DIR/live-partitioned.png and DIR/live-merged.png (docs/images holds the ones docs/LIVE.md shows);
// without it, it saves them in its temporary folder, so that taking them is always tested.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpecTests.Plots;
using SpecTests.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed partial class LiveViewTests(ITestOutputHelper output) : IDisposable
{
    private const string TokenTimeoutMs = "1000";

    private readonly string _directory = Directory.CreateTempSubdirectory("evs-live-").FullName;

    [SkippableFact]
    public async Task The_page_of_evs_cluster_sends_partitions_and_heals_from_its_controls_and_shows_the_configurations_of_both_halves_and_the_merge()
    {
        Skip.IfNot(LivePage.Missing is null, LivePage.Missing);
        int basePort = CliNetworkTests.FreeConsecutivePorts(3);
        using var cluster = EvsProcess.Start("evs cluster --web", output, _directory,
            "cluster", "--nodes", "3", "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--dir", "c",
            "--token-timeout-ms", TokenTimeoutMs, "--web", "0", "--trace-text");
        string url = await UrlAsync(cluster);
        await cluster.WaitForLineAsync(0, "one ring of every node");
        using var page = LivePage.Open(url);
        await page.UntilAsync("the ring of all three", p => p.Labels().Contains("{p1,p2,p3}"));

        page.Choose("sender", "p2");
        page.Choose("service", "safe");
        page.Type("message", "hello from the page");
        page.Click("send");
        await page.UntilAsync("p2's safe message delivered by all three", p => p.Points("safe delivery") == 3);
        await page.UntilAsync("the message labelled with its text (--trace-text)", p => p.Labels().Contains("“hello from the page”"));
        Assert.Contains("lines are sent safe from now on", page.Answer, StringComparison.Ordinal);
        await cluster.WaitForLineAsync(0, "page> p2: hello from the page");

        page.Choose("group-p1", "A");
        page.Choose("group-p2", "A");
        page.Choose("group-p3", "B");
        page.Click("partition");
        await page.UntilAsync("the answer to the partition", p => p.Answer.Contains("partitioned: p1,p2 | p3", StringComparison.Ordinal));
        await page.UntilAsync("the transitional and regular configurations of both halves", p =>
            p.Labels() is var labels && labels.Contains("{p1,p2} transitional") && labels.Contains("{p3} transitional")
            && labels.Contains("{p1,p2}") && labels.Contains("{p3}"));
        page.Screenshot(Path.Combine(ScreenshotFolder(), "live-partitioned.png"));

        int rings = page.Labels().Count(l => l == "{p1,p2,p3}");
        page.Click("heal");
        await page.UntilAsync("the merge: a new ring of all three", p => p.Labels().Count(l => l == "{p1,p2,p3}") == rings + 1);
        Assert.Contains("healed", page.Answer, StringComparison.Ordinal);
        Assert.Matches(@"3 processes \(p1, p2, p3\)", page.Status);
        page.Click("theme"); // the light page, as a README on a white page shows it
        page.Screenshot(Path.Combine(ScreenshotFolder(), "live-merged.png"));
        Assert.Empty(page.ConsoleErrors());
        Assert.Contains("logical time", page.TimeAxisTitle, StringComparison.Ordinal);
        page.Click("axis");
        await page.UntilAsync("the time axis in milliseconds", p => p.TimeAxisTitle.Contains("ms", StringComparison.Ordinal) && p.Labels().Contains("{p3}"));

        // A kill and a restart from the page: the status line follows the node, and the picture goes on.
        page.Choose("node", "p3");
        page.Click("kill");
        await page.UntilAsync("p3 killed on the status line", p => p.Status.Contains("p3: killed", StringComparison.Ordinal));
        page.Click("restart");
        await page.UntilAsync("p3 running again", p => p.Status.Contains("p3: running", StringComparison.Ordinal));
        await page.UntilAsync("p3 back in a ring of all three", p => p.Labels().Count(l => l == "{p1,p2,p3}") == rings + 2);

        await cluster.WriteLineAsync("/quit");
        Assert.Equal(0, await cluster.WaitForExitAsync());
    }

    [Fact]
    public async Task A_command_to_evs_cluster_web_is_refused_without_the_token_of_its_page_from_another_origin_or_by_a_host_name_and_quit_is_the_consoles_alone()
    {
        int basePort = CliNetworkTests.FreeConsecutivePorts(3);
        using var cluster = EvsProcess.Start("evs cluster --web", output, _directory,
            "cluster", "--nodes", "3", "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--dir", "c",
            "--token-timeout-ms", TokenTimeoutMs, "--web", "0");
        var url = new Uri(await UrlAsync(cluster));
        await cluster.WaitForLineAsync(0, "one ring of every node");
        using var http = new HttpClient();
        string token = PageToken().Match(await http.GetStringAsync(url)).Groups[1].Value;
        var command = new Uri(url, "command");

        async Task<(int Status, string Answer)> PostAsync(string lines, string? withToken, string? origin = null, string? host = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, command) { Content = new StringContent(lines) };
            if (withToken is not null) request.Headers.Add("X-Evs-Token", withToken);
            if (origin is not null) request.Headers.Add("Origin", origin);
            if (host is not null) request.Headers.Host = host;
            using var response = await http.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal((403, "refused: no X-Evs-Token of this run (commands come from the page this server serves; reload it)"), await PostAsync("/kill p3", null));
        Assert.Equal(403, (await PostAsync("/kill p3", "0123456789ABCDEF0123456789ABCDEF")).Status);
        Assert.Equal((403, "refused: a command from http://evil.example, not from this server's page"), await PostAsync("/kill p3", token, origin: "http://evil.example"));
        var (status, answer) = await PostAsync("/kill p3", token, host: $"evil.example:{url.Port}");
        Assert.Equal(403, status);
        Assert.Contains("not by the name evil.example", answer, StringComparison.Ordinal);

        foreach (var path in new[] { "/", "figure.json", "frames" })
        {
            // Nothing of the run is served through a name pointed at this machine: no page, no picture.
            using var read = new HttpRequestMessage(HttpMethod.Get, new Uri(url, path));
            read.Headers.Host = $"evil.example:{url.Port}";
            using var refused = await http.SendAsync(read, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(403, (int)refused.StatusCode);
        }
        (status, answer) = await PostAsync("/quit", token, origin: $"http://{url.Authority}");
        Assert.Equal(200, status);
        Assert.Contains("/quit is typed at the cluster's prompt, not sent from the page: nothing was done", answer, StringComparison.Ordinal);

        (status, answer) = await PostAsync("/status", token, origin: $"http://{url.Authority}");
        Assert.Equal(200, status);
        Assert.Equal(3, answer.Split('\n').Count(l => l.Contains("Operational", StringComparison.Ordinal)));
        Assert.DoesNotContain(cluster.Lines, l => l.Contains("killed", StringComparison.Ordinal));

        await cluster.WriteLineAsync("/quit");
        Assert.Equal(0, await cluster.WaitForExitAsync());
    }

    [Fact]
    public async Task Evs_watch_joins_three_evs_node_web_into_one_picture_in_logical_time_and_says_when_one_goes_away()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(3);
        var peers = string.Join(",", ports.Select((port, j) => $"p{j + 1}=127.0.0.1:{port}"));
        var nodes = Enumerable.Range(1, 3).Select(i => EvsProcess.Start($"p{i}", output, _directory,
            "node", "--id", $"p{i}", "--bind", $"127.0.0.1:{ports[i - 1]}", "--peers", peers, "--store", $"p{i}", "--trace", $"p{i}.jsonl",
            "--token-timeout-ms", TokenTimeoutMs, "--web", "0")).ToList();
        try
        {
            var urls = new List<string>();
            foreach (var node in nodes) urls.Add(await UrlAsync(node));
            using var watch = EvsProcess.Start("evs watch", output, _directory, ["watch", .. urls, "--web", "0"]);
            var frames = new Uri(await UrlAsync(watch) + "figure.json");
            foreach (var node in nodes) await node.WaitForLineAsync(0, "regular configuration", "[p1, p2, p3]");
            await nodes[0].WriteLineAsync("hello watch");
            foreach (var node in nodes) await node.WaitForLineAsync(0, "✓ p1 (agreed", "hello watch");

            using var http = new HttpClient();
            var frame = await FrameUntilAsync(http, frames, "every process's delivery of the message", f => Ys(f, "agreed delivery").Count == 3);
            Assert.Equal(["p1", "p2", "p3"], frame.GetProperty("status").GetProperty("processes").EnumerateArray().Select(p => p.GetProperty("process").GetString()));
            Assert.All(frame.GetProperty("status").GetProperty("sources").EnumerateArray(), s => Assert.Equal("connected", s.GetProperty("state").GetString()));
            // Logical time, not the laptops' clocks: the three deliveries of one message are on one row,
            // and so are the three installations of the ring they share, above it.
            Assert.Single(Ys(frame, "agreed delivery").Distinct());
            var installs = Ys(frame, "configuration change", "installs regular", "{p1,p2,p3}");
            Assert.Equal(3, installs.Count);
            Assert.Single(installs.Distinct());
            Assert.True(installs[0] < Ys(frame, "agreed delivery")[0], "the ring is installed before the message is delivered in it");

            await nodes[2].WriteLineAsync("/quit");
            Assert.Equal(0, await nodes[2].WaitForExitAsync());
            string gone = new Uri(urls[2]).Authority;
            await FrameUntilAsync(http, frames, $"{gone} shown as gone", f => f.GetProperty("status").GetProperty("sources").EnumerateArray()
                .Any(s => s.GetProperty("name").GetString() == gone && !s.GetProperty("ok").GetBoolean()
                          && s.GetProperty("state").GetString()!.Contains("trying again", StringComparison.Ordinal)));
            await watch.WaitForLineAsync(0, gone, "trying again");
        }
        finally
        {
            foreach (var node in nodes) node.Dispose();
        }
    }

    [Fact]
    public async Task A_live_view_that_cannot_work_is_refused_naming_what_is_wrong()
    {
        (string[] Arguments, string Said)[] cases =
        [
            (["watch", "ftp://127.0.0.1:8080"], "\"ftp://127.0.0.1:8080\" is not the URL of an evs node --web page: give http://HOST:PORT"),
            (["watch", "http://127.0.0.1:8080/trace"], "has a path: give the node's page only, http://127.0.0.1:8080"),
            (["watch", "http://127.0.0.1:8080", "http://127.0.0.1:8080/"], "127.0.0.1:8080 is given twice"),
            (["watch", "http://127.0.0.1:8080", "--web", "localhost:80"], "--web \"localhost:80\" is not a port or ADDR:PORT"),
            (["node", "--id", "p1", "--bind", "127.0.0.1:1", "--peers", "p2=127.0.0.1:2", "--store", "s", "--web"], "--web draws the node's trace file: give --trace FILE too"),
            (["cluster", "--dir", "c", "--web", "99999"], "--web \"99999\" is not a port or ADDR:PORT: the port must be from 0 to 65535"),
            (["cluster", "--dir", "c", "--web", "--web-events", "0"], "--web-events must be at least 1, not 0"),
        ];
        foreach (var (arguments, said) in cases)
        {
            var (code, text) = await EvsProcess.RunAsync(output, _directory, arguments);
            Assert.True(code == 2, $"evs {string.Join(' ', arguments)} exited {code}, not 2:\n{text}");
            Assert.Contains(said, text, StringComparison.Ordinal);
        }
        Assert.False(Directory.Exists(Path.Combine(_directory, "c")), "a refused evs cluster makes no folder");
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // The page's URL, from the line the command prints when it serves it.
    private static async Task<string> UrlAsync(EvsProcess process)
    {
        int line = await process.WaitForLineAsync(0, "live view: http://127.0.0.1:");
        return ServedAt().Match(process.Lines[line]).Value;
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/")]
    private static partial Regex ServedAt();

    // The run's token, as the page carries it.
    [GeneratedRegex("\"token\":\"([0-9A-F]+)\"")]
    private static partial Regex PageToken();

    // Polls the JSON frame until it holds what is waited for (at most EvsProcess.Patience).
    private static async Task<JsonElement> FrameUntilAsync(HttpClient http, Uri frames, string what, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + EvsProcess.Patience;
        while (true)
        {
            var frame = JsonDocument.Parse(await http.GetStringAsync(frames)).RootElement;
            if (condition(frame)) return frame;
            if (DateTime.UtcNow > deadline) Assert.Fail($"the watch's frame did not come to show {what} within {EvsProcess.Patience.TotalSeconds} s: {frame.GetProperty("status")}");
            await Task.Delay(200);
        }
    }

    // The rows (y) of the points of the figure's trace named name whose text has every one of parts.
    private static List<double> Ys(JsonElement frame, string name, params string[] parts) =>
        [.. frame.GetProperty("figure").GetProperty("data").EnumerateArray()
            .Where(t => t.TryGetProperty("name", out var n) && n.GetString() == name)
            .SelectMany(t => t.GetProperty("y").EnumerateArray().Zip(t.GetProperty("text").EnumerateArray()))
            .Where(point => parts.All(part => point.Second.GetString()!.Contains(part, StringComparison.Ordinal)))
            .Select(point => point.First.GetDouble())];

    // EVS_LIVE_SCREENSHOTS, a folder relative to the repository's root (or absolute), made if missing; else the test's folder.
    private string ScreenshotFolder() =>
        Environment.GetEnvironmentVariable("EVS_LIVE_SCREENSHOTS") is { Length: > 0 } folder
            ? Directory.CreateDirectory(Path.Combine(NotebookKernel.RepositoryRoot, folder)).FullName
            : _directory;
}
