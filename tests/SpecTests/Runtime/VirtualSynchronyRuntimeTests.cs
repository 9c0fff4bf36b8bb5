// Tests of the virtual synchrony filter on the real network (issue #14, item 3): processes over UDP
// on 127.0.0.1 with EvsNodeOptions.VirtualSynchrony, whose applications see views of the primary
// component instead of configurations, are refused sends outside it with the reason, and come
// back under a new name after a partition or a crash. Each test ends by stopping the cluster
// quiescent and handing the virtual synchrony traces to the checker of `evs check --vs`.
using System.Text;
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;
using Evs.Runtime;
using Evs.Runtime.Files;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class VirtualSynchronyRuntimeTests(ITestOutputHelper output)
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    [Fact]
    public async Task Behind_the_filter_the_application_sees_primary_views_is_refused_sends_outside_the_primary_with_the_reason_and_comes_back_under_a_new_name()
    {
        await using var cluster = VirtualSynchronyCluster();
        await cluster.StartAllAsync();
        await WaitUntilSendingAsync(cluster, P1, P2, P3);
        await SendAndWaitAsync(cluster, "before", [P1, P2, P3], [P1, P2, P3]);

        cluster[P1].Block(P3);
        cluster[P2].Block(P3);
        cluster[P3].Isolate();
        var blocked = await WaitForEventAsync<SendsBlockedEvent>(cluster, P3, "p3 leaves the primary component, its identity p3 stopped", e => e.StoppedIdentity == "p3");
        var refused = await Assert.ThrowsAsync<SendsBlockedException>(async () => await cluster[P3].SendAsync("alone"u8.ToArray(), DeliveryService.Agreed));
        Assert.StartsWith("p3 is not in the primary component (Rule 2 of the virtual synchrony filter): its configuration R", refused.Reason);
        Assert.EndsWith("[p3] is not a primary component; sends are refused until it is merged into the primary component again", refused.Reason);
        Assert.Equal(blocked.Reason, refused.Reason);
        await WaitForEventAsync<ViewInstalledEvent>(cluster, P1, "p1 installs a view of p1 and p2", v => v.Members.SequenceEqual(["p1", "p2"]));
        await SendAndWaitAsync(cluster, "majority", [P1, P2], [P1, P2]);

        foreach (var p in cluster.Ids) cluster[p].Heal();
        var unblocked = await WaitForEventAsync<SendsUnblockedEvent>(cluster, P3, "p3 is merged again", e => e.Identity == "p3~1");
        var merged = await WaitForEventAsync<ViewInstalledEvent>(cluster, P1, "p1 installs the view that adds p3~1", v => v.Members.SequenceEqual(["p1", "p2", "p3~1"]));
        Assert.Equal(merged.View, unblocked.View);
        await SendAndWaitAsync(cluster, "healed", [P1, P2, P3], [P1, P2, P3]);

        foreach (var p in cluster.Ids)
        {
            var events = cluster.Delivered(p).Events;
            Assert.DoesNotContain(events, e => e is ConfigurationChangedEvent or MessageDeliveredEvent);
            Assert.DoesNotContain(events.OfType<MessageDeliveredInViewEvent>(), d => Encoding.UTF8.GetString(d.Payload.Span) == "alone");
        }
        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
        var history = CheckVsTraces(cluster);
        Assert.Contains(history.Events, e => e is Stop { Process: "p3" });
        Assert.Contains(history.Events, e => e is ViewChange { Process: "p3~1" });
    }

    [Fact]
    public async Task A_process_killed_behind_the_filter_restarts_as_a_new_virtual_synchrony_process_and_its_vs_trace_stops_the_old_one()
    {
        await using var cluster = VirtualSynchronyCluster();
        await cluster.StartAllAsync();
        await WaitUntilSendingAsync(cluster, P1, P2, P3);
        await SendAndWaitAsync(cluster, "before", [P1, P2, P3], [P1, P2, P3]);

        await cluster.CrashAsync(P2);
        await cluster.WaitForRingAsync(P1, P3);
        await WaitForEventAsync<ViewInstalledEvent>(cluster, P1, "p1 installs a view without p2", v => v.Members.SequenceEqual(["p1", "p3"]));
        int before = cluster.Delivered(P2).Events.Count;
        await cluster.StartAsync(P2);
        await WaitForEventAsync<SendsUnblockedEvent>(cluster, P2, "p2 is merged again", e => e.Identity == "p2~1");
        var restarted = Assert.IsType<SendsBlockedEvent>(cluster.Delivered(P2).Events[before]);
        Assert.Null(restarted.StoppedIdentity);
        Assert.Contains("p2 has not been merged into a primary component since it started", restarted.Reason);
        await SendAndWaitAsync(cluster, "after", [P1, P2, P3], [P1, P2, P3]);

        await cluster.StopQuiescentAsync();
        cluster.CheckTraces();
        var history = CheckVsTraces(cluster);
        Assert.True(history.Header.Quiescent);
        var p2 = history.Events.Where(e => e.Process == "p2").OrderBy(e => e.Index).ToList();
        Assert.Equal(Enumerable.Range(0, p2.Count).Select(i => (long)i), p2.Select(e => e.Index));
        Assert.IsType<Stop>(p2[^1]);
        Assert.Contains(history.Events, e => e is ViewChange { Process: "p2~1" });
    }

    [Fact]
    public async Task A_restart_stops_the_identity_stable_storage_says_was_installed_when_a_kill_cut_its_lines_off_the_vs_trace()
    {
        await using var cluster = VirtualSynchronyCluster();
        await cluster.StartAllAsync();
        await WaitUntilSendingAsync(cluster, P1, P2, P3);
        await SendAndWaitAsync(cluster, "before", [P1], [P1, P2, P3]);

        // As a kill right after stable storage said p2 installed its view, before the view's line was written.
        await cluster.CrashAsync(P2);
        var vsTrace = VsTracePath(cluster.TracePath(P2));
        var header = File.ReadLines(vsTrace).First();
        File.WriteAllLines(vsTrace, [header]);
        await cluster.WaitForRingAsync(P1, P3);
        await cluster.StartAsync(P2);
        await WaitForEventAsync<SendsUnblockedEvent>(cluster, P2, "p2 is merged again", e => e.Identity == "p2~1");

        await cluster.StopQuiescentAsync();
        var history = CheckVsTraces(cluster);
        Assert.Equal([0L], history.Events.Where(e => e.Process == "p2").Select(e => e.Index));
        Assert.IsType<Stop>(history.Events.Single(e => e.Process == "p2"));
    }

    [Fact]
    public async Task A_process_whose_store_is_lost_is_refused_beside_a_vs_trace_of_its_earlier_identities_and_the_file_is_left_as_it_was()
    {
        using var directory = new SpecTests.Storage.TempDirectory();
        var vsTrace = Path.Combine(directory.Path, "p1.vs.jsonl");
        using (var trace = VsNodeTrace.Open(vsTrace, P1)) trace.Write(new ViewChange("p1", 0, 1, "R1.p1#0", ["p1", "p2"]));
        var before = File.ReadAllBytes(vsTrace);
        var options = new EvsNodeOptions
        {
            Id = P1,
            Bind = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            Peers = new Dictionary<ProcessId, System.Net.IPEndPoint> { [P2] = new(System.Net.IPAddress.Loopback, RuntimeCluster.FreeLoopbackPorts(1)[0]) },
            StoreDirectory = Path.Combine(directory.Path, "store"),
            NewIdentity = true,
            PrimaryComponent = "majority",
            VirtualSynchrony = true,
            VsTracePath = vsTrace,
        };
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => EvsNode.StartAsync(options));
        Assert.Contains($"p1 starts with no stable state, but the virtual synchrony trace {vsTrace} holds 1 events of its identities from an earlier run", refused.Message);
        Assert.Equal(before, File.ReadAllBytes(vsTrace));
    }

    [Fact]
    public void The_filter_without_a_primary_component_algorithm_and_a_vs_trace_without_the_filter_are_refused_saying_what_they_need()
    {
        var options = new EvsNodeOptions { Id = P1, Peers = new Dictionary<ProcessId, System.Net.IPEndPoint> { [P2] = new(System.Net.IPAddress.Loopback, 1) } };
        var noPrimary = Assert.Throws<ArgumentException>(() => (options with { VirtualSynchrony = true }).Validate());
        Assert.Contains("the virtual synchrony filter (VirtualSynchrony) needs a primary component algorithm (PrimaryComponent)", noPrimary.Message);
        var noFilter = Assert.Throws<ArgumentException>(() => (options with { PrimaryComponent = "majority", VsTracePath = "p1.vs.jsonl" }).Validate());
        Assert.Contains("a virtual synchrony trace (VsTracePath) is the filter's output: it needs VirtualSynchrony", noFilter.Message);
        var oneFile = Assert.Throws<ArgumentException>(() => (options with { PrimaryComponent = "majority", VirtualSynchrony = true, TracePath = "p1.jsonl", VsTracePath = "p1.jsonl" }).Validate());
        Assert.Contains("the trace and the virtual synchrony trace are both p1.jsonl", oneFile.Message);
    }

    // Three processes behind the filter, majority deciding the primary component, each writing its VS trace beside its trace.
    private RuntimeCluster VirtualSynchronyCluster() =>
        new(3, output, (_, options) => options with
        {
            PrimaryComponent = "majority",
            VirtualSynchrony = true,
            VsTracePath = VsTracePath(options.TracePath!),
        });

    private static string VsTracePath(string tracePath) => Path.ChangeExtension(tracePath, ".vs.jsonl");

    // Reads every process's VS trace as one history and checks it as evs check --vs does; fails the test on a violation.
    private static VsTrace CheckVsTraces(RuntimeCluster cluster)
    {
        var history = TraceFiles.ReadAllVs(cluster.TracePaths.Select(VsTracePath));
        var report = VirtualSynchronyChecker.Check(history);
        Assert.True(report.AllPassed, report.ToString());
        return history;
    }

    private static Task WaitUntilSendingAsync(RuntimeCluster cluster, params ProcessId[] processes) =>
        RuntimeCluster.WaitUntilAsync($"{string.Join(",", processes)} in a primary view", () =>
            Task.FromResult(processes.All(p => cluster[p].Host.SendsBlockedReason is null)));

    // Each of senders sends one message tagged tag; waits until each of receivers has delivered all of them in a view.
    private static async Task SendAndWaitAsync(RuntimeCluster cluster, string tag, ProcessId[] senders, ProcessId[] receivers)
    {
        foreach (var p in senders) await cluster[p].SendAsync(Encoding.UTF8.GetBytes($"{tag} {p}"), DeliveryService.Agreed);
        foreach (var p in receivers)
            await RuntimeCluster.WaitUntilAsync($"{p} delivers the messages tagged {tag}", () => Task.FromResult(
                cluster.Delivered(p).Events.OfType<MessageDeliveredInViewEvent>().Count(d => Encoding.UTF8.GetString(d.Payload.Span).StartsWith(tag + " ", StringComparison.Ordinal)) == senders.Length));
    }

    private static async Task<T> WaitForEventAsync<T>(RuntimeCluster cluster, ProcessId p, string what, Func<T, bool>? condition = null)
        where T : EvsNodeEvent
    {
        await RuntimeCluster.WaitUntilAsync(what, () => Task.FromResult(cluster.Delivered(p).Events.OfType<T>().Any(e => condition?.Invoke(e) ?? true)));
        return cluster.Delivered(p).Events.OfType<T>().Last(e => condition?.Invoke(e) ?? true);
    }
}
