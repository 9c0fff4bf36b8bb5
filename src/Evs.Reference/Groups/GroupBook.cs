// Named groups, the knowledge every process of a ring shares: who is in each group, and the
// flush or sync under way. Every process of the ring applies the same messages in the ring's
// total order to its own book, so all books agree, and every member computes the same next view
// at the same message without a word (rule 1, the flush of virtual synchrony; rule 5, the sync
// after a ring configuration change). A process outside a group keeps its book too: a joiner
// must know whether the group is empty, and whom a flush waits for.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.Groups;

/// <summary>Why a group view changed.</summary>
public enum GroupChangeCause
{
    /// <summary>This process's join was sent: it starts in a view of its own (rule 2).</summary>
    JoinSent,

    /// <summary>A flush completed: members joined or left (rule 1).</summary>
    JoinOrLeave,

    /// <summary>The ring's configuration changed: a transitional view, or the view until the sync (rules 4, 5).</summary>
    RingChange,

    /// <summary>The sync after a ring configuration change completed: the groups of the new ring (rule 5).</summary>
    Sync,
}

/// <summary>A group's next view, as every process of the ring computes it at the same message.</summary>
/// <param name="Group">The group.</param>
/// <param name="View">The view's identifier (<see cref="GroupViewNames"/>).</param>
/// <param name="Members">Its members, sorted.</param>
/// <param name="Cause">A flush or a sync.</param>
/// <param name="Leavers">
/// Those who left the view before it: they failed in it at their leave, so the transitional view
/// of those who stay leaves them out even when they joined again in the same flush.
/// </param>
public sealed record GroupViewChange(string Group, ConfigurationId View, ImmutableArray<ProcessId> Members, GroupChangeCause Cause, ImmutableArray<ProcessId> Leavers);

/// <summary>What applying one message to the book did.</summary>
/// <param name="FlushStarted">The group whose flush this message started: its members now send their flush acknowledgement.</param>
/// <param name="Changes">The views this message completed: one for a flush, one per group for a sync.</param>
internal sealed record BookStep(string? FlushStarted, IReadOnlyList<GroupViewChange> Changes)
{
    public static readonly BookStep Nothing = new(null, []);
}

/// <summary>
/// The groups of one ring configuration as its processes know them. Until the sync completes the
/// book knows nothing of the groups (joins and leaves are covered by the states); after it, each
/// group's members and its flush, if one is under way.
/// </summary>
internal sealed class GroupBook
{
    private readonly ConfigurationId _ring;
    private readonly ImmutableArray<ProcessId> _ringMembers;
    private readonly Dictionary<ProcessId, ImmutableArray<string>> _states;
    private readonly Dictionary<string, GroupRecord> _groups;
    private readonly Dictionary<string, HashSet<ProcessId>> _leftBeforeSync;

    /// <summary>The book of a new ring, <paramref name="ring"/> of <paramref name="ringMembers"/>: waiting for every member's state.</summary>
    public GroupBook(ConfigurationId ring, ImmutableArray<ProcessId> ringMembers) : this(ring, ringMembers, [], [], [], false) { }

    private GroupBook(ConfigurationId ring, ImmutableArray<ProcessId> ringMembers, Dictionary<ProcessId, ImmutableArray<string>> states, Dictionary<string, GroupRecord> groups, Dictionary<string, HashSet<ProcessId>> leftBeforeSync, bool synced)
    {
        _ring = ring;
        _ringMembers = ringMembers;
        _states = states;
        _groups = groups;
        _leftBeforeSync = leftBeforeSync;
        Synced = synced;
    }

    /// <summary>Whether the sync of this ring has completed (rule 5): only then do joins, leaves and flushes count.</summary>
    public bool Synced { get; private set; }

    /// <summary>Whether a flush of <paramref name="group"/> is under way.</summary>
    public bool Flushing(string group) => _groups.TryGetValue(group, out var g) && g.Flush is not null;

    /// <summary>The members of <paramref name="group"/>'s current view, sorted (none when it has no members).</summary>
    public ImmutableArray<ProcessId> MembersOf(string group) => _groups.TryGetValue(group, out var g) ? Sorted(g.Members) : [];

    /// <summary>Whether <paramref name="process"/> must still acknowledge <paramref name="group"/>'s flush.</summary>
    public bool AwaitsFlushOk(string group, ProcessId process) =>
        _groups.TryGetValue(group, out var g) && g.Flush is { } f && g.Members.Contains(process) && !f.Leavers.Contains(process) && !f.Ready.Contains(process);

    /// <summary>
    /// Those who left <paramref name="group"/> and are still in its members' views: the leavers of
    /// the flush under way, or, before the sync, every process whose leave was delivered in this ring.
    /// </summary>
    public IEnumerable<ProcessId> LeaversOf(string group) =>
        !Synced ? _leftBeforeSync.GetValueOrDefault(group) ?? []
        : _groups.TryGetValue(group, out var g) && g.Flush is { } f ? f.Leavers : [];

    /// <summary>A copy, to look ahead in a transitional configuration's messages without changing this book.</summary>
    public GroupBook Copy() => new(
        _ring, _ringMembers, new(_states), _groups.ToDictionary(kv => kv.Key, kv => kv.Value.Copy()),
        _leftBeforeSync.ToDictionary(kv => kv.Key, kv => new HashSet<ProcessId>(kv.Value)), Synced);

    /// <summary>Applies message <paramref name="message"/> of <paramref name="sender"/>, in the ring's total order.</summary>
    public BookStep Apply(ProcessId sender, MessageId message, GroupEnvelope envelope)
    {
        // A state for an earlier ring, which the ring sent only now, says nothing of this one.
        if (envelope.Op == GroupOp.State) return Synced || envelope.Stamp != _ring.Name ? BookStep.Nothing : TakeState(sender, message, envelope.Groups);
        if (!Synced)
        {
            // The states cover the joins and leaves of a ring not yet synced; a leaver is remembered
            // only so that a ring change before the sync leaves it out of the transitional view.
            if (envelope.Op == GroupOp.Leave) LeftBeforeSync(envelope.Group).Add(sender);
            return BookStep.Nothing;
        }
        return envelope.Op switch
        {
            GroupOp.Join => Join(envelope.Group, sender, message),
            GroupOp.Leave => Leave(envelope.Group, sender, message),
            GroupOp.FlushOk => FlushOk(envelope.Group, envelope.Stamp, sender, message),
            _ => BookStep.Nothing,
        };
    }

    // Rule 5: when the state of every member of the ring is in, each group is those that name it.
    private BookStep TakeState(ProcessId sender, MessageId message, ImmutableArray<string> groups)
    {
        if (!_ringMembers.Contains(sender) || _states.ContainsKey(sender)) return BookStep.Nothing;
        _states[sender] = groups;
        if (_states.Count < _ringMembers.Length) return BookStep.Nothing;
        Synced = true;
        var changes = new List<GroupViewChange>();
        // Who names each group, in one pass over the states (a state may name many groups).
        var naming = new SortedDictionary<string, HashSet<ProcessId>>(StringComparer.Ordinal);
        foreach (var (process, named) in _states)
            foreach (var group in named)
            {
                if (!naming.TryGetValue(group, out var names)) naming[group] = names = [];
                names.Add(process);
            }
        foreach (var (group, named) in naming)
        {
            // A leave delivered during the sync comes after its sender's state when the ring sent a state
            // queued before the leave: the leaver is out, whatever its state said.
            var left = _leftBeforeSync.GetValueOrDefault(group) ?? [];
            var members = named.Where(p => !left.Contains(p)).ToHashSet();
            if (members.Count == 0) continue;
            var view = GroupViewNames.Synced(message);
            _groups[group] = new GroupRecord(members) { View = view };
            changes.Add(new GroupViewChange(group, view, Sorted(members), GroupChangeCause.Sync, Sorted(left)));
        }
        return new BookStep(null, changes);
    }

    // Rule 1: a join starts the group's flush, or joins the one under way.
    private BookStep Join(string group, ProcessId joiner, MessageId message)
    {
        var g = Record(group);
        if (g.Members.Contains(joiner) && g.Flush?.Leavers.Contains(joiner) != true) return BookStep.Nothing;
        bool started = g.Flush is null;
        g.Flush ??= new Flush();
        g.Flush.Joiners.Add(joiner);
        return Completed(group, g, message) is { } change ? new BookStep(null, [change]) : new BookStep(started ? group : null, []);
    }

    private BookStep Leave(string group, ProcessId leaver, MessageId message)
    {
        var g = Record(group);
        if (g.Flush?.Joiners.Remove(leaver) == true) return Completed(group, g, message) is { } c ? new BookStep(null, [c]) : BookStep.Nothing;
        if (!g.Members.Contains(leaver)) return BookStep.Nothing;
        bool started = g.Flush is null;
        g.Flush ??= new Flush();
        g.Flush.Leavers.Add(leaver);
        return Completed(group, g, message) is { } change ? new BookStep(null, [change]) : new BookStep(started ? group : null, []);
    }

    // An acknowledgement counts for the flush of the view it is stamped with, never for a later one.
    private BookStep FlushOk(string group, string? view, ProcessId member, MessageId message)
    {
        if (!_groups.TryGetValue(group, out var g) || g.Flush is null || !g.Members.Contains(member) || g.View?.Name != view) return BookStep.Nothing;
        g.Flush.Ready.Add(member);
        return Completed(group, g, message) is { } change ? new BookStep(null, [change]) : BookStep.Nothing;
    }

    // The flush completes at the message after which every member but the leavers has acknowledged:
    // the new view is the old one, without the leavers, with the joiners. A flush whose joiner
    // left again before it completed changes nothing.
    private GroupViewChange? Completed(string group, GroupRecord g, MessageId message)
    {
        var flush = g.Flush!;
        if (g.Members.Any(m => !flush.Leavers.Contains(m) && !flush.Ready.Contains(m))) return null;
        g.Flush = null;
        if (flush.Joiners.Count == 0 && flush.Leavers.Count == 0) return null;
        g.Members.ExceptWith(flush.Leavers);
        g.Members.UnionWith(flush.Joiners);
        var members = Sorted(g.Members);
        g.View = GroupViewNames.Flushed(message, members);
        return new GroupViewChange(group, g.View.Value, members, GroupChangeCause.JoinOrLeave, Sorted(flush.Leavers));
    }

    private HashSet<ProcessId> LeftBeforeSync(string group)
    {
        if (!_leftBeforeSync.TryGetValue(group, out var left)) _leftBeforeSync[group] = left = [];
        return left;
    }

    private GroupRecord Record(string group)
    {
        if (!_groups.TryGetValue(group, out var g)) _groups[group] = g = new GroupRecord([]);
        return g;
    }

    private static ImmutableArray<ProcessId> Sorted(IEnumerable<ProcessId> members) => [.. members.Order(ProcessId.Ordinal)];

    /// <summary>A group's members, the identifier of their view (none while it has no members), and its flush.</summary>
    private sealed class GroupRecord(HashSet<ProcessId> members)
    {
        public HashSet<ProcessId> Members { get; } = members;

        public ConfigurationId? View { get; set; }

        public Flush? Flush { get; set; }

        public GroupRecord Copy() => new([.. Members]) { View = View, Flush = Flush?.Copy() };
    }

    /// <summary>A flush under way: who joins, who leaves, who has acknowledged.</summary>
    private sealed class Flush
    {
        public HashSet<ProcessId> Joiners { get; private init; } = [];

        public HashSet<ProcessId> Leavers { get; private init; } = [];

        public HashSet<ProcessId> Ready { get; private init; } = [];

        public Flush Copy() => new() { Joiners = [.. Joiners], Leavers = [.. Leavers], Ready = [.. Ready] };
    }
}
