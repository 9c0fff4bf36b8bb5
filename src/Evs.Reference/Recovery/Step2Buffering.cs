// The paper, Section 3, Step 2: "Buffer or reject all new messages from the application until
// this process delivers a configuration change message for a regular configuration to the
// application. Buffer any messages received for the proposed new configuration."
using Evs.Reference.Model;
using Evs.Reference.Ordering;

namespace Evs.Reference.Recovery;

/// <summary>
/// Step 2. The application's messages are buffered, never rejected: the send call always
/// succeeds and nothing is lost; a message is originated only by the token holder of an
/// installed ring (<see cref="RegularDelivery.Installed"/>), so while recovery runs they wait
/// here. Messages received for the proposed new ring wait in that ring's
/// <see cref="RegularDelivery.Buffer"/>, undelivered until it is installed (step 6.e).
/// </summary>
public sealed class Step2Buffering
{
    /// <summary>The application's messages not yet originated, in the order given.</summary>
    public Queue<PendingMessage> Pending { get; } = new();

    /// <summary>Buffers one message of the application.</summary>
    public void Buffer(byte[] payload, DeliveryService service) => Pending.Enqueue(new PendingMessage(payload, service));
}
