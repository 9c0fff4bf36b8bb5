// docs/SCENARIOS.md, "links": directed faults on top of the components. A cut loses every packet
// one way and none the other way; a lossy fault loses about its share one way; a links step
// replaces the faults before it, and heal and stop clear them.
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using Xunit;

namespace SpecTests.Simulation;

public class LinksTests
{
    private static readonly ProcessId P = new("p"), Q = new("q"), R = new("r");

    private static NetworkModel Network() => new(new DeterministicRandom(17), NetworkConditions.Default, [P, Q, R]);

    private static int Arrived(NetworkModel network, ProcessId from, ProcessId to, int packets) =>
        Enumerable.Range(0, packets).Count(_ => network.Transmit(from, to, out long _, out long _) > 0);

    [Fact]
    public void A_one_way_cut_loses_every_packet_that_way_and_none_the_other_way()
    {
        var network = Network();
        network.Links = [new LinkFault([P], [Q, R], 1.0)];
        Assert.Equal(0, Arrived(network, P, Q, 100));
        Assert.Equal(0, Arrived(network, P, R, 100));
        Assert.Equal(100, Arrived(network, Q, P, 100));
        Assert.Equal(100, Arrived(network, Q, R, 100));
        Assert.False(network.Connected(P, Q));
        Assert.True(network.Connected(Q, P));
        Assert.True(network.Connected(P, P));
    }

    [Fact]
    public void A_lossy_fault_loses_about_its_share_of_the_packets_one_way_only()
    {
        var network = Network();
        network.Links = [new LinkFault([P], [Q], 0.25)];
        Assert.InRange(Arrived(network, P, Q, 4000), 2850, 3150);
        Assert.Equal(4000, Arrived(network, Q, P, 4000));
        Assert.True(network.Connected(P, Q));
    }

    [Fact]
    public void A_links_step_replaces_the_faults_before_it_and_heal_clears_them()
    {
        var network = Network();
        network.Links = [new LinkFault([P], [Q], 1.0)];
        network.Links = [new LinkFault([Q], [R], 1.0)];
        Assert.Equal(10, Arrived(network, P, Q, 10));
        Assert.Equal(0, Arrived(network, Q, R, 10));
        network.Heal();
        Assert.Equal(10, Arrived(network, Q, R, 10));
    }

    [Fact]
    public void In_a_run_a_one_way_cut_leaves_the_process_nobody_hears_alone_and_the_stop_mends_it()
    {
        var scenario = ScenarioReader.Parse("""
            {
              "processes": ["p", "q", "r"],
              "traffic": { "rate": 20, "size": 16 },
              "steps": [
                { "at": 1000, "links": [{ "from": ["p"], "to": ["q", "r"], "loss": 1.0 }] },
                { "at": 4000, "stop": true }
              ]
            }
            """, "cut.json");
        var result = Simulator.Run(scenario, new SimulationOptions(3));
        Assert.True(result.Summary.Quiescent);
        var regular = result.Trace.Events.OfType<DeliverConf>().Where(c => c.Kind == ConfigurationKind.Regular).ToList();
        bool Installed(ProcessId p, params ProcessId[] members) =>
            regular.Any(c => c.Process == p && c.Time is > 1000 and < 4000 && c.Members.SequenceEqual(members));
        Assert.True(Installed(P, P), "p alone while nobody hears it");
        Assert.True(Installed(Q, Q, R) && Installed(R, Q, R), "q and r without p");
        Assert.All(regular.GroupBy(c => c.Process), installs => Assert.Equal<ProcessId>([P, Q, R], installs.Last().Members));
    }
}
