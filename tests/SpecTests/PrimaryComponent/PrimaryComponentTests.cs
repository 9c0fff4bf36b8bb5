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

    // ---- PrimaryDecision: the ordering rules on top of the quorum rule ----

    private static PrimaryDecision.MemberKnowledge Knows(string process, string? old, PrimaryHistory history) =>
        new(new ProcessId(process), old is null ? null : new ConfigurationId(old), history);

    private static PrimaryDecision Decide(params PrimaryDecision.MemberKnowledge[] knowledge) =>
        PrimaryDecision.Decide(new Majority(Five), new ProcessId("p1"), knowledge.Select(k => k.Process).ToImmutableSortedSet(ProcessId.Ordinal), knowledge);

    [Fact]
    public void The_first_primary_is_one_new_group_led_by_its_lowest_member()
    {
        var decision = Decide(Knows("p2", null, PrimaryHistory.None), Knows("p3", null, PrimaryHistory.None), Knows("p4", null, PrimaryHistory.None));
        Assert.True(decision.Primary);
        Assert.Equal("p2", decision.InstallLeader.Name);
        Assert.Empty(decision.Continuing);
        Assert.Equal(["p2", "p3", "p4"], decision.Names.Values);
    }

    [Fact]
    public void The_install_leader_is_a_member_that_installed_the_latest_primary()
    {
        var r7 = Record(7, "p3", "p4", "p5");
        var installed = new PrimaryHistory(r7, [], r7, Identities: 1);
        var decision = Decide(Knows("p1", null, PrimaryHistory.None), Knows("p2", null, PrimaryHistory.None), Knows("p4", r7.Id.Name, installed));
        Assert.True(decision.Primary);
        Assert.Equal("p4", decision.InstallLeader.Name);
        Assert.Equal(["p4"], decision.Continuing.Select(p => p.Name));
    }

    [Fact]
    public void An_attempt_whose_leader_is_absent_may_have_been_installed_so_the_configuration_blocks()
    {
        // p2 agreed to R8 (leader p5) and lost the token; p5 may have installed R8 alone.
        var r7 = Record(7, "p1", "p2", "p3", "p4", "p5");
        var r8 = new PrimaryRecord(new ConfigurationId("R8.p2"), 8, Set("p2", "p3", "p5"), new ProcessId("p5"));
        var p2 = new PrimaryHistory(r7, [r8], r7, Identities: 1);
        var others = new PrimaryHistory(r7, [], r7, Identities: 1);
        Assert.False(Decide(Knows("p1", r7.Id.Name, others), Knows("p2", "R8.p2", p2), Knows("p4", r7.Id.Name, others)).Primary);
        // With p5 present, p5 says it did not install R8 (its last installed primary is R7): R8 never was.
        Assert.True(Decide(Knows("p1", r7.Id.Name, others), Knows("p2", "R8.p2", p2), Knows("p5", r7.Id.Name, others)).Primary);
    }

    [Fact]
    public void A_process_merged_again_gets_its_next_virtual_synchrony_name()
    {
        var r7 = Record(7, "p1", "p2", "p3");
        var stayed = new PrimaryHistory(r7, [], r7, Identities: 1);
        var left = new PrimaryHistory(r7, [], r7, Identities: 2); // was in R7's view, then left it
        var decision = Decide(Knows("p1", r7.Id.Name, stayed), Knows("p2", r7.Id.Name, stayed), Knows("p3", "R9.p3", left));
        Assert.Equal(["p1", "p2"], decision.Continuing.Select(p => p.Name));
        Assert.Equal(["p1", "p2", "p3~2"], decision.Names.Values);
    }
}
