// Stable storage as an output (etcd raft's Ready: the hard state is persisted before the messages
// that depend on it are sent). A step that changes what a process must not forget across a crash
// (Section 2: it "may recover ... with its stable storage intact") returns PersistState as its
// first output, so that a driver that carries out the outputs in order writes it before the ring
// identifier, message identifier or configuration that depends on it leaves the process.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Simulation;
using Evs.Reference.Storage;
using Xunit;

namespace SpecTests.Node;

public sealed class PersistStateTests
{
    private static readonly ProcessId P = new("p"), Q = new("q");

    [Fact]
    public void The_representative_saves_the_new_ring_s_sequence_number_before_its_commit_token_leaves()
    {
        var net = new HandNetwork("p", "q");
        var both = new HashSet<ProcessId> { P, Q };
        net.Input("p", new Start(both));
        net.Input("q", new Start(both));
        var committing = Deliver(net, until: outputs => outputs.Any(o => o is Unicast { Packet: CommitToken { Sender.Name: "p", Rotation: 1 } }));
        var commit = committing.OfType<Unicast>().Select(u => u.Packet).OfType<CommitToken>().First();
        var persist = Assert.IsType<PersistState>(committing[0]);
        Assert.True(persist.State.HighestRingSequence >= commit.Ring.Sequence);
        Assert.Single(committing.OfType<PersistState>());
    }

    [Fact]
    public void A_configuration_is_saved_as_the_last_one_before_it_is_delivered()
    {
        var net = new HandNetwork("p", "q");
        var outputs = net.Input("p", new StartInRing(new RingId(3, P), [P, Q]));
        var persist = Assert.IsType<PersistState>(outputs[0]);
        var delivered = outputs.OfType<ConfigurationDelivered>().Single();
        Assert.Equal(delivered.Configuration.Id, persist.State.LastConfiguration);
        Assert.Equal(3, persist.State.HighestRingSequence);
    }

    [Fact]
    public void Steps_that_change_nothing_to_keep_save_nothing()
    {
        var net = new HandNetwork("p", "q");
        net.StartInRing();
        var steps = new List<IReadOnlyList<NodeOutput>> { net.Input("p", new SendRequested([1], DeliveryService.Agreed)) };
        while (net.Application.Count(a => a.Output is MessageDelivered) < 2 && net.Waiting.Count > 0) steps.Add(net.HandOn(0).Outputs);
        Assert.Equal(2, net.Application.Count(a => a.Output is MessageDelivered));
        Assert.DoesNotContain(steps.SelectMany(outputs => outputs), o => o is PersistState);
    }

    [Fact]
    public void A_process_that_restarts_from_what_it_saved_never_reuses_a_ring_it_saw()
    {
        var node = new TotemNode(P);
        var saved = node.Handle(new StartInRing(new RingId(7, Q), [P, Q])).OfType<PersistState>().Single().State;

        var restarted = new TotemNode(P).Handle(new Restart(saved));
        var singleton = restarted.OfType<ConfigurationDelivered>().Single().Configuration;
        Assert.Equal([P], singleton.Members.ToArray());
        Assert.True(singleton.Id.Name == "R8.p", singleton.Id.Name);
        Assert.Equal(new StableState(8, singleton.Id, saved.Primary), Assert.IsType<PersistState>(restarted[0]).State);
    }

    [Fact]
    public void A_process_that_crashed_before_saving_anything_restarts_as_a_singleton_of_ring_one()
    {
        var restarted = new TotemNode(P).Handle(new Restart(null));
        Assert.Equal("R1.p", restarted.OfType<ConfigurationDelivered>().Single().Configuration.Id.Name);
    }

    // Hands packets on in order until a step's outputs satisfy until; returns those outputs.
    private static IReadOnlyList<NodeOutput> Deliver(HandNetwork net, Func<IReadOnlyList<NodeOutput>, bool> until)
    {
        while (net.Waiting.Count > 0)
        {
            var (_, outputs) = net.HandOn(0);
            if (until(outputs)) return outputs;
        }
        Assert.Fail("no step did it");
        return [];
    }
}
