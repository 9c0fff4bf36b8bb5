// The rules of the model that Section 2 states before the numbered specifications (M.1: recovery
// in a singleton regular configuration; M.2: a transitional configuration between its reg and the
// next regular configuration), each clause on a short trace written here, with the events that
// witness it. The illegal trace files named after M.1 and M.2 are judged in IllegalTraceTests.
using Evs.Reference.Checking;
using Evs.Reference.Tracing;
using Xunit;

namespace SpecTests.Checking;

public class ModelRuleTests
{
    private const string Header = """{"e":"run","format":"evs-trace/1","source":"hand","scenario":"model-rule","quiescent":false}""";

    // The first configurations of p and q: both in R1.p.
    private const string BothInR1 =
        """
        {"p":"p","i":0,"t":1.0,"e":"deliver_conf","c":"R1.p","kind":"regular","members":["p","q"]}
        {"p":"q","i":0,"t":1.0,"e":"deliver_conf","c":"R1.p","kind":"regular","members":["p","q"]}
        """;

    private static CheckReport Check(params string[] lines) =>
        SpecificationChecker.Check(TraceReader.ReadText(string.Join("\n", [Header, .. lines]) + "\n", "model-rule.jsonl"));

    private static IEnumerable<string> Witnesses(CheckReport report, string spec)
    {
        Assert.False(report[spec].Passed, $"{spec} should fail:\n{report}");
        return TraceFiles.Witnesses(report, spec);
    }

    [Fact]
    public void M_1_is_violated_when_a_process_recovers_straight_into_a_configuration_with_another_member()
    {
        var report = TraceFiles.Check("illegal", "spec-M.1-recovers-into-a-configuration-with-another-member.jsonl");
        Assert.Equal(["p#1", "p#2"], Witnesses(report, "M.1"));
        Assert.Contains("p fails in R1.p and recovers in regular R3.p with members {p, q}", report["M.1"].Violation!.Message);
    }

    [Fact]
    public void M_1_is_violated_when_a_process_recovers_in_a_transitional_configuration_of_itself_alone()
    {
        var report = Check(
            BothInR1,
            """{"p":"p","i":1,"t":2.0,"e":"fail","c":"R1.p"}""",
            """{"p":"p","i":2,"t":3.0,"e":"deliver_conf","c":"T2.p/R1.p","kind":"transitional","reg":"R1.p","members":["p"]}""");
        Assert.Equal(["p#1", "p#2"], Witnesses(report, "M.1"));
        Assert.True(report["M.2"].Passed, "what a process installs after failing is M.1's alone");
    }

    [Fact]
    public void M_1_holds_when_the_fail_is_written_at_restart_just_before_the_singleton_configuration_as_a_real_node_writes_it()
    {
        // A node killed without warning writes its fail line when it comes back (docs/TRACE.md),
        // with the next index and the restart's time, right before its singleton configuration.
        var report = Check(
            BothInR1,
            """{"p":"p","i":1,"t":9000.0,"e":"fail","c":"R1.p"}""",
            """{"p":"p","i":2,"t":9000.0,"e":"deliver_conf","c":"R5.p","kind":"regular","members":["p"]}""",
            """{"p":"p","i":3,"t":9100.0,"e":"deliver_conf","c":"T6.q/R5.p","kind":"transitional","reg":"R5.p","members":["p"]}""",
            """{"p":"p","i":4,"t":9100.0,"e":"deliver_conf","c":"R6.q","kind":"regular","members":["p","q"]}""");
        Assert.True(report["M.1"].Passed, report.ToString());
        Assert.True(report["M.2"].Passed, report.ToString());
    }

    [Fact]
    public void M_2_is_violated_when_a_process_installs_two_transitional_configurations_in_a_row()
    {
        var report = TraceFiles.Check("illegal", "spec-M.2-two-transitional-configurations-in-a-row.jsonl");
        Assert.Equal(["q#1", "q#2"], Witnesses(report, "M.2"));
    }

    [Fact]
    public void M_2_is_violated_when_a_process_installs_a_transitional_configuration_first()
    {
        var report = Check("""{"p":"p","i":0,"t":1.0,"e":"deliver_conf","c":"T2.p/R1.p","kind":"transitional","reg":"R1.p","members":["p"]}""");
        Assert.Equal(["p#0"], Witnesses(report, "M.2"));
    }

    [Fact]
    public void M_2_is_violated_when_a_transitional_configuration_names_a_reg_other_than_the_regular_configuration_before_it()
    {
        var report = Check(
            BothInR1,
            """{"p":"p","i":1,"t":2.0,"e":"deliver_conf","c":"T2.p/R0.p","kind":"transitional","reg":"R0.p","members":["p"]}""");
        Assert.Equal(["p#0", "p#1"], Witnesses(report, "M.2"));
    }

    [Fact]
    public void M_2_is_violated_when_a_transitional_configuration_has_a_member_outside_its_reg()
    {
        var report = Check(
            BothInR1,
            """{"p":"p","i":1,"t":2.0,"e":"deliver_conf","c":"T2.p/R1.p","kind":"transitional","reg":"R1.p","members":["p","r"]}""");
        Assert.Equal(["p#0", "p#1"], Witnesses(report, "M.2"));
        Assert.Contains("member r, who is not a member of its reg R1.p", report["M.2"].Violation!.Message);
    }

    [Fact]
    public void M_2_is_violated_when_the_next_regular_configuration_lacks_a_member_of_the_transitional_one()
    {
        var report = Check(
            BothInR1,
            """{"p":"p","i":1,"t":2.0,"e":"deliver_conf","c":"T2.p/R1.p","kind":"transitional","reg":"R1.p","members":["p","q"]}""",
            """{"p":"p","i":2,"t":3.0,"e":"deliver_conf","c":"R2.p","kind":"regular","members":["p"]}""");
        Assert.Equal(["p#1", "p#2"], Witnesses(report, "M.2"));
    }

    [Fact]
    public void M_2_holds_on_a_trace_cut_between_a_transitional_configuration_and_the_next_regular_one()
    {
        var report = Check(
            BothInR1,
            """{"p":"p","i":1,"t":2.0,"e":"deliver_conf","c":"T2.p/R1.p","kind":"transitional","reg":"R1.p","members":["p"]}""");
        Assert.True(report["M.2"].Passed, report.ToString());
    }
}
