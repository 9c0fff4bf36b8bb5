// The real network (the library API): named groups over one ring, as Corosync's CPG and Spread's
// lightweight groups give them. A process joins a group by name, sends to it, and sees the group's
// own views and messages: views whose changes are ordered in the ring's total order, so that every
// member sees the same views in the same order relative to the group's messages, and for which the
// paper's specifications hold group by group (the algorithm is Evs.Reference.Groups.GroupLayer;
// `evs check` judges each group of a trace).
using System.Collections.Immutable;
using Evs.Reference.Groups;
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>
/// This process's membership of one named group, from <see cref="EvsNode.JoinAsync"/>. Its views
/// and messages arrive as <see cref="GroupViewChangedEvent"/> and <see cref="GroupMessageDeliveredEvent"/>
/// through the node's <see cref="EvsNode.Events"/> and <see cref="EvsNode.OnEvent"/>, in order with
/// everything else the node delivers.
/// </summary>
public sealed class NamedGroup
{
    private readonly NodeHost _host;

    internal NamedGroup(NodeHost host, string name)
    {
        _host = host;
        Name = name;
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>The group's view this process is in now (the last it installed, regular or transitional); null once it has left. Safe to read from any thread.</summary>
    public GroupView? CurrentView => _host.GroupViewOf(Name);

    /// <summary>
    /// Sends <paramref name="payload"/> (copied) to the members of the group's current view. Returns,
    /// once the ring has sent it, the receipt: its identifier, the group view it was sent in, and its
    /// outcomes (delivered here, in which group view; for a safe message, safe here). A message
    /// handed over while the group's view is changing waits for the new view; one the ring sends
    /// after the view it was meant for has changed under it (a ring change in between) is not
    /// delivered to anyone, and this call throws <see cref="MessageLostException"/>, as it does
    /// when the process stops first.
    /// </summary>
    /// <exception cref="ArgumentException">The message is larger than <see cref="EvsNodeOptions.MaxMessageBytes"/>.</exception>
    /// <exception cref="InvalidOperationException">This process is not in the group (it left), or has stopped.</exception>
    /// <exception cref="MessageLostException">The message could not be sent in the view it was meant for, or the process stopped first.</exception>
    public Task<SendReceipt> SendAsync(ReadOnlyMemory<byte> payload, DeliveryService service, CancellationToken cancellationToken = default) =>
        _host.GroupSendAsync(Name, payload.ToArray(), service, cancellationToken);

    /// <summary>
    /// Leaves the group: completes once the leave has taken effect, in the ring's total order; the
    /// others then install a view without this process, and this process delivers nothing more of
    /// the group. Messages it sent before are delivered first.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process stopped first.</exception>
    public Task LeaveAsync(CancellationToken cancellationToken = default) => _host.LeaveGroupAsync(Name, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// A view of a group: its identifier (<paramref name="Id"/>, the same string at every member),
/// regular or transitional, its members (sorted), who joined and who left since this process's
/// previous regular view of the group, and why it changed.
/// </summary>
public sealed record GroupView(
    string Group,
    ConfigurationId Id,
    ConfigurationKind Kind,
    ImmutableArray<ProcessId> Members,
    ImmutableArray<ProcessId> Joined,
    ImmutableArray<ProcessId> Left,
    GroupViewCause Cause)
{
    /// <summary>Equal views have equal fields, the members, joined and left compared element by element.</summary>
    public bool Equals(GroupView? other) =>
        other is not null && Group == other.Group && Id == other.Id && Kind == other.Kind && Cause == other.Cause
        && Members.SequenceEqual(other.Members) && Joined.SequenceEqual(other.Joined) && Left.SequenceEqual(other.Left);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Group, Id, Kind, Members.Length);
}

/// <summary>Why a group's view changed.</summary>
public enum GroupViewCause
{
    /// <summary>This process's join was sent: it starts in a view of its own, until the others take it in.</summary>
    Joining,

    /// <summary>Members joined or left the group (announced, in the ring's total order).</summary>
    MembersJoinedOrLeft,

    /// <summary>The ring's configuration changed (a partition, a failure, a merge, a graceful leave): a transitional view, or the view held until the groups of the new ring are agreed.</summary>
    RingChanged,

    /// <summary>The members of the new ring agreed on the group's members.</summary>
    RingAgreed,
}

/// <summary>The group's view changed at this process (deliver_conf of the group).</summary>
public sealed record GroupViewChangedEvent(GroupView View) : EvsNodeEvent;

/// <summary>
/// deliver of the group: <paramref name="Message"/>, sent to <paramref name="Group"/> by
/// <paramref name="Sender"/> with <paramref name="Service"/>, is delivered in the group's view
/// <paramref name="View"/>.
/// </summary>
public sealed record GroupMessageDeliveredEvent(
    string Group,
    MessageId Message,
    ProcessId Sender,
    ConfigurationId View,
    DeliveryService Service,
    ReadOnlyMemory<byte> Payload) : EvsNodeEvent;

/// <summary>
/// This process is no longer in <paramref name="Group"/>: its leave took effect (<paramref name="Left"/>
/// true). <paramref name="LastView"/> is the view it was in. A node that stops leaves its groups
/// with it and tells nothing more: its event streams end.
/// </summary>
public sealed record GroupLeftEvent(string Group, ConfigurationId LastView, bool Left) : EvsNodeEvent;

/// <summary>How the core's group events read for the application.</summary>
internal static class GroupEvents
{
    public static GroupViewCause CauseOf(GroupChangeCause cause) => cause switch
    {
        GroupChangeCause.JoinSent => GroupViewCause.Joining,
        GroupChangeCause.JoinOrLeave => GroupViewCause.MembersJoinedOrLeft,
        GroupChangeCause.RingChange => GroupViewCause.RingChanged,
        _ => GroupViewCause.RingAgreed,
    };

    public static GroupView ViewOf(GroupViewInstalled installed) =>
        new(installed.Group, installed.View.Id, installed.View.Kind, installed.View.Members, installed.Joined, installed.Left, CauseOf(installed.Cause));
}
