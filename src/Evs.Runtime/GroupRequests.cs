// The real network (the runtime driver): the application's group requests, from the call to their
// end. The group layer (Evs.Reference.Groups) is sans-IO and knows requests by ticket only; this
// keeps, for each ticket, the task the application awaits, and completes it from what the layer
// says became of the request: joined, left, sent (then delivered here), or lost. It also keeps each
// group's current view, for Group.CurrentView, which any thread may read.
using System.Collections.Immutable;
using Evs.Reference.Groups;
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>
/// The tasks of the application's joins, leaves and group sends, by ticket, and the views of the
/// groups this process is in. Called on the node's event loop, and by <see cref="LoseAll"/> once
/// it has closed; registering a request (<see cref="Join"/>, <see cref="Leave"/>, <see cref="Send"/>)
/// may be done on any thread before the request is posted to the loop.
/// </summary>
internal sealed class GroupRequests
{
    private sealed record Outcomes(TaskCompletionSource<SendOutcome> Delivered, TaskCompletionSource<SendOutcome>? Safe);

    private readonly Lock _lock = new();
    private readonly Dictionary<long, TaskCompletionSource> _changes = new(); // joins and leaves
    private readonly Dictionary<long, TaskCompletionSource<SendReceipt>> _sends = new();
    private readonly Dictionary<MessageId, Outcomes> _sent = new();
    private ImmutableDictionary<string, GroupView> _views = ImmutableDictionary.Create<string, GroupView>(StringComparer.Ordinal);
    private long _lastTicket;
    private string? _lostReason;

    /// <summary>A new join's ticket and the task that completes when this process is in the group.</summary>
    public (long Ticket, Task Done) Join() => Change();

    /// <summary>A new leave's ticket and the task that completes when the leave has taken effect.</summary>
    public (long Ticket, Task Done) Leave() => Change();

    /// <summary>A new group send's ticket and the task of its receipt.</summary>
    public (long Ticket, Task<SendReceipt> Receipt) Send()
    {
        var receipt = new TaskCompletionSource<SendReceipt>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_lostReason is { } reason) receipt.TrySetException(new MessageLostException(reason));
            else _sends.Add(++_lastTicket, receipt);
            return (_lastTicket, receipt.Task);
        }
    }

    /// <summary>The view of <paramref name="group"/> this process is in, or null.</summary>
    public GroupView? ViewOf(string group) => Volatile.Read(ref _views).GetValueOrDefault(group);

    /// <summary>A request the group layer refused outright (it does not fit where the process stands).</summary>
    public void Refused(long ticket, Exception refusal)
    {
        lock (_lock)
        {
            if (_changes.Remove(ticket, out var change)) change.TrySetException(refusal);
            if (_sends.Remove(ticket, out var send)) send.TrySetException(refusal);
        }
    }

    /// <summary>
    /// What the group layer said, applied to the application's tasks and to the views; returns
    /// the event the application sees for it, if any.
    /// </summary>
    public EvsNodeEvent? Apply(GroupOutput output)
    {
        lock (_lock)
        {
            switch (output)
            {
                case GroupViewInstalled installed:
                    var view = GroupEvents.ViewOf(installed);
                    Volatile.Write(ref _views, _views.SetItem(installed.Group, view));
                    return new GroupViewChangedEvent(view);
                case GroupMessageDelivered delivered:
                    DeliveredHere(delivered);
                    return new GroupMessageDeliveredEvent(delivered.Group, delivered.Message, delivered.Sender, delivered.View, delivered.Service, delivered.Payload);
                case GroupFailed failed:
                    Volatile.Write(ref _views, _views.Remove(failed.Group));
                    return new GroupLeftEvent(failed.Group, failed.View, failed.Left);
                case GroupJoined joined:
                    Complete(joined.Ticket);
                    return null;
                case GroupLeft left:
                    Complete(left.Ticket);
                    return null;
                case GroupRequestLost lost:
                    if (_changes.Remove(lost.Ticket, out var change))
                        change.TrySetException(new InvalidOperationException($"the {lost.Kind.ToString().ToLowerInvariant()} of group \"{lost.Group}\" was not done: {_lostReason ?? "the process stopped"}"));
                    return null;
                case GroupMessageSent sent:
                    if (_sends.Remove(sent.Ticket, out var receipt))
                    {
                        var outcomes = new Outcomes(Completion(), sent.Service == DeliveryService.Safe ? Completion() : null);
                        _sent[sent.Message] = outcomes;
                        receipt.TrySetResult(new SendReceipt(sent.Message, sent.View, sent.Service, outcomes.Delivered.Task, outcomes.Safe?.Task));
                    }
                    return null;
                case GroupSendLost lost:
                    if (_sends.Remove(lost.Ticket, out var waiting))
                        waiting.TrySetException(new MessageLostException(lost.Message is { } id
                            ? $"{id} was sent after the view of group \"{lost.Group}\" it was meant for had changed: no member delivers it"
                            : $"the message to group \"{lost.Group}\" was not sent: {_lostReason ?? "the process stopped"}"));
                    return null;
                default:
                    return null;
            }
        }
    }

    /// <summary>The process has ended: every request not done fails, every sent message is lost.</summary>
    public void LoseAll(string reason)
    {
        lock (_lock)
        {
            _lostReason = reason;
            foreach (var change in _changes.Values) change.TrySetException(new InvalidOperationException($"not done: {reason}"));
            foreach (var send in _sends.Values) send.TrySetException(new MessageLostException(reason));
            foreach (var outcomes in _sent.Values)
            {
                outcomes.Delivered.TrySetResult(new MessageLost(reason));
                outcomes.Safe?.TrySetResult(new MessageLost(reason));
            }
            _changes.Clear();
            _sends.Clear();
            _sent.Clear();
            Volatile.Write(ref _views, _views.Clear());
        }
    }

    private (long Ticket, Task Done) Change()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_lostReason is { } reason) done.TrySetException(new InvalidOperationException($"not done: {reason}"));
            else _changes.Add(++_lastTicket, done);
            return (_lastTicket, done.Task);
        }
    }

    private void Complete(long ticket)
    {
        if (_changes.Remove(ticket, out var done)) done.TrySetResult();
    }

    // This process's own message, delivered here in the group's view: its outcomes, with the kind
    // of that view (a transitional view says the message is known to fewer members).
    private void DeliveredHere(GroupMessageDelivered delivered)
    {
        if (!_sent.Remove(delivered.Message, out var outcomes)) return;
        var kind = _views.TryGetValue(delivered.Group, out var view) && view.Id == delivered.View ? view.Kind : ConfigurationKind.Regular;
        var here = new MessageDeliveredHere(delivered.View, kind);
        outcomes.Delivered.TrySetResult(here);
        outcomes.Safe?.TrySetResult(here);
    }

    private static TaskCompletionSource<SendOutcome> Completion() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
