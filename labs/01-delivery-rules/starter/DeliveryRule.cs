// Lab 1 starter (labs/01-delivery-rules/README.md): step 1's decision of when a message of a
// regular configuration may be delivered, for each delivery service. The body is yours to write;
// `evs lab start 1` copies this file to student/, `evs lab check 1` grades it.
using Evs.Reference.Model;

namespace Evs.Reference.Ordering;

/// <summary>When a message of a regular configuration may be delivered, by service.</summary>
public static class DeliveryRule
{
    /// <summary>
    /// Whether the message with ordinal <paramref name="seq"/>, sent with service
    /// <paramref name="service"/>, may be delivered now, when every message up to
    /// <paramref name="deliveredUpTo"/> has been delivered here and every message up to
    /// <paramref name="receivedByAll"/> is known to be received by every member.
    /// </summary>
    public static bool MayDeliver(DeliveryService service, long seq, long deliveredUpTo, long receivedByAll) =>
        throw new NotImplementedException("lab 1: DeliveryRule.MayDeliver");
}
