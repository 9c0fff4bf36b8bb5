// docs/SCENARIOS.md: a scenario that names an unknown process, overlaps components, places steps
// out of order or writes a step wrongly is refused, naming the step and its line; nothing runs.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using Xunit;

namespace SpecTests.Simulation;

public class ScenarioReaderTests
{
    private static string With(string steps, string extra = "") => $$"""
        {
          "name": "t",
          "processes": ["p", "q", "r"],{{extra}}
          "steps": [
            {{steps}}
          ]
        }
        """;

    private static ScenarioException Refused(string text) =>
        Assert.Throws<ScenarioException>(() => ScenarioReader.Parse(text, "t.json"));

    [Fact]
    public void A_complete_scenario_is_read_with_every_step()
    {
        var s = ScenarioReader.Parse(With("""
            { "at": 10, "loss": 0.2, "duplicate": 0.1 },
            { "at": 20, "send": { "from": "q", "svc": "safe", "count": 3 } },
            { "at": 30, "stop": true }
            """, """
             "traffic": { "rate": 40, "size": 32, "mix": { "agreed": 1, "safe": 2 } },
             "network": { "delay_ms": [0.5, 1.5], "loss": 0.01 },
            """), "t.json");
        Assert.Equal(["p", "q", "r"], s.Processes.Select(p => p.Name));
        Assert.Equal(new Traffic(40, 32, 0, 1, 2), s.Traffic);
        Assert.Equal(new NetworkConditions(0.5, 1.5, 0.01, 0), s.Network);
        Assert.Equal(new NetworkStep(10, 1, 6, 0.2, null, null, 0.1), s.Steps[0]);
        Assert.Equal(new SendStep(20, 2, 7, new ProcessId("q"), DeliveryService.Safe, 3), s.Steps[1]);
        Assert.IsType<StopStep>(s.Steps[2]);
    }

    [Fact]
    public void An_unknown_process_is_refused_naming_the_step_and_its_line()
    {
        var e = Refused(With("""
            { "at": 10, "crash": "q" },
            { "at": 20, "crash": "x" },
            { "at": 30, "stop": true }
            """));
        Assert.Equal(6, e.Line);
        Assert.Contains("t.json:6: step 2 (at 20 ms)", e.Message);
        Assert.Contains("unknown process \"x\"", e.Message);
    }

    [Fact]
    public void Overlapping_components_are_refused_naming_the_step() =>
        Assert.Contains("step 1 (at 10 ms): partition: components overlap: \"q\"", Refused(With("""{ "at": 10, "partition": [["p", "q"], ["q", "r"]] }, { "at": 30, "stop": true }""")).Message);

    [Fact]
    public void An_unknown_process_in_a_partition_or_the_start_is_refused_naming_where() =>
        Assert.Contains("start: unknown process \"x\"", Refused(With("""{ "at": 30, "stop": true }""", """ "start": [["p", "x"]],""")).Message);

    [Fact]
    public void Steps_out_of_order_are_refused() =>
        Assert.Contains("step 2 (at 5 ms) is out of order", Refused(With("""{ "at": 10, "heal": true }, { "at": 5, "stop": true }""")).Message);

    [Fact]
    public void A_scenario_without_a_stop_step_is_refused() =>
        Assert.Contains("must end with a stop step", Refused(With("""{ "at": 10, "heal": true }""")).Message);

    [Fact]
    public void A_step_after_stop_is_refused() =>
        Assert.Contains("comes after the stop step", Refused(With("""{ "at": 10, "stop": true }, { "at": 20, "heal": true }""")).Message);

    [Fact]
    public void A_misspelt_key_is_refused_not_ignored() =>
        Assert.Contains("unknown key \"losss\"", Refused(With("""{ "at": 10, "losss": 0.2 }, { "at": 20, "stop": true }""")).Message);

    [Fact]
    public void A_links_step_is_read_as_directed_faults_and_an_empty_one_as_none()
    {
        var s = ScenarioReader.Parse(With("""
            { "at": 10, "links": [{ "from": ["p"], "to": ["q", "r"], "loss": 1.0 }, { "from": ["r"], "to": ["p"], "loss": 0.25 }] },
            { "at": 20, "links": [] },
            { "at": 30, "stop": true }
            """), "t.json");
        var faults = Assert.IsType<LinksStep>(s.Steps[0]).Faults;
        Assert.Equal(2, faults.Length);
        Assert.Equal(["p"], faults[0].From.Select(p => p.Name));
        Assert.Equal(["q", "r"], faults[0].To.Select(p => p.Name));
        Assert.Equal(1.0, faults[0].Loss);
        Assert.Equal(0.25, faults[1].Loss);
        Assert.True(faults[0].Covers(new("p"), new("q")));
        Assert.False(faults[0].Covers(new("q"), new("p")));
        Assert.Empty(Assert.IsType<LinksStep>(s.Steps[1]).Faults);
    }

    [Theory]
    [InlineData("""{ "from": ["p"], "to": ["q"] }""", "needs \"loss\"")]
    [InlineData("""{ "to": ["q"], "loss": 1 }""", "needs \"from\"")]
    [InlineData("""{ "from": ["p"], "loss": 1 }""", "needs \"to\"")]
    [InlineData("""{ "from": ["p"], "to": ["q"], "loss": 1.5 }""", "links[0].loss must be a probability, at most 1")]
    [InlineData("""{ "from": [], "to": ["q"], "loss": 1 }""", "links[0].from must be a non-empty list of process ids")]
    [InlineData("""{ "from": ["p"], "to": ["x"], "loss": 1 }""", "unknown process \"x\"")]
    [InlineData("""{ "from": ["p", "p"], "to": ["q"], "loss": 1 }""", "names \"p\" twice")]
    [InlineData("""{ "from": ["p"], "to": ["q"], "loss": 1, "delay": 3 }""", "unknown key \"delay\"")]
    public void A_wrong_link_fault_is_refused_naming_the_step_its_line_and_what_is_wrong(string fault, string problem)
    {
        var e = Refused(With($$"""
            { "at": 10, "heal": true },
            { "at": 20, "links": [{{fault}}] },
            { "at": 30, "stop": true }
            """));
        Assert.Equal(6, e.Line);
        Assert.Contains("t.json:6: step 2 (at 20 ms): links", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void A_links_step_that_is_not_a_list_is_refused() =>
        Assert.Contains("links must be a list", Refused(With("""{ "at": 10, "links": { "from": ["p"] } }, { "at": 20, "stop": true }""")).Message);

    [Fact]
    public void Recovering_a_process_that_never_crashed_is_refused() =>
        Assert.Contains("\"p\" cannot recover: it has not crashed", Refused(With("""{ "at": 10, "recover": "p" }, { "at": 20, "stop": true }""")).Message);

    [Fact]
    public void A_process_that_left_may_recover_and_one_leaving_may_crash()
    {
        var s = ScenarioReader.Parse(With("""
            { "at": 10, "leave": "p" }, { "at": 20, "recover": "p" },
            { "at": 30, "leave": "q" }, { "at": 40, "crash": "q" }, { "at": 50, "stop": true }
            """), "t.json");
        Assert.Equal(new ProcessId("p"), Assert.IsType<LeaveStep>(s.Steps[0]).Process);
        Assert.IsType<CrashStep>(s.Steps[3]);
    }

    [Fact]
    public void Leaving_twice_or_while_crashed_is_refused()
    {
        Assert.Contains("\"p\" has crashed or left already", Refused(With("""{ "at": 10, "leave": "p" }, { "at": 20, "leave": "p" }, { "at": 30, "stop": true }""")).Message);
        Assert.Contains("\"p\" has crashed or left already", Refused(With("""{ "at": 10, "crash": "p" }, { "at": 20, "leave": "p" }, { "at": 30, "stop": true }""")).Message);
    }

    [Fact]
    public void A_probability_of_one_or_more_is_refused() =>
        Assert.Contains("probability below 1", Refused(With("""{ "at": 10, "loss": 1.5 }, { "at": 20, "stop": true }""")).Message);

    [Fact]
    public void Broken_json_names_its_line()
    {
        var e = Refused("{\n  \"processes\": [\"p\",\n  \"steps\": ]\n}");
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void An_adversary_is_read_with_every_field()
    {
        var a = ScenarioReader.Parse(With("""{ "at": 3000, "stop": true }""", """
             "adversary": { "from_ms": 100, "until_ms": 2000, "rate": 500, "key": true,
                            "attacks": ["redirect", "forge_token_seq"], "packets": ["token", "commit_token"], "phases": ["commit", "recovery"] },
            """), "t.json").Adversary!;
        Assert.Equal((100.0, 2000.0, 500.0, true), (a.FromMs, a.UntilMs, a.Rate, a.WithKey));
        Assert.Equal([AdversaryAttack.Redirect, AdversaryAttack.ForgeTokenSeq], a.Attacks.AsEnumerable());
        Assert.Equal([CapturedPacketKind.Token, CapturedPacketKind.CommitToken], a.Kinds.AsEnumerable());
        Assert.Equal([MembershipState.Commit, MembershipState.Recovery], a.Phases.AsEnumerable());
    }

    [Fact]
    public void An_adversary_without_fields_strikes_a_hundred_times_a_second_all_run_long_with_every_copy_it_can_make_without_the_key()
    {
        var a = ScenarioReader.Parse(With("""{ "at": 3000, "stop": true }""", """ "adversary": {},"""), "t.json").Adversary!;
        Assert.Equal((0.0, 3000.0, 100.0, false), (a.FromMs, a.UntilMs, a.Rate, a.WithKey));
        Assert.Equal([AdversaryAttack.Replay, AdversaryAttack.Redirect, AdversaryAttack.ReplayFromAbsent], a.Attacks.AsEnumerable());
        Assert.Equal(Enum.GetValues<CapturedPacketKind>(), a.Kinds.AsEnumerable());
        Assert.Equal(Enum.GetValues<MembershipState>(), a.Phases.AsEnumerable());
        var withKey = ScenarioReader.Parse(With("""{ "at": 3000, "stop": true }""", """ "adversary": { "key": true },"""), "t.json").Adversary!;
        Assert.Equal(Enum.GetValues<AdversaryAttack>(), withKey.Attacks.AsEnumerable());
        Assert.Null(ScenarioReader.Parse(With("""{ "at": 3000, "stop": true }"""), "t.json").Adversary);
    }

    [Theory]
    [InlineData("""{ "attacks": ["forge_ring_number"] }""", "\"forge_ring_number\" forges packets, which needs \"key\": true")]
    [InlineData("""{ "attacks": ["replay", "flood"] }""", "adversary.attacks: unknown name \"flood\"")]
    [InlineData("""{ "packets": ["tokens"] }""", "adversary.packets: unknown name \"tokens\"")]
    [InlineData("""{ "phases": [] }""", "adversary.phases must be a non-empty list")]
    [InlineData("""{ "from_ms": 500, "until_ms": 100 }""", "adversary: from_ms 500 is after until_ms 100")]
    [InlineData("""{ "key": "yes" }""", "adversary.key must be true or false")]
    [InlineData("""{ "rate": -1 }""", "adversary.rate must be a number at least 0")]
    [InlineData("""{ "when": 3 }""", "adversary: unknown key \"when\"")]
    public void An_adversary_the_simulator_cannot_run_as_written_is_refused_naming_its_line(string adversary, string problem)
    {
        var e = Refused(With("""{ "at": 3000, "stop": true }""", $"""
             "adversary": {adversary},
            """));
        Assert.Equal(3, e.Line);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void A_crash_or_a_partition_may_wait_for_a_step_of_the_recovery_algorithm_within_a_time()
    {
        var s = ScenarioReader.Parse(With("""
            { "at": 10, "crash": "q", "when": "step5", "within_ms": 1500 },
            { "at": 20, "partition": [["p"]], "when": "step6" },
            { "at": 30, "heal": true },
            { "at": 40, "stop": true }
            """), "t.json");
        Assert.Equal(new StepTrigger(PaperStep.Step5, 1500), s.Steps[0].When);
        Assert.Equal(new StepTrigger(PaperStep.Step6, StepTrigger.DefaultWithinMs), s.Steps[1].When);
        Assert.Null(s.Steps[2].When);
    }

    [Theory]
    [InlineData("""{ "at": 10, "heal": true, "when": "step3" }""", "step 1 (at 10 ms): \"when\" goes with \"crash\" or \"partition\" only, not \"heal\"")]
    [InlineData("""{ "at": 10, "crash": "q", "when": "step7" }""", "step 1 (at 10 ms): when must be one of step2, step3, step4, step5, step6 (a step of the recovery algorithm), not \"step7\"")]
    [InlineData("""{ "at": 10, "crash": "q", "when": 5 }""", "step 1 (at 10 ms): when must be a string")]
    [InlineData("""{ "at": 10, "crash": "q", "within_ms": 100 }""", "step 1 (at 10 ms): \"within_ms\" goes with \"when\"")]
    [InlineData("""{ "at": 10, "crash": "q", "when": "step4", "within_ms": -1 }""", "step 1 (at 10 ms): within_ms must be a number at least 0")]
    public void A_step_that_waits_for_what_the_simulator_cannot_wait_for_is_refused_naming_its_line(string step, string problem)
    {
        var e = Refused(With($$"""{{step}}, { "at": 30, "stop": true }"""));
        Assert.Equal(5, e.Line);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Every_built_in_scenario_reads()
    {
        Assert.Equal(["burst", "cascade", "churn", "crash-recover", "figure6", "flapping", "full-load", "leave", "lossy", "one-way", "overload", "partition-merge", "steady"], BuiltInScenarios.Names);
        foreach (var name in BuiltInScenarios.Names) Assert.Equal(name, BuiltInScenarios.Get(name).Name);
    }
}
