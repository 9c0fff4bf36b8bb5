// Named groups over one ring (issue 18; Corosync's CPG, Spread's lightweight groups): a pure state
// machine per process that turns the ring's extended virtual synchrony into per-group views and
// messages for which the paper's specifications hold again, group by group (GroupHistories checks
// them). Its rules, each cited where it is applied:
//  1. join and leave with a flush (GroupBook): a change completes at one place of the total order;
//  2. a joiner starts in a view of its own when the ring sends its join (M.1 on a rejoin); a leaver
//     fails in its view at its own leave (rule 4 brings that forward inside a transitional segment);
//  3. a group send happens when the ring sends it, in the view it is stamped with, or is lost;
//  4. the messages of a ring's transitional configuration are handled together, once the next
//     regular configuration shows where the segment ends, so that the transitional view leaves out
//     exactly those who leave in it;
//  5. a ring's regular configuration starts a sync (GroupBook): each member's state, then the views
//     (a process sends states once groups are in use: its own first request, or a group's message);
//  6. a ring failure fails every group view the process holds; groups are volatile.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.Groups;

/// <summary>Where this process stands in a group, as its own requests and the ring have put it.</summary>
public enum GroupMembership
{
    /// <summary>Not in the group.</summary>
    Out,

    /// <summary>The join is asked for or under way.</summary>
    Joining,

    /// <summary>In a view of the group with others that agreed to it.</summary>
    Member,

    /// <summary>The leave is asked for or under way.</summary>
    Leaving,
}

/// <summary>An application's request handed to the ring, waiting for the ring to send it, with its ticket.</summary>
internal sealed record HandedRequest(GroupOp Op, string Group, DeliveryService Service, long Ticket);

/// <summary>
/// The group layer of one process. Feed it, one at a time, what the ring does at the process and
/// what the application asks (<see cref="GroupInput"/>); it answers with ring messages to send and
/// group events (<see cref="GroupOutput"/>). The group events depend on the ring's events only, so
/// a trace replays them (<see cref="GroupHistories"/>); the application's requests decide only what
/// is sent. Requests wait while the ring's groups are being synced, a data message waits while its
/// group's view is being flushed, and a join waits for this process's leave of the same group.
/// </summary>
public sealed class GroupLayer(ProcessId self)
{
    private readonly Dictionary<string, Configuration> _views = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Configuration> _regular = new(StringComparer.Ordinal); // the last regular view, for joined and left
    private readonly Dictionary<string, GroupMembership> _status = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupMembership> _asked = new(StringComparer.Ordinal); // the status once every queued request is done
    private readonly HashSet<string> _joining = new(StringComparer.Ordinal); // the groups whose regular view is this process's joining view
    private readonly Queue<GroupInput> _requests = new();
    private readonly Queue<HandedRequest> _handed = new(); // requests handed to the ring and not yet sent by it, in order: the ring sends in that order
    private readonly SortedDictionary<string, long> _leavesSent = new(StringComparer.Ordinal); // leaves the ring sent that have not taken effect yet
    private GroupBook? _book;
    private ConfigurationId? _ring; // the ring's regular configuration the book is of
    private ConfigurationId? _stateSentFor;
    private bool _active; // rule 5 is kept from this process's first request, or the first group message it delivers
    private Configuration? _ringTransitional;
    private List<RingMessageDelivered>? _segment;

    /// <summary>The process.</summary>
    public ProcessId Process { get; } = self;

    /// <summary>The view of <paramref name="group"/> this process is in, or null.</summary>
    public Configuration? ViewOf(string group) => _views.GetValueOrDefault(group);

    /// <summary>Where this process stands in <paramref name="group"/>.</summary>
    public GroupMembership StatusOf(string group) => _status.GetValueOrDefault(group);

    /// <summary>Where this process will stand in <paramref name="group"/> once its queued requests are done: what a new request is judged by.</summary>
    public GroupMembership AskedOf(string group) => _asked.GetValueOrDefault(group);

    // Whether this process's regular view of the group is its joining view (rule 2): a leave of its own
    // that the ring's book still holds is of the view it was in before, not of this one.
    private bool InJoiningView(string group) => _joining.Contains(group);

    /// <summary>Handles one input; its outputs are appended to <paramref name="outputs"/>.</summary>
    /// <exception cref="InvalidOperationException">A request that does not fit: a join of a group this process is in or joining, a leave or a send to one it is not.</exception>
    public void Handle(GroupInput input, List<GroupOutput> outputs)
    {
        switch (input)
        {
            case RingConfigurationInstalled { Configuration: { Kind: ConfigurationKind.Transitional } t }:
                _ringTransitional = t;
                _segment = [];
                break;
            case RingConfigurationInstalled { Configuration: var r }:
                RegularRing(r, outputs);
                break;
            case RingMessageSent sent:
                Sent(sent, outputs);
                break;
            case RingMessageDelivered { Envelope: not null } delivered when _segment is not null:
                Activate(outputs);
                _segment.Add(delivered); // rule 4: handled when the next regular configuration ends the segment
                break;
            case RingMessageDelivered { Envelope: not null } delivered:
                Activate(outputs);
                Delivered(delivered, -1, outputs);
                break;
            case RingMessageDelivered:
                break; // a plain ring message: not the group layer's
            case RingFailed:
                Failed(outputs);
                break;
            default:
                Ask(input);
                Activate(outputs);
                break;
        }
        Pump(outputs);
    }

    // Rule 5 costs every member of the ring a state at every change of the ring, so a process keeps
    // it only once groups are in use: from its own first request, or the first message of the
    // groups it delivers (another's state, which then waits for this one's). A ring that never
    // sees a group carries none of their messages. Views follow from the ring's events alone, so a
    // trace replays the same views whether its processes were active or not.
    private void Activate(List<GroupOutput> outputs)
    {
        if (_active) return;
        _active = true;
        SendState(outputs);
    }

    // This process's state for the ring its book is of, once per ring, and not while the ring's
    // transitional configuration is being delivered (the next regular one asks for its own).
    private void SendState(List<GroupOutput> outputs)
    {
        if (!_active || _book is null || _ring is not { } ring || _ringTransitional is not null || _stateSentFor == ring) return;
        _stateSentFor = ring;
        var groups = _status.Where(kv => kv.Value is GroupMembership.Joining or GroupMembership.Member).Select(kv => kv.Key);
        outputs.Add(new RingSendRequested(GroupEnvelope.ForState(ring.Name, groups).Encode(), DeliveryService.Agreed));
    }

    // The application's request, judged against what it asked before, queued in order.
    private void Ask(GroupInput request)
    {
        var (group, allowed, after) = request switch
        {
            GroupJoinRequested j => (j.Group, AskedOf(j.Group) == GroupMembership.Out, GroupMembership.Joining),
            GroupLeaveRequested l => (l.Group, AskedOf(l.Group) is GroupMembership.Joining or GroupMembership.Member, GroupMembership.Out),
            GroupSendRequested s => (s.Group, AskedOf(s.Group) is GroupMembership.Joining or GroupMembership.Member, AskedOf(s.Group)),
            _ => throw new ArgumentException($"unknown group input {request.GetType().Name}", nameof(request)),
        };
        GroupEnvelope.CheckName(group);
        if (!allowed) throw new InvalidOperationException($"{Process} cannot {Verb(request)} group \"{group}\": it is {AskedOf(group).ToString().ToLowerInvariant()}");
        _asked[group] = after;
        _requests.Enqueue(request);
    }

    private static string Verb(GroupInput request) => request switch { GroupJoinRequested => "join", GroupLeaveRequested => "leave", _ => "send to" };

    // Hands the queued requests to the ring, in order, as far as each may go now.
    private void Pump(List<GroupOutput> outputs)
    {
        while (_book is { Synced: true } book && _segment is null && _requests.TryPeek(out var request))
        {
            switch (request)
            {
                case GroupJoinRequested j when StatusOf(j.Group) == GroupMembership.Out:
                    _status[j.Group] = GroupMembership.Joining;
                    Hand(GroupEnvelope.ForJoin(j.Group), DeliveryService.Agreed, j.Ticket, outputs);
                    break;
                case GroupLeaveRequested l:
                    _status[l.Group] = GroupMembership.Leaving;
                    Hand(GroupEnvelope.ForLeave(l.Group), DeliveryService.Agreed, l.Ticket, outputs);
                    break;
                case GroupSendRequested s when StatusOf(s.Group) == GroupMembership.Member && !book.Flushing(s.Group) && ViewOf(s.Group) is { Kind: ConfigurationKind.Regular } view:
                    Hand(GroupEnvelope.ForData(s.Group, view.Id.Name, s.Payload), s.Service, s.Ticket, outputs);
                    break;
                default:
                    return;
            }
            _requests.Dequeue();
        }
    }

    private void Hand(GroupEnvelope envelope, DeliveryService service, long ticket, List<GroupOutput> outputs)
    {
        _handed.Enqueue(new HandedRequest(envelope.Op, envelope.Group, service, ticket));
        outputs.Add(new RingSendRequested(envelope.Encode(), service));
    }

    // Rules 2 and 3, at the ring's send of this process's own message.
    private void Sent(RingMessageSent sent, List<GroupOutput> outputs)
    {
        if (sent.Envelope is not { } envelope) return;
        string group = envelope.Group;
        long? ticket = TicketOf(envelope);
        switch (envelope.Op)
        {
            case GroupOp.Join when ViewOf(group) is null:
                var alone = new Configuration(GroupViewNames.Joining(sent.Message), ConfigurationKind.Regular, [Process]);
                Install(group, alone, GroupChangeCause.JoinSent, outputs);
                if (ticket is { } joinTicket) outputs.Add(new GroupJoined(group, alone.Id, joinTicket));
                break;
            case GroupOp.Leave when ticket is { } leaveTicket:
                _leavesSent[group] = leaveTicket;
                break;
            case GroupOp.Data when ViewOf(group) is { Kind: ConfigurationKind.Regular } view && view.Id.Name == envelope.Stamp:
                outputs.Add(new GroupMessageSent(group, sent.Message, view.Id, sent.Service, ticket ?? 0));
                break;
            case GroupOp.Data:
                outputs.Add(new GroupSendLost(group, sent.Message, sent.Service, ticket ?? 0));
                break;
        }
    }

    // The ticket of the request the ring just sent: the oldest handed over, since the ring sends a
    // process's messages in the order it was given them. None in a replay, which hands nothing over;
    // the flush acknowledgements and states are the layer's own and carry none.
    private long? TicketOf(GroupEnvelope envelope)
    {
        if (envelope.Op is not (GroupOp.Join or GroupOp.Leave or GroupOp.Data)) return null;
        if (!_handed.TryPeek(out var oldest) || oldest.Op != envelope.Op || oldest.Group != envelope.Group) return null;
        return _handed.Dequeue().Ticket;
    }

    // One message of the group layer, in the ring's total order; `next` is, inside a transitional
    // segment, the position of the message after it (-1 outside one).
    private void Delivered(RingMessageDelivered m, int next, List<GroupOutput> outputs)
    {
        var envelope = m.Envelope!;
        if (envelope.Op == GroupOp.Data)
        {
            Data(m, envelope, next, outputs);
            return;
        }
        if (envelope.Op == GroupOp.Leave && m.Sender == Process) LeaveDelivered(envelope.Group, outputs);
        if (_book is null) return;
        var step = _book.Apply(m.Sender, m.Message, envelope);
        if (next < 0 && step.FlushStarted is { } flushed && _book.AwaitsFlushOk(flushed, Process) && ViewOf(flushed) is { Kind: ConfigurationKind.Regular } view)
            outputs.Add(new RingSendRequested(GroupEnvelope.ForFlushOk(flushed, view.Id.Name).Encode(), DeliveryService.Agreed)); // rule 1
        foreach (var change in step.Changes) Change(change, next, outputs);
    }

    // Rule 2: a leaver is out of its group at its own leave, in the total order where the others take it out.
    private void LeaveDelivered(string group, List<GroupOutput> outputs)
    {
        if (ViewOf(group) is { } view) Fail(group, view, left: true, outputs);
        if (StatusOf(group) == GroupMembership.Leaving) _status[group] = GroupMembership.Out;
    }

    // Rules 1 and 5: the view the book computed, installed by those in it, through the transitional
    // view of those who come from the same view (M.2) unless they are in a transitional view already.
    private void Change(GroupViewChange change, int next, List<GroupOutput> outputs)
    {
        if (!change.Members.Contains(Process)) return;
        var view = new Configuration(change.View, ConfigurationKind.Regular, change.Members);
        if (ViewOf(change.Group) is { Kind: ConfigurationKind.Regular } current)
        {
            ImmutableArray<ProcessId> left = InJoiningView(change.Group) ? [] : change.Leavers;
            var stay = current.Members.Where(p => change.Members.Contains(p) && !left.Contains(p));
            Install(change.Group, new Configuration(GroupViewNames.Transitional(view.Id, current.Id), ConfigurationKind.Transitional, [.. stay], current.Id), change.Cause, outputs);
        }
        Install(change.Group, view, change.Cause, outputs);
        if (StatusOf(change.Group) == GroupMembership.Joining) _status[change.Group] = GroupMembership.Member;
        if (next >= 0) LeaveIfLeavingAhead(change.Group, next, outputs);
    }

    // Only a member of the view a message is stamped with sends in it: a view's name is no secret,
    // and a process outside the group must not speak in it.
    private bool SentByMemberOf(string group, Configuration view, ProcessId sender) =>
        view.Kind == ConfigurationKind.Regular ? view.Members.Contains(sender) : _regular.TryGetValue(group, out var regular) && regular.Id == view.PreviousRegular && regular.Members.Contains(sender);

    // Rule 3 at the receiver: a message is delivered in the view it was stamped with, or not at all.
    // Rule 4 inside a transitional segment: in the transitional view of that view, installed at the first such message.
    private void Data(RingMessageDelivered m, GroupEnvelope envelope, int next, List<GroupOutput> outputs)
    {
        string group = envelope.Group;
        if (ViewOf(group) is not { } view) return;
        if (next >= 0 && view.Kind == ConfigurationKind.Regular && view.Id.Name == envelope.Stamp)
            view = RingTransitionalView(group, view, next, outputs);
        bool stampedHere = view.Kind == ConfigurationKind.Regular ? view.Id.Name == envelope.Stamp : view.PreviousRegular?.Name == envelope.Stamp;
        if (stampedHere && SentByMemberOf(group, view, m.Sender)) outputs.Add(new GroupMessageDelivered(group, m.Message, m.Sender, view.Id, m.Service, envelope.Data));
    }

    // Rule 5: a new regular configuration of the ring. The segment of its transitional configuration
    // first (rule 4), then the sync: this process's state (once it is active), and no request
    // until every member's state is in.
    private void RegularRing(Configuration ring, List<GroupOutput> outputs)
    {
        if (_segment is { } segment) EndSegment(ring, segment, outputs);
        _segment = null;
        _ringTransitional = null;
        _book = new GroupBook(ring.Id, ring.Members);
        _ring = ring.Id;
        SendState(outputs);
    }

    // Rule 4: the messages of the ring's transitional configuration, knowing all of them; then every
    // view still regular passes into its transitional view, and every transitional view into the
    // view its members keep until the sync, with the same members (M.2).
    private void EndSegment(Configuration ring, List<RingMessageDelivered> segment, List<GroupOutput> outputs)
    {
        _segment = segment;
        foreach (var group in Regulars()) LeaveIfLeavingAhead(group, 0, outputs);
        for (int i = 0; i < segment.Count; i++) Delivered(segment[i], i + 1, outputs);
        foreach (var group in Regulars()) RingTransitionalView(group, _views[group], segment.Count, outputs);
        foreach (var (group, view) in _views.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList())
            Install(group, new Configuration(GroupViewNames.SubView(ring.Id, view.Id), ConfigurationKind.Regular, view.Members), GroupChangeCause.RingChange, outputs);
        _segment = null;
        List<string> Regulars() => [.. _views.Where(kv => kv.Value.Kind == ConfigurationKind.Regular).Select(kv => kv.Key).Order(StringComparer.Ordinal)];
    }

    // T(T/V): those of V in the ring's transitional configuration, but those who leave V in it.
    private Configuration RingTransitionalView(string group, Configuration view, int next, List<GroupOutput> outputs)
    {
        var leaving = LeaversAhead(group, next);
        var members = view.Members.Where(p => _ringTransitional!.Contains(p) && !leaving.Contains(p));
        var t = new Configuration(GroupViewNames.Transitional(_ringTransitional!.Id, view.Id), ConfigurationKind.Transitional, [.. members], view.Id);
        Install(group, t, GroupChangeCause.RingChange, outputs);
        return t;
    }

    // Rule 4: a process whose own leave is ahead in the segment, before its view changes, fails in that view now:
    // the transitional view of the others leaves it out.
    private void LeaveIfLeavingAhead(string group, int next, List<GroupOutput> outputs)
    {
        if (ViewOf(group) is { Kind: ConfigurationKind.Regular } view && LeaversAhead(group, next).Contains(Process))
            Fail(group, view, left: true, outputs);
    }

    // Those who leave the group's current view: the leavers of the book, and those whose leave comes in
    // the rest of the segment before the view changes (looked ahead on a copy of the book). A joiner's
    // own leave in the book is of the view it was in before; it is alone in its joining view now.
    private HashSet<ProcessId> LeaversAhead(string group, int next)
    {
        var leaving = new HashSet<ProcessId>(_book?.LeaversOf(group) ?? []);
        if (InJoiningView(group)) leaving.Remove(Process);
        var book = _book?.Copy();
        for (int i = next; i < _segment!.Count; i++)
        {
            if (_segment[i] is not { Envelope: { Op: not GroupOp.Data } envelope } m) continue;
            if (envelope.Op == GroupOp.Leave && envelope.Group == group) leaving.Add(m.Sender);
            if (book?.Apply(m.Sender, m.Message, envelope).Changes.Any(c => c.Group == group) == true) break;
        }
        return leaving;
    }

    // Rule 6: the process failed; its group views fail with it, every request not yet done is lost
    // (oldest first), and it forgets its groups.
    private void Failed(List<GroupOutput> outputs)
    {
        foreach (var (group, view) in _views.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList()) Fail(group, view, left: false, outputs);
        foreach (var (group, ticket) in _leavesSent) outputs.Add(new GroupRequestLost(group, GroupRequestKind.Leave, ticket));
        foreach (var handed in _handed) outputs.Add(Lost(handed.Op, handed.Group, handed.Service, handed.Ticket));
        foreach (var request in _requests) outputs.Add(request switch
        {
            GroupJoinRequested j => Lost(GroupOp.Join, j.Group, DeliveryService.Agreed, j.Ticket),
            GroupLeaveRequested l => Lost(GroupOp.Leave, l.Group, DeliveryService.Agreed, l.Ticket),
            GroupSendRequested s => Lost(GroupOp.Data, s.Group, s.Service, s.Ticket),
            _ => throw new InvalidOperationException($"unknown queued request {request.GetType().Name}"),
        });
        _leavesSent.Clear();
        _handed.Clear();
        _regular.Clear();
        _status.Clear();
        _asked.Clear();
        _requests.Clear();
        _book = null;
        _ring = null;
        _stateSentFor = null;
        _active = false;
        _segment = null;
        _ringTransitional = null;
    }

    private static GroupOutput Lost(GroupOp op, string group, DeliveryService service, long ticket) => op switch
    {
        GroupOp.Join => new GroupRequestLost(group, GroupRequestKind.Join, ticket),
        GroupOp.Leave => new GroupRequestLost(group, GroupRequestKind.Leave, ticket),
        _ => new GroupSendLost(group, null, service, ticket),
    };

    private void Fail(string group, Configuration view, bool left, List<GroupOutput> outputs)
    {
        _views.Remove(group);
        _regular.Remove(group);
        _joining.Remove(group);
        outputs.Add(new GroupFailed(group, view.Id, left));
        if (left && _leavesSent.Remove(group, out long ticket)) outputs.Add(new GroupLeft(group, view.Id, ticket));
    }

    private void Install(string group, Configuration view, GroupChangeCause cause, List<GroupOutput> outputs)
    {
        var before = _regular.TryGetValue(group, out var regular) ? regular.Members : [];
        _views[group] = view;
        if (view.Kind == ConfigurationKind.Regular)
        {
            _regular[group] = view;
            if (cause == GroupChangeCause.JoinSent) _joining.Add(group);
            else _joining.Remove(group);
        }
        var joined = view.Members.Where(p => !before.Contains(p)).ToImmutableArray();
        var left = before.Where(p => !view.Members.Contains(p)).ToImmutableArray();
        outputs.Add(new GroupViewInstalled(group, view, joined, left, cause));
    }
}
