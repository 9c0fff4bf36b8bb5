// What a running node says about itself on `/status`, `evs ctl NODE status` and in `evs cluster`:
// the library's NodeStatus (ring, members, what is in flight) and the counters an operator needs
// to see why a partition happened or a peer is silent (datagrams, drops by reason, traffic cuts).
// A plain record, so that the control socket carries it as JSON and the cluster reads it back.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Runtime;
using ModelConfiguration = Evs.Reference.Model.Configuration;

namespace Evs.Cli.Network;

/// <summary>A node's state and counters, as one JSON object of the control protocol.</summary>
/// <param name="Id">The process.</param>
/// <param name="Running">False once it has stopped (the final state).</param>
/// <param name="State">Operational, Gather, Commit or Recovery.</param>
/// <param name="Configuration">The last regular configuration delivered, or null before the first.</param>
/// <param name="Members">Its members, sorted.</param>
/// <param name="Primary">Whether it is primary, when a primary component algorithm runs.</param>
/// <param name="RingSequence">The sequence number of the ring (<see cref="NodeStatus.Ring"/>), or null.</param>
/// <param name="RingRepresentative">The representative of that ring, or null.</param>
/// <param name="PendingSends">Messages of the application not sent yet.</param>
/// <param name="DeliveredUpTo">The ring's ordinals delivered here.</param>
/// <param name="HighestSeen">The ring's highest ordinal seen here.</param>
/// <param name="Delivered">Messages delivered here since the process started, in every configuration.</param>
/// <param name="DeliveredInConfiguration">Messages delivered here in <paramref name="Configuration"/>.</param>
/// <param name="Datagrams">The transport's counters.</param>
/// <param name="Dropped">Datagrams dropped, by reason.</param>
/// <param name="Isolated">Whether traffic to and from everyone is cut.</param>
/// <param name="Blocked">The peers cut off one by one, as block names them: <c>p3</c> (both ways), <c>p3 in</c> (what p3 sends is dropped), <c>p3 out</c> (what is sent to p3 is).</param>
/// <param name="TokenHolds">How often an idle token was held.</param>
/// <param name="Mismatched">The peers whose datagrams are dropped because they are configured differently (another key or security, cluster name or wire version), with counts (<see cref="PeerMismatches"/>); null from a node that does not report them.</param>
internal sealed record NodeReport(
    string Id,
    bool Running,
    string State,
    string? Configuration,
    ImmutableArray<string> Members,
    bool? Primary,
    long? RingSequence,
    string? RingRepresentative,
    int PendingSends,
    long DeliveredUpTo,
    long HighestSeen,
    long Delivered,
    long DeliveredInConfiguration,
    DatagramCounts Datagrams,
    DropCounts Dropped,
    bool Isolated,
    ImmutableArray<string> Blocked,
    long TokenHolds,
    IReadOnlyList<MismatchedPeer>? Mismatched = null)
{
    /// <summary>The report of <paramref name="node"/> in state <paramref name="status"/>, with its counters now.</summary>
    public static NodeReport Of(EvsNode node, NodeStatus status)
    {
        var host = node.Host;
        var transport = host.Transport.Counters;
        var wire = host.WireCounters;
        return new NodeReport(
            status.Id.Name,
            status.Running,
            status.State.ToString(),
            status.Configuration?.Id.Name,
            status.Configuration is { } c ? [.. c.Members.Select(m => m.Name)] : [],
            status.Configuration?.Primary,
            status.Ring?.Sequence,
            status.Ring?.Representative.Name,
            status.PendingSends,
            status.DeliveredUpTo,
            status.HighestSeen,
            status.Delivered,
            status.DeliveredInConfiguration,
            new DatagramCounts(transport.Sent, transport.Received, transport.SendErrors, transport.ReceiveErrors, transport.UnknownPeer),
            new DropCounts(host.Traffic.DroppedIn, host.Traffic.DroppedOut, transport.UnknownSource, transport.WrongSource, wire.Malformed, wire.Unauthenticated, wire.WrongVersion, wire.OtherCluster,
                wire.Replayed, wire.Stale, wire.Misaddressed, host.Senders.Refused,
                status.Drops?.OutOfBounds ?? 0, status.Drops?.Misaddressed ?? 0, status.Drops?.StaleJoins ?? 0, status.Drops?.DroppedRequests ?? 0),
            host.Traffic.IsIsolated,
            [.. host.Traffic.Blocked.Select(cut => TrafficDirectionNames.Cut(cut.Key, cut.Value))],
            status.Counters?.TokenHolds ?? 0,
            host.Mismatches.Peers);
    }

    /// <summary>The peers configured differently, with what was dropped of each: "p3: unauthenticated 12", or "none".</summary>
    public string MismatchedText =>
        Mismatched is not { Count: > 0 } peers ? "none" : string.Join("; ", peers.Select(p => $"{p.Peer}: " + string.Join(", ",
            new[] { ("unauthenticated", p.Unauthenticated), ("other cluster", p.OtherCluster), ("wrong version", p.WrongVersion) }.Where(c => c.Item2 > 0).Select(c => $"{c.Item1} {c.Item2}"))));

    /// <summary>The library's status again, for <see cref="NodeStatus.AllQuiescent"/> over processes that each run in an OS process of their own.</summary>
    /// <exception cref="FormatException">A field does not name a state, a process or a ring.</exception>
    public NodeStatus ToStatus()
    {
        if (!Enum.TryParse<MembershipState>(State, out var state)) throw new FormatException($"\"{State}\" is not a membership state");
        var configuration = Configuration is { } c
            ? new ModelConfiguration(new ConfigurationId(c), ConfigurationKind.Regular, [.. Members.Select(m => new ProcessId(m))], Primary: Primary)
            : null;
        RingId? ring = RingSequence is { } sequence && RingRepresentative is { } representative ? new RingId(sequence, new ProcessId(representative)) : null;
        return new NodeStatus(new ProcessId(Id), Running, state, configuration, ring, PendingSends, DeliveredUpTo, HighestSeen,
            Delivered: Delivered, DeliveredInConfiguration: DeliveredInConfiguration);
    }

    /// <summary>One line: state, configuration, traffic and drops.</summary>
    public string OneLine() =>
        $"{Id} {(Running ? "running" : "stopped")}, {State}, configuration {Configuration ?? "none"} [{string.Join(", ", Members)}]{PrimaryText}, "
        + $"{PendingSends} to send, delivered {Delivered} in all and {DeliveredInConfiguration} in this configuration, ordinals {DeliveredUpTo} of {HighestSeen} seen; datagrams sent {Datagrams.Sent}, received {Datagrams.Received}; "
        + $"dropped {Dropped}; cut {CutText}";

    /// <summary>" primary", " not primary", or nothing when no primary component algorithm runs.</summary>
    public string PrimaryText => Primary switch { true => " primary", false => " not primary", null => "" };

    /// <summary>What is cut: "isolated", "blocks p3, p4 in", or "nothing".</summary>
    public string CutText => Isolated ? "isolated" : Blocked.IsEmpty ? "nothing" : $"blocks {string.Join(", ", Blocked)}";
}

/// <summary>The transport's datagram counts (<see cref="TransportCounters"/>).</summary>
internal sealed record DatagramCounts(long Sent, long Received, long SendErrors, long ReceiveErrors, long UnknownPeer);

/// <summary>
/// Datagrams dropped, by reason: by a traffic cut (in, out), by the transport (from an address that
/// is no peer's; packets naming a sender whose address it is not), by the wire format
/// (<see cref="WireCounters"/>: malformed, unauthenticated, another version or cluster, a copy seen
/// before, too old, addressed to another process), by the host (packets of a process outside the
/// configuration, <see cref="SenderPolicy"/>) or by the node (packets no correct process sends:
/// <see cref="Evs.Reference.Node.PacketDrops"/>; retransmission requests taken off tokens are counted,
/// not refused). README.md says how to read each.
/// </summary>
internal sealed record DropCounts(
    long CutIn,
    long CutOut,
    long UnknownSource,
    long WrongSource,
    long Malformed,
    long Unauthenticated,
    long WrongVersion,
    long OtherCluster,
    long Replayed,
    long Stale,
    long Misaddressed,
    long UnknownSender,
    long OutOfBounds,
    long MisaddressedTokens,
    long StaleJoins,
    long DroppedRequests)
{
    /// <summary>Dropped on arrival because of what they are, not because of a cut.</summary>
    public long Refused => UnknownSource + WrongSource + Malformed + Unauthenticated + WrongVersion + OtherCluster + Replayed + Stale + Misaddressed + UnknownSender
        + OutOfBounds + MisaddressedTokens + StaleJoins;

    /// <inheritdoc/>
    public override string ToString() =>
        $"cut in {CutIn}, cut out {CutOut}, unknown source {UnknownSource}, wrong source {WrongSource}, malformed {Malformed}, unauthenticated {Unauthenticated}, "
        + $"wrong version {WrongVersion}, other cluster {OtherCluster}, replayed {Replayed}, stale {Stale}, misaddressed {Misaddressed}, unknown sender {UnknownSender}, "
        + $"out of bounds {OutOfBounds}, misaddressed tokens {MisaddressedTokens}, stale joins {StaleJoins}, dropped requests {DroppedRequests}";
}
