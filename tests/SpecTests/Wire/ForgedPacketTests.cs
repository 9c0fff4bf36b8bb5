// Tests of the wire format (docs/WIRE.md, "Authentication"): why a cluster needs a key. A
// datagram claiming to come from a process, but sealed without the cluster's key, must not reach
// the node, so it cannot change the membership; in an open cluster the same datagram does.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Runtime.Wire;
using Xunit;

namespace SpecTests.Wire;

public class ForgedPacketTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), Intruder = new("p9");

    // p1 in an operational ring with p2; a join from a process outside it makes p1 leave that ring (gather, and here commit at once).
    private static TotemNode OperationalNode()
    {
        var node = new TotemNode(P1);
        node.Handle(new StartInRing(new RingId(1, P1), [P1, P2]));
        Assert.Equal(MembershipState.Operational, node.State);
        return node;
    }

    private static JoinMessage ForgedJoin => new(Intruder, new RingId(1, Intruder), Packets.Set(P1, P2, Intruder), Packets.Set(P2), HighestRingSequence: 1000);

    private static void Deliver(TotemNode node, WireFormat receiver, IEnumerable<byte[]> datagrams)
    {
        foreach (var datagram in datagrams)
            foreach (var packet in receiver.Decode(datagram))
                node.Handle(new PacketArrived(packet));
    }

    [Theory]
    [InlineData(WireSecurityMode.HmacSha256)]
    [InlineData(WireSecurityMode.Aes256Gcm)]
    public void A_join_sealed_without_the_key_is_dropped_before_the_node_and_the_membership_stays(WireSecurityMode mode)
    {
        var node = OperationalNode();
        using var receiver = Wires.Make(mode);
        using var noKey = Wires.Make(self: Intruder);
        using var wrongKey = Wires.Make(mode, Wires.OtherKey, self: Intruder);
        using var genuine = Wires.Make(mode);
        var forged = new List<byte[]>([.. noKey.Encode([ForgedJoin], to: null), .. wrongKey.Encode([ForgedJoin], to: null)]);
        // A genuine datagram's trailer on the forged content.
        var good = genuine.Encode([Packets.Detect()], to: null).Single();
        var bad = wrongKey.Encode([ForgedJoin], to: null).Single();
        int trailer = Authentication.TrailerLengthOf(mode);
        forged.Add([.. bad[..^trailer], .. good[^trailer..]]);

        Deliver(node, receiver, forged);

        Assert.Equal(MembershipState.Operational, node.State);
        Assert.Equal([P1, P2], node.Snapshot().Regular!.Configuration.Members.ToArray());
        Assert.Equal(forged.Count, receiver.Counters.Unauthenticated);
    }

    [Fact]
    public void The_same_join_sealed_with_the_key_does_change_the_membership()
    {
        var node = OperationalNode();
        using var receiver = Wires.Make(WireSecurityMode.HmacSha256);
        using var keyHolder = Wires.Make(WireSecurityMode.HmacSha256, self: Intruder);
        Deliver(node, receiver, keyHolder.Encode([ForgedJoin], to: null));
        Assert.NotEqual(MembershipState.Operational, node.State);
    }

    [Fact]
    public void In_an_open_cluster_anyone_can_send_the_join()
    {
        var node = OperationalNode();
        using var receiver = Wires.Make();
        using var anyone = Wires.Make(self: Intruder);
        Assert.True(receiver.IsOpen);
        Deliver(node, receiver, anyone.Encode([ForgedJoin], to: null));
        Assert.NotEqual(MembershipState.Operational, node.State);
    }
}
