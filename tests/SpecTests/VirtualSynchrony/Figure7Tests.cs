// The paper, Figure 7 ("Virtual Synchrony and Extended Virtual Synchrony") on the Figure 6 run:
// what the filter makes of {p,q,r} splitting, q and r merging with {s,t}, and p coming back. The
// transitional configuration {q,r} is masked and its message n delivered in the view before it
// (Rule 1); p, alone and not primary, stops (Rule 2); s and t are merged one at a time, s first
// (Rule 3); p is merged back under a new identifier, p~1 (Rule 4).
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using Evs.Reference.VirtualSynchrony;
using Xunit;

namespace SpecTests.VirtualSynchrony;

public class Figure7Tests
{
    private static SimulationResult Run(string primary, long seed = 718) =>
        Simulator.Run(BuiltInScenarios.Get("figure6"), new SimulationOptions(seed, Primary: primary, VirtualSynchrony: true));

    private static IReadOnlyList<string> ViewsOf(VsTrace trace, string process) =>
        trace.Events.OfType<ViewChange>().Where(v => v.Process == process).Select(v => $"{{{string.Join(",", v.Members)}}}").ToList();

    [Theory]
    [InlineData("majority")]
    [InlineData("dynamic-linear-voting")]
    public void Q_sees_pqr_then_qr_then_s_merged_then_t_merged_then_p_back_as_p_1(string primary)
    {
        var vs = Run(primary).VirtualSynchrony!;
        // The final merge only adds p~1: nobody left {q,r,s,t}, so no view repeats it first (Rule 3).
        Assert.Equal(["{p,q,r}", "{q,r}", "{q,r,s}", "{q,r,s,t}", "{p~1,q,r,s,t}"], ViewsOf(vs, "q"));
        Assert.Equal(["{q,r,s}", "{q,r,s,t}", "{p~1,q,r,s,t}"], ViewsOf(vs, "s"));
        Assert.Equal(["{p,q,r}"], ViewsOf(vs, "p"));
        Assert.IsType<Stop>(vs.Events.Where(e => e.Process == "p").MaxBy(e => e.Index));
        Assert.Equal(["{p~1,q,r,s,t}"], ViewsOf(vs, "p~1"));
        Assert.True(VirtualSynchronyChecker.Check(vs).AllPassed, VirtualSynchronyChecker.Check(vs).ToString());
    }

    [Fact]
    public void A_message_delivered_in_the_transitional_configuration_qr_is_delivered_in_the_view_pqr()
    {
        // With seed 25 q delivers two messages in its transitional configuration {q,r}.
        var result = Run("majority", seed: 25);
        var events = result.Trace.Events;
        var n = events.OfType<Deliver>().First(d => d.Process.Name == "q" && d.Conf.Name.StartsWith('T')).Message;
        var q = result.VirtualSynchrony!.Events.Where(e => e.Process == "q").OrderBy(e => e.Index).ToList();
        int delivery = q.FindIndex(e => e is VsDeliver d && d.Message == n);
        var viewBefore = q.Take(delivery).OfType<ViewChange>().Last();
        Assert.Equal(["p", "q", "r"], viewBefore.Members.ToArray());
    }

    [Fact]
    public void P_alone_is_blocked_and_its_sends_are_refused() =>
        Assert.True(Run("majority").Summary.SendsRefusedByFilter > 0);
}
