// The words `evs lab check` prints, as a student reads them: a row counts the schedules it failed
// in, not those it held in (a bug seen twice reads as twice), and a case played by hand apart from
// the schedules; the commands printed under a failing schedule show what the student is
// debugging, for the filter lab the filtered history, for the primary component lab the run with
// the algorithm the grader chose; and a failing row names the class most likely at fault only
// where its specification points to one.
using Evs.Grading.Labs;
using Evs.Grading.Schedules;
using Xunit;

namespace SpecTests.Labs;

public class LabWordsTests
{
    [Fact]
    public void A_row_that_failed_says_in_how_many_of_the_schedules_it_failed()
    {
        var row = new Row("7.1", "Safe delivery", Judged: 200, Held: 198, new Failure(17, new Schedule("{}", 5), "m is not delivered"));
        Assert.Equal("failed in 2 of 200 schedules", row.Verdict);
    }

    [Fact]
    public void A_row_that_held_says_in_how_many_schedules_it_held_and_one_never_judged_says_so()
    {
        Assert.Equal("held in 200 of 200 schedules", new Row("4", "Failure atomicity", 200, 200, null).Verdict);
        Assert.Equal("held in 1 of 1 schedule", new Row("4", "Failure atomicity", 1, 1, null).Verdict);
        Assert.Equal("not judged", new Row("4", "Failure atomicity", 0, 0, null).Verdict);
    }

    [Fact]
    public void A_row_also_judged_on_a_case_played_by_hand_counts_the_case_apart_and_a_failing_row_names_only_where_it_failed()
    {
        Assert.Equal("held in 200 of 200 schedules and 1 of 1 case played by hand", new Row("L5", "abcast", 200, 200, null, CasesJudged: 1, CasesHeld: 1).Verdict);
        var caseOnly = new Failure(0, null, "in the case played by hand");
        Assert.Equal("failed in 1 of 1 case played by hand", new Row("L5", "abcast", 200, 200, caseOnly, CasesJudged: 1, CasesHeld: 0).Verdict);
        Assert.Equal("failed in 3 of 200 schedules and 1 of 1 case played by hand", new Row("L4", "one view", 200, 197, caseOnly, CasesJudged: 1, CasesHeld: 0).Verdict);
        Assert.Equal("held in 1 of 1 case played by hand", new Row("L4", "one view", 0, 0, null, CasesJudged: 1, CasesHeld: 1).Verdict);
    }

    [Fact]
    public void The_case_of_Section_3_2_played_once_without_a_schedule_just_held_or_failed()
    {
        Assert.Equal("held", new Row(Section32Case.Spec, "The case of Section 3.2", 1, 1, null).Verdict);
        Assert.Equal("failed", new Row(Section32Case.Spec, "The case of Section 3.2", 1, 0, new Failure(0, null, "5.c")).Verdict);
    }

    [Fact]
    public void Totems_membership_case_played_once_without_a_schedule_just_held_or_failed()
    {
        Assert.Equal("held", new Row(MembershipCase.Spec, MembershipCase.Title, 1, 1, null).Verdict);
        Assert.Equal("failed", new Row(MembershipCase.Spec, MembershipCase.Title, 1, 0, new Failure(0, null, "joins only add")).Verdict);
    }

    [Fact]
    public void Every_suspect_names_rows_its_lab_reports_and_a_class_its_student_writes()
    {
        foreach (var lab in Lab.All)
        {
            var rows = new LabRunner.Rows(lab.Judge, lab.Cases).ToArray().Select(r => r.Spec).ToList();
            var classes = lab.FileNames.Select(Path.GetFileNameWithoutExtension).OfType<string>().ToList();
            foreach (var suspect in lab.Suspects)
            {
                Assert.All(suspect.Specs, spec => Assert.Contains(spec, rows));
                Assert.Contains(classes, c => suspect.Where.Contains(c, StringComparison.Ordinal));
                Assert.False(string.IsNullOrWhiteSpace(suspect.Why));
            }
            Assert.Equal(lab.Suspects.SelectMany(s => s.Specs).Count(), lab.Suspects.SelectMany(s => s.Specs).Distinct().Count());
        }
    }

    [Fact]
    public void In_the_filter_lab_L5_points_to_Rule2_dropping_what_Rule1_held_and_L4_to_where_held_deliveries_are_released()
    {
        var filterLab = Lab.Find(4)!;

        var l5 = filterLab.MostLikelyIn("L5")!;
        Assert.StartsWith("most likely in: Rule2BlockOutsidePrimary.Leave — ", l5.Line);
        Assert.Contains("drops what Rule 1 held", l5.Why);
        Assert.Equal("Rule1MaskTransitional.Release and Rule3SplitMerge.Continue", filterLab.MostLikelyIn("L4")!.Where);
    }

    [Fact]
    public void A_row_that_more_than_one_class_of_its_lab_could_break_names_none()
    {
        Assert.Null(Lab.Find(4)!.MostLikelyIn("C2"));
        Assert.Null(Lab.Find(4)!.MostLikelyIn("C3"));
        Assert.Null(Lab.Find(1)!.MostLikelyIn("4"));
        Assert.Null(Lab.Find(3)!.MostLikelyIn("7.1"));
        Assert.Equal("DeliveryRule.MayDeliver", Lab.Find(1)!.MostLikelyIn("6.3")!.Where);
        Assert.StartsWith("Step6Delivery, step 6.b", Lab.Find(2)!.MostLikelyIn("7.2")!.Where);
        Assert.StartsWith("ObligationSet.Extend (5.c)", Lab.Find(3)!.MostLikelyIn(Section32Case.Spec)!.Where);
        Assert.Equal("Step5Rebroadcast.Ends and AcknowledgesAll", Lab.Find(6)!.MostLikelyIn(Section32Case.Spec)!.Where);
    }

    [Theory]
    [InlineData(7L, "majority")]
    [InlineData(8L, "dynamic-linear-voting")]
    public void For_the_filter_lab_the_reference_and_drawing_commands_run_the_graders_primary_component_algorithm_and_the_filter(long seed, string primary)
    {
        var filterLab = Lab.All.Single(l => l.Judge == Judge.VirtualSynchrony);
        Assert.Equal(primary, GeneratedScenario.FilterAlgorithmOf(seed));

        var lines = ReplayCommands.Lines(filterLab, "f/seed.json", seed);

        Assert.Contains(lines, l => l.StartsWith("drawn:", StringComparison.Ordinal) && l.EndsWith($"evs demo --scenario f/seed.json --seed {seed} --primary {primary} --vs", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith($"evs sim --scenario f/seed.json --seed {seed} --trace ref.jsonl --primary {primary} --vs-trace ref.vs.jsonl", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith($"evs lab check {filterLab.Number} --replay f/seed.json --replay-seed {seed} --trace t.jsonl", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(7L, "majority")]
    [InlineData(8L, "dynamic-linear-voting")]
    public void For_the_primary_component_lab_the_reference_and_drawing_commands_run_the_graders_algorithm_without_the_filter(long seed, string primary)
    {
        var primaryLab = Lab.All.Single(l => l.Judge == Judge.PrimaryComponent);

        var lines = ReplayCommands.Lines(primaryLab, "f/seed.json", seed);

        Assert.Contains(lines, l => l.StartsWith("drawn:", StringComparison.Ordinal) && l.EndsWith($"evs demo --scenario f/seed.json --seed {seed} --primary {primary}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith($"evs sim --scenario f/seed.json --seed {seed} --trace ref.jsonl --primary {primary}", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("--vs", StringComparison.Ordinal));
    }

    [Fact]
    public void For_a_lab_judged_by_the_specifications_the_commands_run_the_plain_protocol()
    {
        var lines = ReplayCommands.Lines(Lab.Find(1)!, "f/seed.json", 7);
        Assert.Contains("drawn:               evs demo --scenario f/seed.json --seed 7", lines);
        Assert.DoesNotContain(lines, l => l.Contains("--primary", StringComparison.Ordinal) || l.Contains("--vs", StringComparison.Ordinal));
    }
}
