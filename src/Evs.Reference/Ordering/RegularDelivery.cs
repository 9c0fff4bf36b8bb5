// The paper, Section 3, Step 1 — the algorithm's work in a regular configuration:
//
//   "1. In a regular configuration, this process sends and receives messages, holding in a
//    message buffer any messages that it has received but cannot yet deliver. The process
//    delivers a message as safe when it has delivered all of the messages that precede the
//    message in the total order and has received acknowledgments for the message from all of
//    the other processes in the configuration. An acknowledgment indicates that a process has
//    received and will deliver the message unless it fails.
//    In a regular configuration, this process records that there are no processes to which it
//    is obligated."
//
// The total order and the acknowledgments come from Totem's single ring (TotemRing): the token
// holder stamps new messages with consecutive ordinals; the token's aru acknowledges. When the
// delivery rules allow is DeliveryRule's; the obligation set lives with recovery (it is empty here).
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Ordering;

/// <summary>
/// Step 1: this process in its regular configuration (Totem's Operational state). A message that
/// arrives is held and delivered when the delivery rules allow; at each token visit the application's
/// messages waiting in <paramref name="pending"/> are broadcast as flow control allows, and the
/// token goes on — or, on an idle ring, waits a while at the representative (<see cref="TokenHold"/>).
/// </summary>
public sealed class RegularDelivery(ProcessId me, TotemRing ring, Queue<PendingMessage> pending, TotemSettings settings)
{
    /// <summary>The installed ring of this regular configuration.</summary>
    public TotemRing Ring { get; } = ring;

    /// <summary>The regular configuration.</summary>
    public Configuration Configuration => Ring.Configuration;

    /// <summary>The idle token hold of this ring.</summary>
    public TokenHold Hold { get; } = new(me, settings, ring.Counters);

    /// <summary>The representative starts the first rotation of a ring formed without recovery (a singleton, or a fixed ring).</summary>
    public void StartFirstRotation(List<NodeOutput> outputs) => Ring.StartFirstRotation(pending, outputs);

    /// <summary>A message of this ring arrived: it is held, and delivered when the delivery rules allow.</summary>
    public void OnMessage(RingMessage message, List<NodeOutput> outputs) => Ring.Receive(message, outputs);

    /// <summary>
    /// The first half of a token visit: false for a stale or duplicated token, which is dropped (a
    /// copy of a held token ends the hold: its predecessor thinks it lost).
    /// </summary>
    public bool Accept(Token token, List<NodeOutput> outputs)
    {
        if (Ring.Accept(token, outputs)) return true;
        if (Hold.CopyArrived(outputs) is { } held) PassOn(held, outputs);
        return false;
    }

    /// <summary>The second half of a token visit: the token is passed on, or held while the ring is idle.</summary>
    public void PassOnOrHold(Token token, List<NodeOutput> outputs)
    {
        if (!Hold.TryHold(token, Ring, pending.Count, outputs)) PassOn(token, outputs);
    }

    /// <summary>
    /// The same visit continued, after step 6.e installed this ring while the token was here: what
    /// is left of step 5.a's <paramref name="rebroadcasts"/> goes first (flow control counts them).
    /// </summary>
    public void PassOnAfterInstall(Token token, Queue<RegularMessage> rebroadcasts, List<NodeOutput> outputs) =>
        Hold.Passed(Ring.PassOn(token, rebroadcasts, pending, outputs));

    /// <summary>The application gave a message: a held token goes at once; otherwise the representative may be asked for it.</summary>
    public void OnSendRequested(List<NodeOutput> outputs)
    {
        if (Hold.Release(outputs) is { } held) PassOn(held, outputs);
        else Hold.AskFor(Ring.Id, outputs);
    }

    /// <summary>The hold timer expired: the held token goes on.</summary>
    public void OnHoldExpired(List<NodeOutput> outputs)
    {
        if (Hold.Expire() is { } held) PassOn(held, outputs);
    }

    /// <summary>Another member asked for the held token.</summary>
    public void OnHoldCancel(List<NodeOutput> outputs)
    {
        if (Hold.Cancel(outputs) is { } held) PassOn(held, outputs);
    }

    private void PassOn(Token token, List<NodeOutput> outputs) => Hold.Passed(Ring.PassOn(token, TotemRing.NoRebroadcasts, pending, outputs));
}
