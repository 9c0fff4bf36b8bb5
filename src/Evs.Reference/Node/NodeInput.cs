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
/// The application asks the process to leave gracefully (<see cref="Membership.GracefulLeave"/>):
/// the messages it asked to send before go out, it delivers everything ordered up to its leave,
/// announces the leave and stops (<see cref="ProcessLeft"/>). A send asked after the leave is not
/// taken: the process is leaving. While the ring is changing, the leave waits for the next ring.
/// </summary>
public sealed record LeaveRequested : NodeInput;

/// <summary>
/// A process's first start: it has no configuration yet and gathers with whoever it can hear.
/// <paramref name="Expected"/>, when the driver knows it (a configured list of peers), is every
/// process that may start with it: the first Gather waits for all of them, or for the first
/// consensus timeout, whichever comes first (<see cref="Membership.Gather.Waiting"/>).
/// </summary>
public sealed record Start(IReadOnlySet<ProcessId>? Expected = null) : NodeInput;

/// <summary>
/// A process starts again after a crash, from its stable storage (<paramref name="Saved"/>, what
/// the last <see cref="PersistState"/> wrote; null if it crashed before writing any) and with the
/// same identifier: it installs a singleton regular configuration with a fresh ring identifier,
/// then merges.
/// </summary>
public sealed record Restart(Storage.StableState? Saved) : NodeInput;

/// <summary>
/// Start in an already formed ring, skipping the membership algorithm: every member is handed
/// the same ring and members. For studying step 1 alone (unit tests and the first lab).
/// </summary>
public sealed record StartInRing(RingId Ring, ImmutableArray<ProcessId> Members) : NodeInput;
