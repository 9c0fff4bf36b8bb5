// Named groups on the real network (issue 18): two groups over one ring of three processes on
// 127.0.0.1, with joins, leaves and messages of every service interleaved, as an application
// makes them. Every member sees the same views of each group, and in the same order relative to
// the group's messages; and the traces the nodes write, replayed per group, satisfy every
// specification group by group (what `evs check` judges).
using System.Collections.Immutable;
using System.Text;
using Evs.Reference.Groups;
using Evs.Reference.Model;
using Evs.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class NamedGroupRuntimeTests(ITestOutputHelper output)
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    [Fact]
    public async Task Two_groups_with_interleaved_joins_leaves_and_messages_give_every_member_the_same_views_and_each_group_satisfies_every_specification()
    {
        await using var cluster = new RuntimeCluster(3, output);
        await cluster.StartAllAsync();
        await cluster.WaitForRingAsync(P1, P2, P3);

        var joined = await Task.WhenAll(
            cluster[P1].JoinAsync("a"), cluster[P2].JoinAsync("a"), cluster[P2].JoinAsync("b"), cluster[P3].JoinAsync("b"));
        var (a1, a2, b2, b3) = (joined[0], joined[1], joined[2], joined[3]);

        var sends = new List<Task<SendReceipt>>();
        sends.AddRange(Burst(a1, "a from p1", 5));
        sends.AddRange(Burst(b3, "b from p3", 5));
        var joiningA3 = cluster[P3].JoinAsync("a");
        sends.AddRange(Burst(a2, "a from p2", 5));
        sends.AddRange(Burst(b2, "b from p2", 5));
        var p1Leaves = a1.LeaveAsync();
        var a3 = await joiningA3;
        sends.AddRange(Burst(a3, "a from p3", 5));
        await p1Leaves;
        sends.AddRange(Burst(a2, "a from p2 after p1 left", 3));

        foreach (var send in sends)
            Assert.IsType<MessageDeliveredHere>(await (await send.WaitAsync(RuntimeCluster.Patience)).Delivered.WaitAsync(RuntimeCluster.Patience));
        Assert.Null(a1.CurrentView);
        // The others take p1 out when its leave's flush completes, which may come after p1 is out.
        await RuntimeCluster.WaitUntilAsync("p2 and p3 alone in group a", () => Task.FromResult(
            a2.CurrentView is { Kind: ConfigurationKind.Regular } view && view.Members.SequenceEqual([P2, P3]) && view.Id == a3.CurrentView?.Id));
        Assert.Equal([P2, P3], b3.CurrentView!.Members.ToArray());

        await cluster.StopQuiescentAsync();
        var trace = cluster.CheckTraces();
        var reports = GroupHistories.Check(trace);
        Assert.Equal(["a", "b"], reports.Select(r => r.Group).Order());
        foreach (var report in reports) Assert.True(report.Report.AllPassed, $"group {report.Group}:\n{report.Report}");
        foreach (var group in new[] { "a", "b" }) AssertMembersAgree(group, cluster);
        Assert.Contains(cluster.Delivered(P1).Events, e => e is GroupLeftEvent { Group: "a", Left: true });
    }

    [Fact]
    public async Task Requests_that_do_not_fit_are_refused_and_the_node_goes_on_and_the_group_envelope_is_not_a_ring_payload()
    {
        await using var cluster = new RuntimeCluster(1, output);
        var node = await cluster.StartAsync(P1);
        await cluster.WaitForRingAsync(P1);

        var group = await node.JoinAsync("a");
        await Assert.ThrowsAsync<InvalidOperationException>(() => node.JoinAsync("a"));
        await group.LeaveAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => group.LeaveAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => node.JoinAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => node.JoinAsync(new string('x', GroupEnvelope.MaxNameBytes + 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => node.JoinAsync("a\uD800"));
        var envelope = GroupEnvelope.ForData("a", "R1.p1#0", [1, 2, 3]).Encode();
        await Assert.ThrowsAsync<ArgumentException>(() => node.SendAsync(envelope, DeliveryService.Agreed));

        var again = await node.JoinAsync("a");
        var receipt = await again.SendAsync("still here"u8.ToArray(), DeliveryService.Safe);
        Assert.Equal(again.CurrentView!.Id, receipt.Configuration);
        Assert.IsType<MessageDeliveredHere>(await receipt.Safe!.WaitAsync(RuntimeCluster.Patience));
        Assert.Null(node.Host.Fault);
    }

    private static IEnumerable<Task<SendReceipt>> Burst(NamedGroup group, string text, int count) =>
        Enumerable.Range(0, count).Select(i => group.SendAsync(Encoding.UTF8.GetBytes($"{text} {i}"), (DeliveryService)(i % 3)));

    // Every view of the group has one membership wherever it is installed, and any two members
    // see the views and messages they share in the same order.
    private static void AssertMembersAgree(string group, RuntimeCluster cluster)
    {
        var histories = cluster.Ids.ToDictionary(id => id, id => cluster.Delivered(id).Events.Where(e => Of(e) == group).ToList());
        var members = new Dictionary<ConfigurationId, ImmutableArray<ProcessId>>();
        foreach (var view in histories.Values.SelectMany(h => h).OfType<GroupViewChangedEvent>().Select(e => e.View))
        {
            if (members.TryGetValue(view.Id, out var seen)) Assert.Equal(seen.ToArray(), view.Members.ToArray());
            else members[view.Id] = view.Members;
        }
        foreach (var (p, mine) in histories)
        foreach (var (q, theirs) in histories)
        {
            var shared = Steps(mine).Intersect(Steps(theirs)).ToHashSet();
            Assert.Equal(Steps(mine).Where(shared.Contains), Steps(theirs).Where(shared.Contains));
        }
    }

    private static string? Of(EvsNodeEvent e) => e switch
    {
        GroupViewChangedEvent v => v.View.Group,
        GroupMessageDeliveredEvent d => d.Group,
        _ => null,
    };

    private static IEnumerable<string> Steps(IEnumerable<EvsNodeEvent> events) => events.Select(e => e switch
    {
        GroupViewChangedEvent v => $"view {v.View.Id}",
        GroupMessageDeliveredEvent d => $"message {d.Message}",
        _ => "",
    }).Where(s => s.Length > 0);
}
