// The sans-IO contract (etcd raft's "network and disk IO are left to the user"): a node is a
// state machine. The simulator and the UDP runtime are two drivers of the same nodes.
using Evs.Reference.Model;

namespace Evs.Reference.Node;

/// <summary>
/// A protocol node: takes one input at a time and returns what to do. It touches no socket,
/// clock, thread or random source; given the same inputs it returns the same outputs.
/// </summary>
public interface IProtocolNode
{
    /// <summary>This node's process identifier.</summary>
    ProcessId Id { get; }

    /// <summary>Handles one input and returns the outputs, in the order they must take effect.</summary>
    IReadOnlyList<NodeOutput> Handle(NodeInput input);
}
