// The sans-IO contract (etcd raft's "network and disk IO are left to the user"): a node is a
// state machine. The simulator and the UDP runtime are two drivers of the same nodes, and the
// notebooks drive them by hand; all of them see a node only through this interface.
using Evs.Reference.Membership;
using Evs.Reference.Model;

namespace Evs.Reference.Node;

/// <summary>
/// A protocol node: takes one input at a time and returns what to do. It touches no socket,
/// clock, thread, file or random source; given the same inputs it returns the same outputs.
/// </summary>
public interface IProtocolNode
{
    /// <summary>This node's process identifier.</summary>
    ProcessId Id { get; }

    /// <summary>Where the node is in Totem's membership algorithm (cheap to read: no snapshot is taken).</summary>
    MembershipState State { get; }

    /// <summary>Handles one input and returns the outputs, in the order they must take effect.</summary>
    IReadOnlyList<NodeOutput> Handle(NodeInput input);

    /// <summary>What the node is doing now, read without changing it.</summary>
    NodeSnapshot Snapshot();

    /// <summary>The part of <see cref="Snapshot"/> cheap enough to read at every step.</summary>
    NodeProgress Progress();

    /// <summary>
    /// What the node dropped because no correct process sends it (<see cref="NodeSnapshot.Drops"/>),
    /// cheap enough to read after every packet: a driver tells its operator of a new kind of drop at once.
    /// </summary>
    PacketDrops Drops();
}
