// Sans-IO, the outputs: what a node wants done as the result of one input. The driver writes
// what must survive a crash, sends the packets, runs the timers, and hands deliveries and
// configuration changes to the application (and to the trace).
using Evs.Reference.Model;
using Evs.Reference.Storage;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Node;

/// <summary>One thing a node asks its driver to do, or tells its application.</summary>
public abstract record NodeOutput;

/// <summary>
/// Write <see cref="State"/> to stable storage, replacing what was there, before any other output of
/// the same step takes effect (etcd raft's <c>Ready</c>: the hard state is persisted before the
/// messages that depend on it are sent). A node puts it first in a step's outputs, once, when the
/// step changed what it must not forget across a crash: its highest ring sequence number (so no ring
/// or message identifier is used twice), its last configuration, its primary component history.
/// </summary>
public sealed record PersistState(StableState State) : NodeOutput;

/// <summary>Send a packet to every other process of the component (a broadcast or multicast).</summary>
public sealed record Broadcast(Packet Packet) : NodeOutput;

/// <summary>Send a packet to one process (Totem passes the token point to point).</summary>
public sealed record Unicast(ProcessId To, Packet Packet) : NodeOutput;

/// <summary>Start (or restart) a timer that expires after <see cref="DelayMs"/> milliseconds.</summary>
public sealed record StartTimer(TimerKind Timer, double DelayMs) : NodeOutput;

/// <summary>Stop a timer; nothing happens if it is not running.</summary>
public sealed record StopTimer(TimerKind Timer) : NodeOutput;

/// <summary>send_p(m, c): the node has originated message m in the regular configuration c.</summary>
public sealed record MessageSent(MessageId Message, ConfigurationId Configuration, DeliveryService Service, byte[] Payload) : NodeOutput;

/// <summary>deliver_p(m, c): deliver m to the application in configuration c.</summary>
public sealed record MessageDelivered(MessageId Message, ProcessId Originator, ConfigurationId Configuration, DeliveryService Service, byte[] Payload) : NodeOutput;

/// <summary>
/// deliver_conf_p(c): deliver the configuration change message that initiates c. For a regular
/// configuration, <see cref="Left"/> names the members of this process's previous regular
/// configuration that announced a graceful leave from it (<see cref="Membership.LeaveAnnouncement"/>)
/// and are not members of c: they left, rather than failed, as far as this process heard. Null when none.
/// </summary>
public sealed record ConfigurationDelivered(Configuration Configuration, IReadOnlyList<ProcessId>? Left = null) : NodeOutput;

/// <summary>
/// The process has left gracefully (<see cref="LeaveRequested"/>): it is fail_p(c) for its regular
/// configuration <see cref="Configuration"/>, marked as a leave; the driver stops it. The node takes
/// no input after this one.
/// </summary>
public sealed record ProcessLeft(ConfigurationId Configuration) : NodeOutput;

/// <summary>
/// The regular configuration about to be delivered, <see cref="Configuration"/>, is a primary
/// component (Section 5); <see cref="View"/> is what the virtual synchrony filter needs to merge
/// processes into it one at a time (Rules 3, 4).
/// </summary>
public sealed record PrimaryComponentInstalled(ConfigurationId Configuration, PrimaryViewInfo View) : NodeOutput;
