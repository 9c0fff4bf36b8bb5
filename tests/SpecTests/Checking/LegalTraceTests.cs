// Every legal trace, the paper's Figure 6 among them, satisfies every specification.
using Evs.Reference.Checking;
using Xunit;

namespace SpecTests.Checking;

public class LegalTraceTests
{
    public static TheoryData<string> Legal => TraceFiles.Names("legal");

    [Theory]
    [MemberData(nameof(Legal))]
    public void A_legal_trace_satisfies_every_specification(string name)
    {
        var report = TraceFiles.Check("legal", name);
        Assert.True(report.AllPassed, report.ToString());
        Assert.Equal(SpecificationChecker.SpecNames, report.Verdicts.Select(v => v.Spec));
    }

    [Fact]
    public void The_figure_6_example_of_section_3_1_is_legal_with_n_delivered_in_the_transitional_configuration()
    {
        var trace = TraceFiles.Read("legal", "figure6-partition-and-merge.jsonl");
        var deliveriesOfN = trace.Events.OfType<Evs.Reference.Model.Deliver>().Where(d => d.Message.Name == "n").ToList();
        Assert.Equal(["q", "r"], deliveriesOfN.Select(d => d.Process.Name).Order());
        Assert.All(deliveriesOfN, d => Assert.Equal("T2.q/R1.p", d.Conf.Name));
        Assert.DoesNotContain(trace.Events.OfType<Evs.Reference.Model.Deliver>(), d => d.Message.Name is "l" or "m" && d.Process.Name != "p");
        Assert.True(SpecificationChecker.Check(trace).AllPassed);
    }

    [Fact]
    public void The_checker_names_all_eighteen_specifications_in_the_papers_order_then_the_models_two_rules()
    {
        Assert.Equal(
            ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3", "4", "5", "6.1", "6.2", "6.3", "7.1", "7.2", "PC.1", "PC.2", "M.1", "M.2"],
            SpecificationChecker.SpecNames);
    }
}
