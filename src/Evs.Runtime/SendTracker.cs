// The real network (the runtime driver): the outcomes of the application's sends (SendReceipt).
// The node buffers the application's messages in order and originates them in that order when it
// holds the token (Totem step 1, Step2Buffering), each with the payload array it was given; so the
// first MessageSent output answers the oldest send still waiting, and carries that send's array.
// Its own deliveries then name the message by its identifier.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Runtime;

/// <summary>
/// Follows each send from its request to its end: the receipt when the node originates it, its
/// delivery here (and, for a safe message, its safe delivery), or its loss when the process ends.
/// Called on the node's event loop only, and by <see cref="LoseAll"/> once the loop has closed.
/// Every completion runs its continuations asynchronously, never on the event loop.
/// </summary>
internal sealed class SendTracker(ProcessId self)
{
    private readonly Queue<Waiting> _waiting = new();
    private readonly Dictionary<MessageId, Outcomes> _sent = new();

    /// <summary>
    /// A send waiting for the token: its payload (the array the node will originate) and the receipt
    /// it is owed, or none for a message of the group layer's own (its flushes, states, joins, leaves
    /// and the application's group messages, whose outcomes GroupRequests follows by ticket).
    /// </summary>
    public sealed record Waiting(byte[] Payload, TaskCompletionSource<SendReceipt>? Receipt);

    private sealed record Outcomes(TaskCompletionSource<SendOutcome> Delivered, TaskCompletionSource<SendOutcome>? Safe);

    /// <summary>A send handed to the node now, with <see cref="SendRequested"/>; it is answered in this order.</summary>
    public void Requested(Waiting send) => _waiting.Enqueue(send);

    /// <summary>
    /// send_p(m, c): the oldest waiting send got its identifier; its receipt is given. Returns
    /// whether it was a send of the application's own (which held one of its pending-send slots).
    /// </summary>
    /// <exception cref="InvalidOperationException">The node originated a message no send is waiting for, or out of order (a bug: the process must stop).</exception>
    public bool Sent(MessageSent sent)
    {
        if (!_waiting.TryDequeue(out var send) || !ReferenceEquals(send.Payload, sent.Payload))
            throw new InvalidOperationException($"{self} originated {sent.Message}, which is not the oldest message its application asked to send");
        if (send.Receipt is null) return false;
        var outcomes = new Outcomes(Completion(), sent.Service == DeliveryService.Safe ? Completion() : null);
        _sent.Add(sent.Message, outcomes);
        send.Receipt.TrySetResult(new SendReceipt(sent.Message, sent.Configuration, sent.Service, outcomes.Delivered.Task, outcomes.Safe?.Task));
        return true;
    }

    /// <summary>deliver_p(m, c) of this process's own message m, in a configuration of <paramref name="kind"/>.</summary>
    public void Delivered(MessageDelivered delivered, ConfigurationKind kind)
    {
        if (delivered.Originator != self || !_sent.Remove(delivered.Message, out var outcomes)) return;
        var here = new MessageDeliveredHere(delivered.Configuration, kind);
        outcomes.Delivered.TrySetResult(here);
        outcomes.Safe?.TrySetResult(here);
    }

    /// <summary>The process has ended: every send still waiting fails with <see cref="MessageLostException"/>, every sent message is <see cref="MessageLost"/>.</summary>
    public void LoseAll(string reason)
    {
        while (_waiting.TryDequeue(out var send)) send.Receipt?.TrySetException(new MessageLostException(reason));
        foreach (var outcomes in _sent.Values)
        {
            outcomes.Delivered.TrySetResult(new MessageLost(reason));
            outcomes.Safe?.TrySetResult(new MessageLost(reason));
        }
        _sent.Clear();
    }

    private static TaskCompletionSource<SendOutcome> Completion() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
