// The paper, Section 5: a simple primary component algorithm (a fixed majority), and one "that
// has a greater probability of finding a primary component and thereby reduces the risk that all
// processes will be blocked" (dynamic linear voting). One schedule shows the difference; unit
// tests pin each rule.
using System.Collections.Immutable;
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Simulation;
using FsCheck;
using FsCheck.Fluent;
using SpecTests.Properties;
using Xunit;

namespace SpecTests.PrimaryComponent;

public class PrimaryComponentTests
{
    private static readonly ProcessId[] Five = [.. new[] { "p1", "p2", "p3", "p4", "p5" }.Select(n => new ProcessId(n))];

    private static ImmutableSortedSet<ProcessId> Set(params string[] names) => names.Select(n => new ProcessId(n)).ToImmutableSortedSet(ProcessId.Ordinal);

    private static PrimaryRecord Record(long seq, params string[] members) => new(new ConfigurationId($"R{seq}.{members[0]}"), seq, Set(members), new ProcessId(members[0]));

    [Fact]
    public void Majority_is_primary_only_with_more_than_half_of_all_processes()
    {
        var majority = new Majority(Five);
        Assert.True(majority.IsPrimary(Set("p1", "p2", "p3"), []));
        Assert.False(majority.IsPrimary(Set("p1", "p2"), []));
    }

    [Fact]
    public void Dynamic_linear_voting_needs_a_majority_of_the_last_primary_not_of_all()
    {
        var dlv = new DynamicLinearVoting(Five);
        var last = new PrimaryHistory(Record(7, "p1", "p2", "p3"), []);
        Assert.True(dlv.IsPrimary(Set("p1", "p2"), [last]));
        Assert.False(dlv.IsPrimary(Set("p3", "p4", "p5"), [last, PrimaryHistory.None]));
    }

    [Fact]
    public void A_tie_goes_to_the_half_with_the_lowest_process_of_the_last_primary()
    {
        var last = Record(7, "p1", "p2", "p3", "p4");
        Assert.True(DynamicLinearVoting.HasQuorumOf(Set("p1", "p4"), last));
        Assert.False(DynamicLinearVoting.HasQuorumOf(Set("p2", "p3"), last));
    }

    [Fact]
    public void An_ambiguous_primary_must_be_outvoted_too()
    {
        // {p1,p2} may have been installed by p1 before p2 failed: {p2,p3} holds a majority of the
        // last confirmed primary {p1,p2,p3} but not of {p1,p2}, so it must not become primary.
        var dlv = new DynamicLinearVoting(Five);
        var p2 = new PrimaryHistory(Record(7, "p1", "p2", "p3"), [Record(8, "p1", "p2")]);
        var p3 = new PrimaryHistory(Record(7, "p1", "p2", "p3"), []);
        Assert.False(dlv.IsPrimary(Set("p2", "p3"), [p2, p3]));
        Assert.True(dlv.IsPrimary(Set("p1", "p3"), [p2, p3]));
    }

    [Fact]
    public void Before_any_primary_the_last_primary_is_every_process() =>
        Assert.False(new DynamicLinearVoting(Five).IsPrimary(Set("p1", "p2"), [PrimaryHistory.None]));

    [Fact]
    public void Majority_blocks_where_DynamicLinearVoting_continues_when_p5_p4_and_p3_crash_one_after_another()
    {
        var scenario = ScenarioReader.Parse("""
            {
              "name": "crash-one-by-one",
              "processes": ["p1", "p2", "p3", "p4", "p5"],
              "traffic": { "rate": 20, "size": 16, "mix": { "agreed": 1, "safe": 1 } },
              "steps": [
                { "at": 1500, "crash": "p5" },
                { "at": 3500, "crash": "p4" },
                { "at": 5500, "crash": "p3" },
                { "at": 7500, "stop": true }
              ]
            }
            """, "crash-one-by-one");
        bool LastIsPrimary(string algorithm)
        {
            var result = Simulator.Run(scenario, new SimulationOptions(Seed: 1, Primary: algorithm));
            Assert.True(result.Summary.Quiescent);
            Assert.True(SpecificationChecker.Check(result.Trace).AllPassed);
            var last = result.Trace.Events.OfType<DeliverConf>().Last(c => c.Process.Name == "p1" && c.Kind == ConfigurationKind.Regular);
            Assert.Equal(["p1", "p2"], last.Members.Select(m => m.Name));
            return last.Primary == true;
        }
        Assert.False(LastIsPrimary("majority"));
        Assert.True(LastIsPrimary("dynamic-linear-voting"));
    }

    // The PC properties would pass vacuously on runs without primaries: most generated fault
    // schedules must have one, and many a succession of different primaries (what Continuity judges).
    [Theory]
    [InlineData("majority")]
    [InlineData("dynamic-linear-voting")]
    public void Generated_fault_schedules_exercise_primary_components(string algorithm)
    {
        var runs = FaultSchedules.WithFaults.Generator.Sample(200, new Rnd(11), 10);
        int withPrimary = 0, withSuccession = 0;
        foreach (var run in runs)
        {
            var primaries = run.ResultWith(algorithm).Trace.Events.OfType<DeliverConf>()
                .Where(c => c.Primary == true).Select(c => c.Members).DistinctBy(m => string.Join(",", m)).Count();
            if (primaries >= 1) withPrimary++;
            if (primaries >= 2) withSuccession++;
        }
        Assert.True(withPrimary >= 120, $"only {withPrimary} of 200 runs had a primary component");
        Assert.True(withSuccession >= 40, $"only {withSuccession} of 200 runs had primaries of different memberships");
    }
}
