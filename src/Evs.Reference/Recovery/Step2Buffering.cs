// The paper, Section 3, Step 2: "Buffer or reject all new messages from the application until
// this process delivers a configuration change message for a regular configuration to the
// application. Buffer any messages received for the proposed new configuration."
using Evs.Reference.Model;
using Evs.Reference.Ordering;

namespace Evs.Reference.Recovery;

/// <summary>
/// Step 2. The application's messages are buffered, never rejected: a send always succeeds and
/// nothing is lost. A message is originated only by the token holder of an installed ring, so while
/// recovery runs they wait in <see cref="Pending"/>. Messages received for the proposed new
/// configuration (other members may install it first and send on it) wait in its ring's buffer,
/// neither delivered nor acknowledged, until step 6.e installs it here
/// (<see cref="TotemRing.Installed"/>). The ring asks the rules below at every token visit.
/// </summary>
public sealed class Step2Buffering
{
    /// <summary>The application's messages not yet originated, in the order given.</summary>
    public Queue<PendingMessage> Pending { get; } = new();

    /// <summary>Buffers one message of the application.</summary>
    public void Buffer(byte[] payload, DeliveryService service) => Pending.Enqueue(new PendingMessage(payload, service));

    /// <summary>"Buffer ... all new messages from the application until ...": none is originated on a ring not yet installed here.</summary>
    public static bool MayOriginateOn(TotemRing ring) => ring.Installed;

    /// <summary>"Buffer any messages received for the proposed new configuration": an application message of a ring not yet installed here waits undelivered.</summary>
    public static bool MayDeliverOn(TotemRing ring) => ring.Installed;

    /// <summary>
    /// What this process acknowledges on the token (the aru it may report). Before the ring is
    /// installed here, only the rebroadcasts of step 5.a, up to <paramref name="recoverySeq"/>:
    /// another member may already have installed the ring and broadcast application messages, and
    /// acknowledging one of those would let that member deliver it as safe in a configuration this
    /// process may never install (Specification 7.2).
    /// </summary>
    public static long Acknowledged(TotemRing ring, long recoverySeq) =>
        ring.Installed ? ring.Buffer.MyAru : Math.Min(ring.Buffer.MyAru, recoverySeq);

    /// <summary>
    /// What this process tells the others it has waiting to send (their fair share of the window
    /// depends on it): nothing before the ring is installed here, since it may not send yet and
    /// would only shrink their shares.
    /// </summary>
    public static int SendBacklog(TotemRing ring, Queue<PendingMessage> pending) => ring.Installed ? pending.Count : 0;
}
