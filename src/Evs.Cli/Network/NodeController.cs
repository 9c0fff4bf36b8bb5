// Carries out the requests of a node's operator (ControlRequest) on the running node, whichever
// door they came in by — the node's own prompt or its control socket — and answers each with a
// sentence (ControlReply). A bad request is answered, never thrown: the node keeps running and
// no message typed before or after it is lost. A node in a named group (evs node --group) sends
// what is typed to the group instead of the ring as a whole.
using System.Text;
using Evs.Reference.Model;
using Evs.Runtime;

namespace Evs.Cli.Network;

/// <summary>How a node stops: it leaves the group (a failure, traced), or its part in the run ends (nothing more traced).</summary>
internal enum NodeStop
{
    /// <summary>quit: the node fails, as far as the others and its trace are concerned.</summary>
    Leave,

    /// <summary>end: the run ends here for every node; the trace ends in the last configuration.</summary>
    EndOfRun,
}

/// <summary>
/// Executes requests on <paramref name="node"/>; <paramref name="stop"/> stops the whole node
/// session (for quit and end) and returns the final state. With <paramref name="group"/>, sends go
/// to that named group, and <paramref name="say"/> tells the node's operator (a line of text) of a
/// group send that was lost after it was queued.
/// </summary>
internal sealed class NodeController(EvsNode node, Func<NodeStop, Task<NodeStatus>> stop, NamedGroup? group = null, Action<string>? say = null)
{
    /// <summary>The node it controls.</summary>
    public EvsNode Node => node;

    /// <summary>The named group its sends go to, or null when they go to the ring.</summary>
    public NamedGroup? Group => group;

    /// <summary>Carries out <paramref name="request"/>; the reply says what was done, or why not.</summary>
    public async Task<ControlReply> ExecuteAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        switch (request)
        {
            case ControlRequest.Status:
                var report = NodeReport.Of(node, await node.GetStatusAsync(cancellationToken));
                return new ControlReply(true, report.OneLine(), report);
            case ControlRequest.Isolate:
                node.Isolate();
                return new ControlReply(true, $"{node.Id} is isolated: every datagram to and from anyone is dropped; {Waiting($"{node.Id} and the others notice")}");
            case ControlRequest.Block block:
                if (UnknownPeer(block) is { } refusal) return new ControlReply(false, refusal);
                node.Block(block.Direction, [.. block.Peers]);
                return new ControlReply(true, $"{node.Id} blocks {string.Join(", ", block.Peers)}{OneWay(block)}: now cut off from {Cuts()}; {Waiting("the two sides notice")}");
            case ControlRequest.Heal:
                node.Heal();
                return new ControlReply(true, $"{node.Id} is healed: every datagram passes");
            case ControlRequest.Send send:
                return await SendAsync(send, cancellationToken);
            case ControlRequest.Quit:
                var left = await stop(NodeStop.Leave);
                return new ControlReply(true, $"{node.Id} has stopped", NodeReport.Of(node, left));
            case ControlRequest.End:
                var ended = await stop(NodeStop.EndOfRun);
                return new ControlReply(true, $"{node.Id} has ended its run", NodeReport.Of(node, ended));
            case ControlRequest.Events:
                return new ControlReply(false, "events is a stream that only the control socket serves (evs ctl NODE events)");
            default:
                throw new ArgumentOutOfRangeException(nameof(request), request, "not a control request");
        }
    }

    // What a one-way block drops, in words; nothing for a block both ways.
    private string OneWay(ControlRequest.Block block)
    {
        var peers = string.Join(", ", block.Peers);
        var send = block.Peers.Length == 1 ? "sends" : "send";
        return block.Direction switch
        {
            TrafficDirection.In => $" in (what {peers} {send} {node.Id} is dropped; what {node.Id} sends {peers} passes)",
            TrafficDirection.Out => $" out (what {node.Id} sends {peers} is dropped; what {peers} {send} {node.Id} passes)",
            _ => "",
        };
    }

    // Every peer cut off, with its direction when it is one way only: "p3, p4 in".
    private string Cuts() => string.Join(", ", node.Host.Traffic.Blocked.Select(cut => TrafficDirectionNames.Cut(cut.Key, cut.Value)));

    // What the node and the ones cut off from it wait for before their configurations change.
    private string Waiting(string who) => MembershipWait.Sentence(who, node.Host.Options.Membership);

    /// <summary>The peers this node may block: those configured and those it has heard (multicast learns them).</summary>
    public IReadOnlyList<ProcessId> KnownPeers() =>
        [.. node.Host.Options.Peers.Keys.Concat(node.Host.Transport.Peers).Where(p => p != node.Id).Distinct().Order()];

    // Why the block cannot be done (itself, or a peer it does not know), or null.
    private string? UnknownPeer(ControlRequest.Block block)
    {
        if (block.Peers.Contains(node.Id)) return $"{node.Id} is this node; to cut it off from everyone, isolate it";
        var known = KnownPeers();
        var unknown = block.Peers.Where(p => !known.Contains(p)).ToList();
        if (unknown.Count == 0) return null;
        var knownText = known.Count == 0 ? "it knows no peer yet" : $"it knows {string.Join(", ", known)}";
        // "block p3 sideways" reads as two peers: say what a direction may be, in case one was meant.
        var direction = block.Peers.Length > 1 && unknown.Contains(block.Peers[^1]) ? " (a direction, after the peers, is in, out or both)" : "";
        return $"unknown peer {string.Join(", ", unknown)}: {knownText}; nothing was blocked{direction}";
    }

    private async Task<ControlReply> SendAsync(ControlRequest.Send send, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(send.Text);
        if (group is not null) return SendToGroup(group, send, payload);
        try
        {
            // Queued, not waited for: a line typed while the membership changes is answered at once.
            _ = await node.Host.SendAsync(payload, send.Service, cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return new ControlReply(false, $"not sent: {ex.Message}");
        }
        return new ControlReply(true, $"{node.Id} sends {payload.Length} bytes, {send.Service.ToName()}");
    }

    // Queued, not waited for, as a ring send: the group's send completes only once the ring has sent
    // it, which waits for a view change in progress. What is known at once (too large, the node
    // stopped) is the reply; a loss known later (the view changed under it, the node stopped first)
    // is said as a line when it is known.
    private ControlReply SendToGroup(NamedGroup to, ControlRequest.Send send, byte[] payload)
    {
        var sending = to.SendAsync(payload, send.Service, CancellationToken.None);
        if (sending.IsFaulted && sending.Exception.InnerException is { } refused)
            return new ControlReply(false, $"not sent: {refused.Message}");
        _ = ReportLossAsync(sending, to.Name, send.Text);
        return new ControlReply(true, $"{node.Id} sends {payload.Length} bytes, {send.Service.ToName()}, to group {to.Name}");
    }

    private async Task ReportLossAsync(Task<SendReceipt> sending, string groupName, string text)
    {
        try
        {
            await sending;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException) // MessageLostException is one
        {
            say?.Invoke($"lost: \"{text}\" to group {groupName} was not delivered: {ex.Message}");
        }
    }
}
