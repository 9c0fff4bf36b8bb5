// Issue 18's "done when" for named groups: two groups over one simulated ring, with the seeded
// workload's joins, leaves, rejoins and messages interleaved, and every member of a group agrees
// on its views: a view's identifier names the same members everywhere, and any two processes see
// the views and messages they have in common in the same order. Once on a steady ring, once
// through a partition and a merge.
using Evs.Reference.Groups;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
using Xunit;

namespace SpecTests.Groups;

public class GroupAgreementTests
{
    private const string Steady = """
        {
          "name": "two-groups-steady",
          "processes": ["p1", "p2", "p3", "p4"],
          "traffic": { "rate": 40, "size": 16, "mix": { "causal": 1, "agreed": 1, "safe": 1 } },
          "network": { "delay_ms": [0.2, 1.5], "loss": 0.05 },
          "steps": [ { "at": 2500, "stop": true } ]
        }
        """;

    public const string PartitionAndMerge = """
        {
          "name": "two-groups-partition-merge",
          "processes": ["p1", "p2", "p3", "p4"],
          "traffic": { "rate": 40, "size": 16, "mix": { "causal": 1, "agreed": 1, "safe": 1 } },
          "network": { "delay_ms": [0.2, 1.5], "loss": 0.05 },
          "steps": [
            { "at": 800, "partition": [["p1", "p2"], ["p3", "p4"]] },
            { "at": 3500, "heal": true },
            { "at": 6000, "stop": true }
          ]
        }
        """;

    [Theory]
    [InlineData(Steady, false)]
    [InlineData(PartitionAndMerge, true)]
    public void Every_member_of_each_of_two_groups_sees_the_same_views_in_the_same_order_among_the_groups_messages(string json, bool partitioned)
    {
        var scenario = ScenarioReader.Parse(json, "groups.json");
        var result = Simulator.Run(scenario, new SimulationOptions(18, Application: new GroupWorkload(GroupProperties.Groups, 18)));
        var histories = GroupHistories.Project(result.Trace);

        Assert.Equal(GroupProperties.Groups, histories.Select(h => h.Group));
        foreach (var history in histories)
        {
            var events = history.Trace.Events;
            Assert.True(events.OfType<DeliverConf>().Count(c => c.Conf.Name.StartsWith("J:", StringComparison.Ordinal)) >= 4, $"{history.Group}: joins and rejoins");
            Assert.Contains(events, e => e is Fail);
            Assert.Contains(events.OfType<DeliverConf>(), c => c.Kind == ConfigurationKind.Regular && c.Members.Length >= 3);
            Assert.True(events.OfType<Deliver>().Select(d => d.Message).Distinct().Count() >= 20, $"{history.Group}: messages");
            if (partitioned) Assert.Contains(events.OfType<DeliverConf>(), c => c.Conf.Name.Contains('~', StringComparison.Ordinal));

            EveryViewHasOneMembership(history);
            CommonViewsAndMessagesComeInOneOrder(history);
        }
        Assert.Equal(partitioned, result.Trace.Events.OfType<DeliverConf>().Any(c => c.Kind == ConfigurationKind.Regular && c.Members.Length == 2));
    }

    private static void EveryViewHasOneMembership(GroupHistory history)
    {
        foreach (var view in history.Trace.Events.OfType<DeliverConf>().GroupBy(c => c.Conf))
        {
            var memberships = view.Select(c => $"{c.Kind} {string.Join(",", c.Members)}").Distinct().ToList();
            Assert.True(memberships.Count == 1, $"group {history.Group}, view {view.Key}: {string.Join(" | ", memberships)}");
        }
    }

    private static void CommonViewsAndMessagesComeInOneOrder(GroupHistory history)
    {
        var seen = history.Trace.Events.GroupBy(e => e.Process).ToDictionary(
            p => p.Key,
            p => p.OrderBy(e => e.Index).Select(e => e switch { DeliverConf c => $"view {c.Conf}", Deliver d => $"message {d.Message}", _ => null }).OfType<string>().ToList());
        foreach (var (p, mine) in seen)
            foreach (var (q, theirs) in seen.Where(kv => ProcessId.Ordinal.Compare(kv.Key, p) > 0))
            {
                var common = mine.Intersect(theirs).ToHashSet();
                Assert.True(
                    mine.Where(common.Contains).SequenceEqual(theirs.Where(common.Contains)),
                    $"group {history.Group}: {p} and {q} see their common views and messages in different orders");
            }
    }
}
