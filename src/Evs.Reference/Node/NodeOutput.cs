// Sans-IO, the outputs: what a node wants done as the result of one input. The driver sends
// the packets, runs the timers, and hands deliveries and configuration changes to the
// application (and to the trace).
using Evs.Reference.Model;

namespace Evs.Reference.Node;

/// <summary>One thing a node asks its driver to do, or tells its application.</summary>
public abstract record NodeOutput;

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

/// <summary>deliver_conf_p(c): deliver the configuration change message that initiates c.</summary>
public sealed record ConfigurationDelivered(Configuration Configuration) : NodeOutput;

/// <summary>
/// The regular configuration about to be delivered is a primary component (Section 5).
/// <see cref="Continuing"/> are its members that come straight from the previous primary
/// component's view, <see cref="Names"/> every member's virtual synchrony identifier: what the
/// virtual synchrony filter needs to merge processes one at a time (Rules 3, 4).
/// <see cref="NeverUsed"/> are identifiers this process was given in primaries it never installed.
/// </summary>
public sealed record PrimaryComponentInstalled(
    ConfigurationId Configuration,
    System.Collections.Immutable.ImmutableSortedSet<ProcessId> Continuing,
    System.Collections.Immutable.ImmutableSortedDictionary<ProcessId, string> Names,
    System.Collections.Immutable.ImmutableArray<string> NeverUsed) : NodeOutput;
