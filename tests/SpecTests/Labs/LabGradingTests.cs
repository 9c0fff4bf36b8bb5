// The labs (labs/README.md), graded the way `evs lab check` grades a student: for every lab the
// reference (the library's own classes) passes, the untouched starter fails with the
// NotImplementedException of its first method to run, and a deliberately wrong version fails
// with the specification it breaks — the lesson each lab teaches. The wrong versions are the
// library's file with one line changed, so each reads as "the reference, except …". And every
// starter declares what the library's file declares, documented alike.
using Evs.Grading.Labs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SpecTests.Cli;
using Evs.Reference.Checking;
using Evs.Reference.Checking.VirtualSynchrony;
using Xunit;

namespace SpecTests.Labs;

public class LabGradingTests
{
    private static readonly Repository Repository = Repository.Find(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"no {Repository.SolutionFile} above {AppContext.BaseDirectory}");

    // Fewer schedules than `evs lab check` runs (200): the specification properties already run
    // the reference on hundreds, and every wrong version below fails within these.
    private static readonly GradingOptions Options = new(ChildCommand.Evs(EvsProcess.Executable), Schedules: 40);

    public static TheoryData<int> Labs => [.. Lab.All.Select(l => l.Number)];

    private static LabReport Grade(int lab, Submission submission) => LabGrader.Grade(Repository, Lab.Find(lab)!, submission, Options);

    private static string Describe(LabReport report) =>
        string.Join("\n", report.CompileErrors.Concat(report.Failing.Select(r => $"{r.Spec}: {r.FirstFailure?.Message ?? "not judged"}")));

    [Theory, MemberData(nameof(Labs))]
    public void The_reference_which_is_the_librarys_own_class_passes_every_specification(int lab)
    {
        var report = Grade(lab, Submission.Reference);
        Assert.True(report.Passed, Describe(report));
        Assert.Equal(Options.Schedules, report.SchedulesRun);
    }

    [Theory, MemberData(nameof(Labs))]
    public void The_untouched_starter_compiles_and_fails_naming_the_NotImplementedException_and_the_starters_file(int lab)
    {
        var report = Grade(lab, Submission.Of(Submission.Kind.Starter, Lab.Find(lab)!, Repository));
        Assert.Empty(report.CompileErrors);
        Assert.False(report.Passed);
        var message = report[LabRunner.NoException]!.FirstFailure!.Message;
        Assert.Contains("threw NotImplementedException", message);
        Assert.Contains(Repository.StarterFolder(Lab.Find(lab)!), message);
    }

    [Fact]
    public void Lab1_delivering_safe_messages_as_agreed_breaks_Safe_Delivery_7_1()
    {
        var wrong = Submission.Mutant("safe as agreed", Repository, "Ordering/DeliveryRule.cs", source => Replace(source,
            "seq == deliveredUpTo + 1 && (service != DeliveryService.Safe || seq <= receivedByAll)",
            "seq == deliveredUpTo + 1"));
        var report = Grade(1, wrong);
        Assert.False(report["7.1"]!.Holds, Describe(report));
        Assert.False(report["7.2"]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab2_delivering_in_the_regular_configuration_a_safe_message_not_known_safe_there_breaks_7_1()
    {
        var wrong = Submission.Mutant("6.b without the safe condition", Repository, "Recovery/Step6Delivery.cs", source => Replace(source,
            "\n               && (next.Service != DeliveryService.Safe || next.Seq <= SafeInRegular))",
            ")"));
        var report = Grade(2, wrong);
        Assert.False(report["7.1"]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab3_forgetting_step_5c_fails_the_case_of_Section_3_2()
    {
        var wrong = Submission.Mutant("no 5.c", Repository, "Recovery/ObligationSet.cs", source => Replace(source,
            "With(transitional.Select(i => i.Process)).With(transitional.SelectMany(i => i.Obligations.Processes))",
            "this"));
        var report = Grade(3, wrong);
        Assert.Contains("5.c", report[Section32Case.Spec]!.FirstFailure?.Message);
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab3_an_obligation_set_that_forgets_what_it_is_given_fails_the_case_of_Section_3_2_by_Specification_7_1()
    {
        var wrong = Submission.Mutant("With forgets", Repository, "Recovery/ObligationSet.cs", source => Replace(source,
            "public bool Contains(ProcessId process) => Processes.Contains(process);",
            "public bool Contains(ProcessId process) => false;"));
        var report = Grade(3, wrong);
        Assert.Contains("Specification 7.1", report[Section32Case.Spec]!.FirstFailure?.Message);
    }

    [Fact]
    public void Lab4_blocking_outside_the_primary_component_without_stopping_the_identity_breaks_C3()
    {
        var wrong = Submission.Mutant("block without stop", Repository, "VirtualSynchrony/Rule2BlockOutsidePrimary.cs", source => Replace(source,
            "FilterState.Live live => new FilterStep(FilterState.Initial, [live.Identity.Stop(time)]),",
            "FilterState.Live => FilterStep.Nothing(FilterState.Initial),"));
        var report = Grade(4, wrong);
        Assert.False(report["C3"]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    // The partition case (PartitionCase.cs) is played before the schedules and does not depend on
    // the seed, so grading it alone (no schedule) shows what every seed shows.
    private static readonly GradingOptions CaseOnly = Options with { Schedules = 0 };

    [Fact]
    public void Lab4_a_split_with_one_view_too_many_breaks_Rule_3s_one_process_per_view_which_no_condition_of_Birmans_sees()
    {
        var wrong = Submission.Mutant("a view too many", Repository, "VirtualSynchrony/Rule3SplitMerge.cs", source => Replace(source,
            "Enumerable.Range(0, joining.Length + 1)", "Enumerable.Range(0, joining.Length + 2)"));
        var report = Grade(4, wrong);
        Assert.False(report[Rule3OneProcessPerView.Spec]!.Holds, Describe(report));
        Assert.All(report.Rows.Where(r => r.Spec != Rule3OneProcessPerView.Spec), r => Assert.True(r.Holds, Describe(report)));
    }

    [Fact]
    public void Lab4_the_partition_case_played_by_hand_is_a_legal_extended_virtual_synchrony_history()
    {
        var report = SpecificationChecker.Check(PartitionCase.Trace);
        Assert.All(report.Verdicts, v => Assert.True(v.Violation is null, $"{v.Spec}: {v.Violation?.Message}"));
    }

    [Fact]
    public void Lab4_releasing_what_Rule1_held_when_leaving_the_primary_component_breaks_L5_in_the_partition_case_whatever_the_seed()
    {
        var wrong = Submission.Mutant("release on leaving", Repository, "VirtualSynchrony/Rule2BlockOutsidePrimary.cs", source => Replace(source,
            "FilterState.Live live => new FilterStep(FilterState.Initial, [live.Identity.Stop(time)]),",
            "FilterState.Live live => new FilterStep(FilterState.Initial, [.. Rule1MaskTransitional.Release(live).Events, Rule1MaskTransitional.Release(live).Identity.Stop(time)]),"));
        var report = LabGrader.Grade(Repository, Lab.Find(4)!, wrong, CaseOnly);

        var l5 = report["L5"]!;
        Assert.Equal("failed in 1 of 1 case played by hand", l5.Verdict);
        Assert.StartsWith(PartitionCase.Story, l5.FirstFailure!.Message);
        Assert.Contains("p#2 deliver p.1.1 (abcast)", l5.FirstFailure.Message);
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
        Assert.All(VirtualSynchronyChecker.ConditionNames.Where(c => c != "L5"), c => Assert.True(report[c]!.Holds, Describe(report)));
    }

    [Fact]
    public void Lab4_releasing_held_deliveries_after_the_new_views_breaks_L4_in_the_partition_case_and_on_the_schedules_of_every_seed()
    {
        var wrong = Submission.Mutant("release after the views", Repository, "VirtualSynchrony/Rule3SplitMerge.cs", source => Replace(source,
            """
                    var (released, deliveries) = Rule1MaskTransitional.Release(live);
                    var (installed, views) = released.Install(ViewsAfter(live.Identity.View, primary, info), primary.Time);
                    return new FilterStep(new FilterState.InPrimaryView(installed), [.. deliveries, .. views]);
            """,
            """
                    var (installed, views) = live.Identity.Install(ViewsAfter(live.Identity.View, primary, info), primary.Time);
                    var (released, deliveries) = Rule1MaskTransitional.Release(live with { Identity = installed });
                    return new FilterStep(new FilterState.InPrimaryView(released), [.. views, .. deliveries]);
            """));
        var reports = LabGrader.GradeOnSeeds(Repository, Lab.Find(4)!, wrong, Options with { Schedules = GradingOptions.DefaultSchedules, StopAtFirstFailingSchedule = true }, [1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.All(reports, report =>
        {
            var l4 = report["L4"]!;
            Assert.StartsWith(PartitionCase.Story, l4.FirstFailure?.Message);
            Assert.Equal(1, l4.CasesJudged - l4.CasesHeld);
            Assert.True(l4.Judged > l4.Held, $"no schedule broke L4 in {report.SchedulesRun} schedules: {l4.Verdict}");
            Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
        });
    }

    [Fact]
    public void Lab4_numbering_held_deliveries_before_the_new_views_but_giving_them_after_is_refused_by_name_in_the_partition_case()
    {
        var wrong = Submission.Mutant("given after the views", Repository, "VirtualSynchrony/Rule3SplitMerge.cs", source => Replace(source,
            "[.. deliveries, .. views]", "[.. views, .. deliveries]"));
        var report = LabGrader.Grade(Repository, Lab.Find(4)!, wrong, CaseOnly);

        var message = report[LabRunner.NoException]!.FirstFailure!.Message;
        Assert.StartsWith(PartitionCase.Story, message);
        Assert.Contains("the virtual synchrony filter gave q#4 (view R2.q#0) right after q#1 (send q.1.1)", message);
        Assert.Contains("numbered in that order", message);
    }

    [Fact]
    public void Lab5_a_transitional_configuration_of_members_from_other_regular_configurations_breaks_M_2_and_7_1()
    {
        var wrong = Submission.Mutant("4.a without the old configuration", Repository, "Recovery/Step4TransitionalConfiguration.cs", source => Replace(source,
            "exchanged.Where(i => i.OldConfiguration?.Id == myOld.Id)",
            "exchanged"));
        var report = Grade(5, wrong);
        Assert.False(report["M.2"]!.Holds, Describe(report));
        Assert.False(report["7.1"]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab5_not_rebroadcasting_a_message_that_no_members_aru_covers_breaks_Failure_Atomicity_4()
    {
        var wrong = Submission.Mutant("4.b without its fallback", Repository, "Recovery/Step4TransitionalConfiguration.cs", source => Replace(source,
            "if (responsible is null || responsible.Process == me)",
            "if (responsible?.Process == me)"));
        var report = Grade(5, wrong);
        Assert.False(report["4"]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab6_ending_step_5b_as_soon_as_every_member_has_every_rebroadcast_fails_the_case_of_Section_3_2()
    {
        var wrong = Submission.Mutant("5.b ends a visit early", Repository, "Recovery/Step5Rebroadcast.cs", source => Replace(source,
            "bool ends = _allReceivedAtLastVisit;",
            "bool ends = AllAcknowledged(token, ring);"));
        var report = Grade(6, wrong);
        Assert.Contains("5.b", report[Section32Case.Spec]!.FirstFailure?.Message);
        Assert.Contains("second visit", report[Section32Case.Spec]!.FirstFailure?.Message);
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab6_ending_step_5b_when_this_process_alone_has_every_rebroadcast_fails_the_case_of_Section_3_2()
    {
        var wrong = Submission.Mutant("5.b on my own aru", Repository, "Recovery/Step5Rebroadcast.cs", source => Replace(source,
            "NoMoreRebroadcasts(token, ring) && ring.ReceivedByAll >= token.RecoverySeq",
            "NoMoreRebroadcasts(token, ring) && ring.Buffer.MyAru >= token.RecoverySeq"));
        var report = Grade(6, wrong);
        Assert.Contains("what it alone holds is not enough", report[Section32Case.Spec]!.FirstFailure?.Message);
    }

    [Fact]
    public void Lab6_acknowledging_every_rebroadcast_only_with_more_than_the_last_one_fails_the_case_of_Section_3_2()
    {
        var wrong = Submission.Mutant("5.c a message late", Repository, "Recovery/Step5Rebroadcast.cs", source => Replace(source,
            "ring.Buffer.MyAru >= token.RecoverySeq",
            "ring.Buffer.MyAru > token.RecoverySeq"));
        var report = Grade(6, wrong);
        Assert.Contains("did not make q acknowledge the rebroadcasts at its second visit", report[Section32Case.Spec]!.FirstFailure?.Message);
    }

    [Fact]
    public void Lab6_acknowledging_every_rebroadcast_before_knowing_that_no_more_come_fails_the_case_of_Section_3_2()
    {
        var wrong = Submission.Mutant("5.c before the second visit", Repository, "Recovery/Step5Rebroadcast.cs", source => Replace(source,
            "NoMoreRebroadcasts(token, ring) && ring.Buffer.MyAru >= token.RecoverySeq",
            "NoMoreRebroadcasts(token, ring) || ring.Buffer.MyAru >= token.RecoverySeq"));
        var report = Grade(6, wrong);
        Assert.Contains("at its first visit of the new ring's token, where it cannot know", report[Section32Case.Spec]!.FirstFailure?.Message);
    }

    [Fact]
    public void Lab6_acknowledging_every_rebroadcast_without_holding_the_last_one_fails_the_case_of_Section_3_2()
    {
        var wrong = Submission.Mutant("5.c without n", Repository, "Recovery/Step5Rebroadcast.cs", source => Replace(source,
            "ring.Buffer.MyAru >= token.RecoverySeq",
            "token.RecoverySeq >= ring.Buffer.MyAru"));
        var report = Grade(6, wrong);
        Assert.Contains("q has not received n", report[Section32Case.Spec]!.FirstFailure?.Message);
    }

    [Fact]
    public void Lab6_believing_no_more_rebroadcasts_come_before_every_member_held_the_token_breaks_Failure_Atomicity_4_and_7_1()
    {
        var wrong = Submission.Mutant("no second visit", Repository, "Recovery/Step5Rebroadcast.cs", source => Replace(source,
            "ring.Visits >= 2 && token.Backlog == 0",
            "token.Backlog == 0"));
        var report = Grade(6, wrong);
        Assert.False(report["4"]!.Holds, Describe(report));
        Assert.False(report["7.1"]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab7_the_reference_holds_Uniqueness_and_grants_the_primaries_of_the_rule_in_the_cases_played_by_hand()
    {
        Assert.Null(VotingCase.Check());
        Assert.Null(VotingCase.CheckProgress());
        var report = Grade(7, Submission.Reference);
        foreach (var spec in new[] { VotingCase.Spec, VotingCase.ProgressSpec })
        {
            Assert.Equal(1, report[spec]!.CasesJudged);
            Assert.Equal(1, report[spec]!.CasesHeld);
        }
    }

    [Fact]
    public void Lab7_a_majority_that_counts_half_the_processes_breaks_Uniqueness_in_the_split_into_halves_played_by_hand()
    {
        var wrong = Submission.Mutant("half is a majority", Repository, "PrimaryComponent/Majority.cs", source => Replace(source,
            "2 * members.Count(_universe.Contains) > _universe.Count",
            "2 * members.Count(_universe.Contains) >= _universe.Count"));
        var report = LabGrader.Grade(Repository, Lab.Find(7)!, wrong, CaseOnly);
        Assert.Contains("Majority.IsPrimary calls both primary", report[VotingCase.Spec]!.FirstFailure?.Message);
    }

    [Theory]
    [InlineData("2 * shared == previous.Members.Count", "1 * shared == previous.Members.Count", "exactly half counts")]
    [InlineData("ambiguous.All(a => HasQuorumOf(members, a))", "exchanged.SelectMany(h => h.Ambiguous).All(a => HasQuorumOf(members, a))", "R2.s no longer counts")]
    public void Lab7_dynamic_linear_voting_that_refuses_a_primary_its_rule_grants_fails_the_progress_row_in_the_case_played_by_hand(string from, string to, string message)
    {
        var wrong = Submission.Mutant("refuses too much", Repository, "PrimaryComponent/DynamicLinearVoting.cs", source => Replace(source, from, to));
        var report = LabGrader.Grade(Repository, Lab.Find(7)!, wrong, CaseOnly);
        Assert.Contains(message, report[VotingCase.ProgressSpec]!.FirstFailure?.Message);
        Assert.True(report[VotingCase.Spec]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab7_dynamic_linear_voting_that_counts_from_the_oldest_last_primary_breaks_Uniqueness_in_the_case_played_by_hand()
    {
        var wrong = Submission.Mutant("oldest last primary", Repository, "PrimaryComponent/DynamicLinearVoting.cs", source => Replace(source,
            ".OrderByDescending(p => p.RingSequence)",
            ".OrderBy(p => p.RingSequence)"));
        var report = Grade(7, wrong);
        Assert.Contains("the last primary is the newest", report["PC.1"]!.FirstFailure?.Message);
    }

    [Fact]
    public void Lab7_dynamic_linear_voting_that_counts_the_ambiguous_primaries_older_than_the_last_breaks_Uniqueness_in_the_case_played_by_hand()
    {
        var wrong = Submission.Mutant("older ambiguous", Repository, "PrimaryComponent/DynamicLinearVoting.cs", source => Replace(source,
            "a.RingSequence > last.RingSequence",
            "last.RingSequence > a.RingSequence"));
        var report = Grade(7, wrong);
        Assert.Contains("it told R2.p as ambiguous", report["PC.1"]!.FirstFailure?.Message);
    }

    [Fact]
    public void Lab7_dynamic_linear_voting_without_its_tie_break_breaks_Uniqueness_PC_1()
    {
        var wrong = Submission.Mutant("no tie-break", Repository, "PrimaryComponent/DynamicLinearVoting.cs", source => Replace(source,
            "(2 * shared == previous.Members.Count && members.Contains(previous.Members.Min))",
            "(2 * shared == previous.Members.Count)"));
        var report = Grade(7, wrong);
        Assert.False(report["PC.1"]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab7_is_judged_by_the_primary_component_specifications_and_by_whether_a_run_that_ends_together_ends_primary()
    {
        var rows = new LabRunner.Rows(Judge.PrimaryComponent, []).ToArray().Select(r => r.Spec);
        Assert.Equal([LabRunner.NoException, LabRunner.Settles, "PC.1", "PC.2", PrimaryProgress.Spec], rows);
    }

    [Fact]
    public void Lab7_an_algorithm_that_never_decides_primary_holds_Uniqueness_and_Continuity_but_fails_the_progress_row()
    {
        var wrong = Submission.Mutant("never primary", Repository, "PrimaryComponent/Majority.cs", source => Replace(source,
            "2 * members.Count(_universe.Contains) > _universe.Count",
            "false"));
        var report = Grade(7, wrong);
        Assert.True(report["PC.1"]!.Holds, Describe(report));
        Assert.True(report["PC.2"]!.Holds, Describe(report));
        Assert.Contains("blocks every process", report[PrimaryProgress.Spec]!.FirstFailure?.Message);
    }

    [Fact]
    public void Lab8_a_consensus_timeout_that_fails_nobody_never_ends_Gather_so_runs_never_settle()
    {
        var wrong = Submission.Mutant("timeout fails nobody", Repository, "Membership/Gather.cs", source => Replace(source,
            "var failSet = FailSet.Union(silent);",
            "var failSet = FailSet;"));
        var report = Grade(8, wrong);
        Assert.False(report[LabRunner.Settles]!.Holds, Describe(report));
        Assert.True(report[LabRunner.NoException]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab8_a_proposal_that_keeps_the_failed_processes_never_forms_a_ring_without_them_so_runs_never_settle()
    {
        var wrong = Submission.Mutant("proposed ignores the fail set", Repository, "Membership/Gather.cs", source => Replace(source,
            "public ImmutableSortedSet<ProcessId> Proposed => ProcSet.Except(FailSet);",
            "public ImmutableSortedSet<ProcessId> Proposed => ProcSet;"));
        var report = Grade(8, wrong);
        Assert.False(report[LabRunner.Settles]!.Holds, Describe(report));
    }

    // Totem's membership rules (MembershipCase.cs) are played before the schedules; the mistakes
    // below pass every schedule (a slower Gather still ends, and the commit token still makes the
    // members agree), so only the case played by hand catches them.
    [Fact]
    public void Lab8_Totems_membership_rules_played_by_hand_hold_for_the_reference_and_come_first_in_lab_8s_rows()
    {
        Assert.Null(MembershipCase.Check());
        var rows = new LabRunner.Rows(Judge.ExtendedVirtualSynchrony, [HandCase.Membership]).ToArray().Select(r => r.Spec);
        Assert.Equal([MembershipCase.Spec, LabRunner.NoException, LabRunner.Settles], rows.Take(3));
    }

    [Fact]
    public void Lab8_a_join_whose_fail_set_is_intersected_with_this_processs_breaks_the_rule_that_joins_only_add()
    {
        var wrong = Submission.Mutant("fail sets intersected", Repository, "Membership/Gather.cs", source => Replace(source,
            "var failSet = FailSet.Union(join.FailSet);",
            "var failSet = FailSet.Intersect(join.FailSet);"));
        var report = Grade(8, wrong);
        Assert.Contains("joins only ever add to the two sets", report[MembershipCase.Spec]!.FirstFailure?.Message);
        Assert.True(report[LabRunner.Settles]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab8_a_consensus_timeout_that_fails_the_others_instead_of_the_silent_representative_is_caught_by_the_membership_case()
    {
        var wrong = Submission.Mutant("fails all but the representative", Repository, "Membership/Gather.cs", source => Replace(source,
            "Proposed.Where(p => p != _me && p == Representative)",
            "Proposed.Where(p => p != _me && p != Representative)"));
        var report = Grade(8, wrong);
        Assert.Contains("the representative\" is moved to the fail set", report[MembershipCase.Spec]!.FirstFailure?.Message);
        Assert.True(report[LabRunner.Settles]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab8_accepting_a_commit_token_of_a_ring_sequence_number_already_seen_is_caught_by_the_membership_case()
    {
        var wrong = Submission.Mutant("an old commit token", Repository, "Membership/Gather.cs", source => Replace(source,
            "commit.Ring.Sequence > highestRingSequence",
            "commit.Ring.Sequence >= highestRingSequence"));
        var report = Grade(8, wrong);
        Assert.Contains("an old one come late or duplicated", report[MembershipCase.Spec]!.FirstFailure?.Message);
    }

    [Fact]
    public void Lab8_agreement_on_the_proc_sets_alone_passes_the_schedules_but_not_the_membership_case()
    {
        var wrong = Submission.Mutant("proc sets alone", Repository, "Membership/Gather.cs", source => Replace(source,
            "j.ProcSet.SetEquals(ProcSet) && j.FailSet.SetEquals(FailSet)",
            "j.ProcSet.SetEquals(ProcSet)"));
        var report = Grade(8, wrong);
        Assert.Contains("exactly the same two sets, the fail set too", report[MembershipCase.Spec]!.FirstFailure?.Message);
        Assert.True(report[LabRunner.Settles]!.Holds, Describe(report));
    }

    [Fact]
    public void Lab8_a_start_that_stops_waiting_at_the_first_join_is_caught_by_the_membership_case()
    {
        var wrong = Submission.Mutant("waits for one", Repository, "Membership/Gather.cs", source => Replace(source,
            "if (Waiting && HeardEveryExpected) Waiting = false;",
            "if (Waiting || HeardEveryExpected) Waiting = false;"));
        var report = Grade(8, wrong);
        Assert.Contains("has heard only q: Gather.OnJoin ended its wait", report[MembershipCase.Spec]!.FirstFailure?.Message);
    }

    [Fact]
    public void A_file_that_does_not_compile_is_reported_with_its_path_and_line_and_nothing_runs()
    {
        var broken = Submission.Mutant("broken", Repository, "Ordering/DeliveryRule.cs", source => Replace(source, "seq == deliveredUpTo + 1", "seq == undeclared + 1"));
        var report = Grade(1, broken);
        Assert.False(report.Passed);
        Assert.Equal(0, report.SchedulesRun);
        Assert.Contains(report.CompileErrors, e => e.StartsWith("src/Evs.Reference/Ordering/DeliveryRule.cs(", StringComparison.Ordinal) && e.Contains("undeclared"));
    }

    [Fact]
    public void Every_lab_has_a_handout_a_starter_for_each_of_its_files_and_a_reference_in_the_library()
    {
        foreach (var lab in Lab.All)
        {
            Assert.True(File.Exists(Path.Combine(Repository.FolderOf(lab), "README.md")), $"lab {lab.Number} has no handout");
            foreach (var file in lab.LibraryFiles)
            {
                Assert.True(File.Exists(Path.Combine(Repository.StarterFolder(lab), Path.GetFileName(file))), $"lab {lab.Number} has no starter {file}");
                Assert.True(File.Exists(Repository.LibraryFile(file)), $"lab {lab.Number}'s reference {file} is not in the library");
            }
        }
    }

    // The starter is the library's file with method bodies replaced: the same public members with
    // the same signatures, since the rest of the library calls them. Their documentation may be
    // worded for the student (lab 1's does not give Totem's pseudo-code away), and the bodies and
    // private members differ.
    [Theory, MemberData(nameof(Labs))]
    public void Every_starter_declares_the_librarys_public_members_with_the_librarys_signatures(int lab)
    {
        foreach (var file in Lab.Find(lab)!.LibraryFiles)
        {
            var library = PublicMembers(File.ReadAllText(Repository.LibraryFile(file)));
            var starter = PublicMembers(File.ReadAllText(Path.Combine(Repository.StarterFolder(Lab.Find(lab)!), Path.GetFileName(file))));
            Assert.Equal(library, starter);
        }
    }

    // Each public member's declaration without its body, initializer or comments, on one line.
    private static List<string> PublicMembers(string source) =>
        [.. CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>()
            .Where(m => m.Modifiers.Any(SyntaxKind.PublicKeyword) && m is not BaseNamespaceDeclarationSyntax)
            .Select(m => m switch
            {
                MethodDeclarationSyntax method => method.WithBody(null).WithExpressionBody(null).WithSemicolonToken(default),
                ConstructorDeclarationSyntax constructor => constructor.WithBody(null).WithExpressionBody(null).WithSemicolonToken(default),
                PropertyDeclarationSyntax property => property.WithExpressionBody(null).WithInitializer(null).WithAccessorList(null).WithSemicolonToken(default),
                TypeDeclarationSyntax type => type.WithMembers(default).WithOpenBraceToken(default).WithCloseBraceToken(default),
                _ => m,
            })
            .Select(m => string.Join(" ", m.WithoutTrivia().ToString().Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries)))];

    // A wrong version must really differ from the reference: a change that no longer applies
    // (the library moved on) fails here instead of silently testing the reference.
    private static string Replace(string source, string from, string to)
    {
        Assert.Contains(from, source);
        return source.Replace(from, to);
    }
}
