// Sans-IO, the inputs: everything that can happen to a node is one of these records, handed
// to IProtocolNode.Handle one at a time. Nothing else reaches the protocol.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.Node;

/// <summary>One thing that happens to a node.</summary>
public abstract record NodeInput;

/// <summary>A packet arrived from the network (possibly late, duplicated, or of another ring).</summary>
public sealed record PacketArrived(Packet Packet) : NodeInput;

/// <summary>A timer the node had started has expired.</summary>
public sealed record TimerExpired(TimerKind Timer) : NodeInput;

/// <summary>
/// The application asks to send a message. The node queues it and originates it when it
/// next holds the token (Step 1: new messages are broadcast only by the token holder).
/// </summary>
public sealed record SendRequested(byte[] Payload, DeliveryService Service) : NodeInput;

/// <summary>
/// Start in an already formed ring of fixed membership. Until the membership algorithm
/// exists, the driver forms the ring: every member is handed the same ring and members.
/// </summary>
public sealed record StartInRing(RingId Ring, ImmutableArray<ProcessId> Members) : NodeInput;
