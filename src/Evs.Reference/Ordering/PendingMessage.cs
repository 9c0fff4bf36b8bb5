// Step 1: the application hands messages to the process at any time, but only the token
// holder may broadcast; until then they wait here, in the order they were given.
using Evs.Reference.Model;

namespace Evs.Reference.Ordering;

/// <summary>A message the application asked to send that has not been originated yet.</summary>
public sealed record PendingMessage(byte[] Payload, DeliveryService Service);
