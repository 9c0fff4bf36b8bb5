// The paper, Section 3.2, on Specification 7.1: "If such a process has acknowledged receipt of all
// of the rebroadcast messages, it is possible that some other process may have completed the
// recovery algorithm and installed the next regular configuration before the failure occurred.
// The other process may have delivered messages as safe in the transitional configuration, relying
// on the acknowledgment supplied by this process. The concept of obligation ensures that these
// messages are indeed delivered by all of the processes needed to satisfy the safe delivery
// requirement." So the member that installs first may rely only on acknowledgments of processes
// that have taken on the obligation (5.c): 5.b ends when every member has acknowledged having
// received all of the rebroadcast messages, knowing they are all.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Simulation;
using Xunit;

namespace SpecTests.Recovery;

public sealed class ObligationBeforeInstallTests
{
    [Fact]
    public void When_the_install_leader_installs_every_member_has_taken_on_the_obligation_and_delivers_after_a_gap_if_cut_off()
    {
        // {p,q,r,s}: s's safe message l is lost everywhere; then p's safe message n reaches only s.
        // s is cut off; p, q and r recover towards {p,q,r}, p rebroadcasts n, and p, the install
        // leader, installs and delivers n in the transitional configuration {p,q,r}.
        var net = new HandNetwork("p", "q", "r", "s");
        net.StartInRing();
        net.Input("s", new SendRequested("l"u8.ToArray(), DeliveryService.Safe));
        TokenTo(net, "q");
        TokenTo(net, "r");
        TokenTo(net, "s");
        net.Lose(f => f.Packet is RegularMessage { Originator.Name: "s" });
        net.Input("p", new SendRequested("n"u8.ToArray(), DeliveryService.Safe));
        TokenTo(net, "p");
        net.Lose(f => f.Packet is RegularMessage { Originator.Name: "p" } && f.To.Name != "s");
        net.CutOff("s");
        net.RunUntil(() => net.Waiting.Count == 0);
        foreach (var x in new[] { "p", "q", "r" }) net.Fire(x, TimerKind.TokenLoss);
        net.RunUntil(() => net.Waiting.Count == 0);
        foreach (var x in new[] { "p", "q", "r" }) net.Fire(x, TimerKind.Consensus);
        Assert.True(net.RunUntil(() => net["p"].State == MembershipState.Operational));

        var n = net.Application.Where(a => a.Process.Name == "p").Select(a => a.Output).OfType<MessageDelivered>().Single(d => d.Payload.SequenceEqual("n"u8.ToArray()));
        Assert.StartsWith("T", n.Configuration.Name);
        foreach (var member in new[] { "q", "r" })
            Assert.True(net[member].Snapshot().Obligations.Contains(new ProcessId("p")),
                $"{member} acknowledged n and p delivered it relying on that, but {member} is not obligated to p: {net[member].Snapshot().Obligations}");

        // p is cut off before q and r install: their next attempt, {q,r}, must still deliver n
        // after the gap of l, since p delivered it as safe in a configuration they are members of.
        net.CutOff("p");
        net.RunUntil(() => net.Waiting.Count == 0);
        foreach (var x in new[] { "q", "r" }) net.Fire(x, TimerKind.TokenLoss);
        net.RunUntil(() => net.Waiting.Count == 0);
        foreach (var x in new[] { "q", "r" }) net.Fire(x, TimerKind.Consensus);
        Assert.True(net.RunUntil(() => net["q"].State == MembershipState.Operational && net["r"].State == MembershipState.Operational));
        foreach (var member in new[] { "q", "r" })
            Assert.Contains(net.Application, a => a.Process.Name == member && a.Output is MessageDelivered d && d.Message == n.Message);
    }

    private static void TokenTo(HandNetwork net, string to)
    {
        for (int i = 0; i < net.Waiting.Count; i++)
            if (net.Waiting[i] is { Packet: Token } f && f.To.Name == to)
            {
                net.HandOn(i);
                return;
            }
        Assert.Fail($"no token is on its way to {to}");
    }
}
