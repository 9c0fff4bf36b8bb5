// The paper, Section 2: "A process may fail and may subsequently recover after an arbitrary amount
// of time with its stable storage intact ... When a process recovers, it has the same identifier as
// before the failure." A sans-IO node has no crash of its own: a crash is its driver throwing its
// volatile state away. HandNetwork holds one node per process for good, so a transcript hands it
// this stand-in, which can lose its TotemNode (crash) and start a new one (restart) under the same
// identifier; what the new one restarts from is what HandNetwork.Stored kept of the old one. A
// process that is not running (not started yet, or down) takes no packet and no timer: HandNetwork
// broadcasts to every process it holds, and a TotemNode handed a packet before its start has no
// state to take it in.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace SpecTests.Transcripts;

/// <summary>One process, as its successive incarnations: a TotemNode, or nothing while it is down.</summary>
public sealed class CrashableNode(ProcessId id, Func<TotemNode> incarnation) : IProtocolNode
{
    private TotemNode _node = incarnation();

    /// <inheritdoc/>
    public ProcessId Id { get; } = id;

    /// <summary>Whether the process runs: it has been started (or restarted) and has not crashed since.</summary>
    public bool Running { get; private set; }

    /// <summary>Whether the process has crashed and not restarted.</summary>
    public bool Down { get; private set; }

    /// <inheritdoc/>
    public MembershipState State => _node.State;

    /// <inheritdoc/>
    /// <remarks>
    /// A process that does not run takes no input but the one that starts it: a packet sent to it
    /// is lost, its timers are dead, its application sends nothing.
    /// </remarks>
    public IReadOnlyList<NodeOutput> Handle(NodeInput input)
    {
        if (input is Start or StartInRing or Restart) Running = true;
        return Running ? _node.Handle(input) : [];
    }

    /// <inheritdoc/>
    public NodeSnapshot Snapshot() => _node.Snapshot();

    /// <inheritdoc/>
    public NodeProgress Progress() => _node.Progress();

    /// <inheritdoc/>
    public PacketDrops Drops() => _node.Drops();

    /// <summary>fail_p: everything but stable storage is lost.</summary>
    public void Crash()
    {
        Running = false;
        Down = true;
    }

    /// <summary>A new incarnation, not running until the driver hands it <see cref="Evs.Reference.Node.Restart"/>.</summary>
    public void Revive()
    {
        _node = incarnation();
        Down = false;
    }
}
