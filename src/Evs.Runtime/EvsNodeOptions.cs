// The real network (the library API): everything a process needs to know to run, with defaults
// that work for a handful of processes on one laptop and the protocol's real-network timeouts
// (Corosync's), so that a prototyper sets an identifier, a port and the peers, and nothing else.
using System.Collections.Immutable;
using System.Net;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;
using Evs.Runtime.Wire;

namespace Evs.Runtime;

/// <summary>
/// How to run one process (<see cref="EvsNode.StartAsync"/>, <see cref="NodeHost"/>).
/// <para>
/// Network: by default UDP unicast to <see cref="Peers"/> (Corosync's udpu); with
/// <see cref="Multicast"/>, IP multicast to a group. This process's own address is
/// <see cref="Bind"/>, or its own entry in <see cref="Peers"/> (so every process can be given the
/// same list), or 127.0.0.1:<see cref="DefaultPort"/>.
/// </para>
/// <para>
/// Protocol: <see cref="Timeouts"/> default to Corosync's real-network timeouts (token loss 3 s,
/// consensus 3.6 s, token retransmission 714 ms): a failure is noticed in seconds, and a busy host
/// is not taken for a failed one. Set <see cref="Timeouts.TokenLoss"/> alone to scale them all.
/// </para>
/// </summary>
public sealed record EvsNodeOptions
{
    /// <summary>Corosync's port.</summary>
    public const int DefaultPort = 5405;

    /// <summary>The default of <see cref="MaxMessageBytes"/>: 64 KiB.</summary>
    public const int DefaultMaxMessageBytes = 64 * 1024;

    /// <summary>The largest <see cref="MaxMessageBytes"/>: half of <see cref="WireOptions.DefaultMaxPacketSize"/>, room for a message and the packet around it.</summary>
    public const int MaxMessageLimit = WireOptions.DefaultMaxPacketSize / 2;

    /// <summary>This process's identifier: letters, digits, '-' and '_'; the same after a restart.</summary>
    public required ProcessId Id { get; init; }

    /// <summary>The address to bind to (port 0: any free port); null for this process's entry in <see cref="Peers"/>, or 127.0.0.1:<see cref="DefaultPort"/>.</summary>
    public IPEndPoint? Bind { get; init; }

    /// <summary>The other processes' addresses (an entry for this process is its own address).</summary>
    public IReadOnlyDictionary<ProcessId, IPEndPoint> Peers { get; init; } = ImmutableDictionary<ProcessId, IPEndPoint>.Empty;

    /// <summary>Broadcast over this multicast group instead of one datagram per peer; null for unicast.</summary>
    public MulticastGroup? Multicast { get; init; }

    /// <summary>
    /// With <see cref="Multicast"/>: the membership policy, the only processes whose packets this
    /// one accepts (itself and every configured peer among them); null for any process that holds
    /// the cluster's key. Without multicast it must be null: the peer list is the membership
    /// (<see cref="AcceptedSenders"/>).
    /// </summary>
    public IReadOnlySet<ProcessId>? Members { get; init; }

    /// <summary>Where stable storage lives; null for <c>evs-store/&lt;id&gt;</c> in the current directory.</summary>
    public string? StoreDirectory { get; init; }

    /// <summary>
    /// Whether a process whose stable state is lost may start as new. Off by default: a store whose
    /// state file is missing where one was saved (<see cref="Storage.FileStableStorage.MarkerFileName"/>),
    /// or an empty store beside a trace with this process's events, is refused, because a process
    /// that starts as new uses its first ring identifiers again. On, it starts as new: safe only if
    /// no other process will ever see its old identity again; otherwise give it a new <see cref="Id"/>.
    /// Nothing changes for a process whose state is there.
    /// </summary>
    public bool NewIdentity { get; init; }

    /// <summary>The trace file (docs/TRACE.md) to append to; null for none.</summary>
    public string? TracePath { get; init; }

    /// <summary>
    /// Whether the trace carries each message's text (docs/TRACE.md, <c>text</c>) when its payload
    /// is a line of UTF-8 text, so that a demo's picture shows what was typed. Off by default: a
    /// trace then holds no application data, only digests.
    /// </summary>
    public bool TraceText { get; init; }

    /// <summary>A file holding the cluster's shared key (<see cref="Wire.KeyFile"/>): datagrams are then protected by <see cref="Security"/>. Null: an open cluster.</summary>
    public string? KeyFile { get; init; }

    /// <summary>
    /// Whether a <see cref="KeyFile"/> that its group or others may read or write is used anyway, with
    /// a warning in the log, instead of refused (<see cref="Wire.KeyFile.Read"/>): for a file system
    /// without Unix modes, where no chmod can make it private. Off by default.
    /// </summary>
    public bool InsecureKeyFile { get; init; }

    /// <summary>How datagrams are protected when there is a <see cref="KeyFile"/>: encrypted and authenticated by default.</summary>
    public WireSecurityMode Security { get; init; } = WireSecurityMode.Aes256Gcm;

    /// <summary>The largest datagram sent (<see cref="WireOptions.MaxDatagramSize"/>).</summary>
    internal int MaxDatagramBytes { get; init; } = WireOptions.DefaultMaxDatagramSize;

    /// <summary>
    /// Which directions move many datagrams per system call (sendmmsg, recvmmsg) where the platform
    /// allows it (64-bit Linux): both by default; <see cref="SystemCallBatching.None"/> is the
    /// portable path, one call per datagram.
    /// </summary>
    internal SystemCallBatching Batching { get; init; } = SystemCallBatching.Both;

    /// <summary>The cluster's name: datagrams of another cluster are dropped.</summary>
    public string ClusterName { get; init; } = "evs";

    /// <summary>The largest message <see cref="EvsNode.SendAsync"/> accepts, in bytes.</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>How many messages may wait to be sent before <see cref="EvsNode.SendAsync"/> waits too.</summary>
    public int MaxPendingSends { get; init; } = 1024;

    /// <summary>
    /// Whether the stable storage is flushed to the disk at every save (it then survives a power
    /// loss) or only handed to the kernel (it survives a crash of the process, kill -9, as the
    /// trace file does). Off by default: a save waits for the disk once per member in every
    /// membership change (about 100 ms in all at 5 nodes on a virtual disk; benchmarks/corosync/RESULTS.md).
    /// </summary>
    public bool SyncStableStorage { get; init; }

    /// <summary>The protocol's timeouts: set <see cref="Timeouts.TokenLoss"/>, and the rest follow in Corosync's proportions.</summary>
    public Timeouts Timeouts { get; init; } = new();

    /// <summary>The membership algorithm's settings: by default those <see cref="Timeouts"/> make; the evs command and tests set them whole.</summary>
    internal MembershipSettings Membership
    {
        get => field ?? Timeouts.Membership();
        init;
    }

    /// <summary>The ordering protocol's settings: by default those <see cref="Timeouts"/> make; the evs command and tests set them whole.</summary>
    internal TotemSettings Totem
    {
        get => field ?? Timeouts.Totem();
        init;
    }

    /// <summary>
    /// How long the representative holds an idle token (the protocol's <see cref="TokenHold"/>); null
    /// for <see cref="Totem"/>'s (by default Corosync's <c>hold</c>, 180 ms, but at most a quarter of
    /// the token retransmission timeout); 0 never holds. A sender asks for a held token at once, so the hold costs a message no wait;
    /// and a longer hold costs an idle ring less CPU.
    /// </summary>
    internal double? IdleTokenHoldMs { get; init; }

    /// <summary>The primary component algorithm by name (<see cref="PrimaryComponentAlgorithms.Names"/>), over this process and its <see cref="Peers"/>; null for none.</summary>
    public string? PrimaryComponent { get; init; }

    /// <summary>
    /// Whether the application sits behind the virtual synchrony filter (the paper's Section 5), as
    /// in the simulator: <see cref="EvsNode.Events"/> and <see cref="EvsNode.OnEvent"/> give views of
    /// the primary component and deliveries in them (<see cref="ViewInstalledEvent"/>,
    /// <see cref="MessageDeliveredInViewEvent"/>) instead of configurations and deliveries, a merge is
    /// split into one view per process that joins, a process that leaves the primary component comes
    /// back under a new identifier (<c>p3~1</c>), and <see cref="EvsNode.SendAsync"/> refuses to send
    /// outside the primary component (<see cref="SendsBlockedException"/>; <see cref="SendsBlockedEvent"/>
    /// and <see cref="SendsUnblockedEvent"/> tell when). Needs a <see cref="PrimaryComponent"/> algorithm. Off by default.
    /// </summary>
    public bool VirtualSynchrony { get; init; }

    /// <summary>
    /// With <see cref="VirtualSynchrony"/>: the virtual synchrony trace file (docs/VS-TRACE.md) to
    /// append the filtered history to, across restarts (<see cref="VsNodeTrace"/>); <c>evs check --vs</c> reads it. Null for none.
    /// </summary>
    public string? VsTracePath { get; init; }

    /// <summary>
    /// Whether the process compiles the code of membership changes in the background when its first
    /// node starts, so that the first partition or crash is handled as fast as the next
    /// (<see cref="MembershipWarmUp"/>); on by default.
    /// </summary>
    internal bool WarmUpMembership { get; init; } = true;

    /// <summary>The clock of the timers and the trace; the system's unless a test gives another.</summary>
    internal TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The address this process binds to, after the defaults.</summary>
    internal IPEndPoint BindEndPoint => Bind ?? (Peers.TryGetValue(Id, out var own) ? own : new IPEndPoint(IPAddress.Loopback, DefaultPort));

    /// <summary>The stable storage directory, after the default.</summary>
    internal string Store => StoreDirectory ?? Path.Combine("evs-store", Id.Name);

    /// <summary>The idle token hold in milliseconds, after the default.</summary>
    internal double IdleTokenHold => IdleTokenHoldMs ?? Totem.IdleTokenHold;

    /// <summary>Every process this one may ever form a ring with, as far as the configuration says: itself and its peers.</summary>
    internal IEnumerable<ProcessId> Universe => Peers.Keys.Append(Id).Distinct().Order();

    /// <summary>
    /// The processes whose packets this one accepts: over unicast, the <see cref="Universe"/> (no
    /// other can be sent to anyway); over multicast, the <see cref="Members"/>, or null for any.
    /// </summary>
    internal IReadOnlySet<ProcessId>? AcceptedSenders => Multicast is null ? Universe.ToHashSet() : Members;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    internal void Validate()
    {
        if (!IsIdentifier(Id)) throw new ArgumentException($"\"{Id.Name}\" is not a process identifier ({IdentifierRule})", nameof(Id));
        foreach (var peer in Peers.Keys)
            if (!IsIdentifier(peer)) throw new ArgumentException($"peer \"{peer.Name}\" is not a process identifier ({IdentifierRule})", nameof(Peers));
        ValidateMembers();
        if (string.IsNullOrEmpty(ClusterName)) throw new ArgumentException("the cluster needs a name", nameof(ClusterName));
        if (MaxMessageBytes is <= 0 or > MaxMessageLimit)
            throw new ArgumentException($"MaxMessageBytes is {MaxMessageBytes}; it must be from 1 to {MaxMessageLimit} (half the wire format's largest packet)", nameof(MaxMessageBytes));
        if (KeyFile is not null && Security == WireSecurityMode.None)
            throw new ArgumentException("a key file is given but Security is None; leave KeyFile null for an open cluster", nameof(Security));
        if (MaxPendingSends <= 0) throw new ArgumentException($"MaxPendingSends is {MaxPendingSends}; it must be positive", nameof(MaxPendingSends));
        foreach (var (timeout, value) in new[] { ("TokenLoss", Membership.TokenLossTimeoutMs), ("Consensus", Membership.ConsensusTimeoutMs), ("Join", Membership.JoinTimeoutMs), ("Merge", Membership.MergeDetectTimeoutMs), ("TokenRetransmit", Totem.TokenRetransmitTimeoutMs) })
            if (!(value > 0)) throw new ArgumentException($"the {timeout} timeout is {value} ms; every timeout must be positive", nameof(Timeouts));
        if (Totem.TokenRetransmitTimeoutMs >= Membership.TokenLossTimeoutMs)
            throw new ArgumentException($"the token retransmission timeout ({Totem.TokenRetransmitTimeoutMs} ms) must be shorter than the token loss timeout ({Membership.TokenLossTimeoutMs} ms)", nameof(Totem));
        if (IdleTokenHold < 0 || IdleTokenHold >= Totem.TokenRetransmitTimeoutMs / 2)
            throw new ArgumentException($"the idle token hold ({IdleTokenHold} ms) must be from 0 to less than half the token retransmission timeout ({Totem.TokenRetransmitTimeoutMs} ms)", nameof(IdleTokenHoldMs));
        if (PrimaryComponent is { } name && !PrimaryComponentAlgorithms.Names.Contains(name))
            throw new ArgumentException($"no primary component algorithm \"{name}\" (known: {string.Join(", ", PrimaryComponentAlgorithms.Names)})", nameof(PrimaryComponent));
        if (Multicast is { } multicast && multicast.Group.Port == BindEndPoint.Port)
            throw new ArgumentException($"the multicast group's port and this process's unicast port are both {BindEndPoint.Port}; give them different ports (Corosync uses mcastport and mcastport - 1)", nameof(Multicast));
        // Alone in its universe, every process would be a majority of one: a primary in every component.
        if (PrimaryComponent is not null && !Peers.Keys.Any(p => p != Id))
            throw new ArgumentException("a primary component algorithm needs every process of the cluster listed in Peers (the universe it counts votes in)", nameof(PrimaryComponent));
        ValidateVirtualSynchrony();
    }

    // What a process identifier must be: legal, and short enough for the datagram header.
    private const string IdentifierRule = "1-64 letters, digits, '-' and '_'";

    private static bool IsIdentifier(ProcessId id) => ProcessId.IsValid(id.Name) && id.Name.Length <= Wire.DatagramHeader.MaxNameLength;

    // The filter needs a primary component to admit; its trace needs the filter, and a file of its own.
    private void ValidateVirtualSynchrony()
    {
        if (VirtualSynchrony && PrimaryComponent is null)
            throw new ArgumentException(
                "the virtual synchrony filter (VirtualSynchrony) needs a primary component algorithm (PrimaryComponent): in virtual synchrony only the primary component makes progress, and without an algorithm no configuration is primary",
                nameof(VirtualSynchrony));
        if (VsTracePath is null) return;
        if (!VirtualSynchrony)
            throw new ArgumentException("a virtual synchrony trace (VsTracePath) is the filter's output: it needs VirtualSynchrony", nameof(VsTracePath));
        if (TracePath is not null && Path.GetFullPath(TracePath) == Path.GetFullPath(VsTracePath))
            throw new ArgumentException($"the trace and the virtual synchrony trace are both {VsTracePath}: each needs a file of its own", nameof(VsTracePath));
    }

    // The membership policy is multicast's, names this process and every configured peer, and only identifiers.
    private void ValidateMembers()
    {
        if (Members is not { } members) return;
        if (Multicast is null)
            throw new ArgumentException("Members (--members) is the membership policy of a multicast group; over unicast the peer list is the membership: leave it out", nameof(Members));
        foreach (var member in members)
            if (!IsIdentifier(member)) throw new ArgumentException($"member \"{member.Name}\" is not a process identifier ({IdentifierRule})", nameof(Members));
        if (!members.Contains(Id))
            throw new ArgumentException($"Members (--members) does not name this process, {Id}: it would refuse itself as a member", nameof(Members));
        foreach (var peer in Peers.Keys)
            if (!members.Contains(peer))
                throw new ArgumentException($"peer {peer} is configured but is not one of Members (--members): its packets would be refused", nameof(Members));
    }
}

/// <summary>
/// An IPv4 multicast group and port, and how far its datagrams may travel (time to live: 1 for this
/// network segment, 0 for this machine). The port is shared by every process of the group and must
/// differ from each process's own unicast port.
/// </summary>
public sealed record MulticastGroup(IPEndPoint Group, int TimeToLive = 1);
