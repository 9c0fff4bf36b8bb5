// The paper, Section 3.1 and Figure 6: "a regular configuration containing processes p, q and r
// partitions and p becomes isolated while q and r merge into a regular configuration with
// processes s and t. Processes q and r deliver two configuration change messages, one to shift
// from the old regular configuration {p, q, r} to the transitional configuration {q, r} and the
// other to shift from the transitional configuration {q, r} to the new regular configuration
// {q, r, s, t}."
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using Xunit;

namespace SpecTests.Simulation;

public class Figure6Tests
{
    private static IReadOnlyList<string> ChangesOf(IReadOnlyList<EvsEvent> events, string process) =>
        events.OfType<DeliverConf>().Where(c => c.Process.Name == process)
            .Select(c => $"{(c.Kind == ConfigurationKind.Regular ? "regular" : "transitional")} {{{string.Join(",", c.Members)}}}").ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(718)]
    public void Q_and_r_go_from_pqr_through_qr_to_qrst(long seed)
    {
        var result = Simulator.Run(BuiltInScenarios.Get("figure6"), new SimulationOptions(seed));
        foreach (var process in new[] { "q", "r" })
            Assert.Equal(["regular {p,q,r}", "transitional {q,r}", "regular {q,r,s,t}"], ChangesOf(result.Trace.Events, process).Take(3));
        Assert.Equal(["regular {p,q,r}", "transitional {p}", "regular {p}"], ChangesOf(result.Trace.Events, "p").Take(3));
        Assert.True(SpecificationChecker.Check(result.Trace).AllPassed);
    }

    [Fact]
    public void With_seed_718_r_safe_message_n_is_delivered_in_the_transitional_configuration_and_p_message_l_only_by_p()
    {
        // "If process r sends message n for safe delivery but does not receive an acknowledgment
        // for n from both p and q before a configuration change occurs, then r cannot deliver n in
        // the regular configuration {p, q, r}. If, however, r receives an acknowledgment for n
        // from q, then r can deliver n in the transitional configuration {q, r}."
        var events = Simulator.Run(BuiltInScenarios.Get("figure6"), new SimulationOptions(718)).Trace.Events;
        var transitionalQr = events.OfType<DeliverConf>().First(c => c.Process.Name == "q" && c.Kind == ConfigurationKind.Transitional).Conf;
        var n = events.OfType<Send>().Last(s => s.Process.Name == "r" && s.Service == DeliveryService.Safe && s.Time < 1500).Message;
        Assert.Equal(["q", "r"], events.OfType<Deliver>().Where(d => d.Message == n).Select(d => d.Process.Name).Order());
        Assert.All(events.OfType<Deliver>().Where(d => d.Message == n), d => Assert.Equal(transitionalQr, d.Conf));
        var l = events.OfType<Send>().Last(s => s.Process.Name == "p" && s.Time < 1500).Message;
        Assert.Equal(["p"], events.OfType<Deliver>().Where(d => d.Message == l).Select(d => d.Process.Name));
    }
}
