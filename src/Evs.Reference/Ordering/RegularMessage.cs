// Step 1 of the paper's algorithm: "In a regular configuration, this process sends and
// receives messages". Totem broadcasts each message stamped with the ring and its ordinal.
// Step 5.a rebroadcasts old messages on the new ring, wrapped so that the new ring orders,
// acknowledges and retransmits them like any other message.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Ordering;

/// <summary>
/// Anything broadcast on a ring with an ordinal <see cref="Seq"/> in that ring's total order:
/// the receive buffer, the aru, retransmission and flow control treat all of them alike.
/// </summary>
public abstract record RingMessage(ProcessId Sender, RingId Ring, long Seq) : Packet(Sender, Ring);

/// <summary>
/// An application message as broadcast on a ring: its identifier, the process that originated
/// it and its delivery service. <see cref="Packet.Sender"/> differs from
/// <see cref="Originator"/> when the copy is a retransmission.
/// </summary>
public sealed record RegularMessage(
    ProcessId Sender,
    RingId Ring,
    long Seq,
    MessageId Id,
    ProcessId Originator,
    DeliveryService Service,
    byte[] Payload) : RingMessage(Sender, Ring, Seq);

/// <summary>
/// Step 5.a: a message of an old ring (<see cref="Original"/>, with its old ordinal) rebroadcast
/// on the new ring during recovery, so that every member of the transitional configuration
/// receives it. It is never delivered as such: its original joins the old ring's messages.
/// </summary>
public sealed record RecoveredMessage(ProcessId Sender, RingId Ring, long Seq, RegularMessage Original)
    : RingMessage(Sender, Ring, Seq);
