// Step 1 of the paper's algorithm: "In a regular configuration, this process sends and
// receives messages". Totem broadcasts each message stamped with the ring and its ordinal.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Ordering;

/// <summary>
/// An application message as broadcast on a ring: its ordinal <see cref="Seq"/> in the
/// ring's total order, its identifier, the process that originated it and its delivery
/// service. <see cref="Packet.Sender"/> differs from <see cref="Originator"/> when the
/// copy is a retransmission.
/// </summary>
public sealed record RegularMessage(
    ProcessId Sender,
    RingId Ring,
    long Seq,
    MessageId Id,
    ProcessId Originator,
    DeliveryService Service,
    byte[] Payload) : Packet(Sender, Ring);
