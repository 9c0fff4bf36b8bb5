// Step 1: "The process delivers a message as safe when it has delivered all of the messages
// that precede the message in the total order and has received acknowledgments for the
// message from all of the other processes in the configuration."
using Evs.Reference.Model;

namespace Evs.Reference.Ordering;

/// <summary>
/// When a message of a regular configuration may be delivered, by service.
/// <list type="bullet">
/// <item><b>Agreed</b>: as soon as every message before it in the total order is delivered.</item>
/// <item><b>Safe</b>: in addition, every process of the configuration has received it, which the
/// token's aru tells (<see cref="AruRule.ReceivedByAll"/>): the aru is Totem's acknowledgment.</item>
/// <item><b>Causal</b>: delivered like agreed. The total order contains the causal order within a
/// configuration: a process originates a message only while holding the token, after it has
/// delivered what it delivered, and the token gives the new message an ordinal higher than any
/// message already broadcast, so every causal predecessor has a lower ordinal (Specification 5).
/// Delivering in the total order is simpler to read than a separate causal path and costs
/// little on a ring, where the total order is known as soon as the message is received.</item>
/// </list>
/// Delivery is strictly in the total order, so a safe message that waits for acknowledgment
/// holds back the agreed messages behind it.
/// </summary>
public static class DeliveryRule
{
    /// <summary>Whether the message <paramref name="seq"/> of service <paramref name="service"/> may be delivered now.</summary>
    public static bool MayDeliver(DeliveryService service, long seq, long deliveredUpTo, long receivedByAll) =>
        seq == deliveredUpTo + 1 && (service != DeliveryService.Safe || seq <= receivedByAll);
}
