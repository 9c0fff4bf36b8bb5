// Named groups, sans-IO: the outputs of a group layer. Ring messages for the driver to send, and
// the group events for the application, which are the paper's four events once more, per group:
// a group view installed (deliver_conf), a group message sent (send) or delivered (deliver), a
// group failed (fail, also a leave); and, for a driver that keeps the application's requests
// open, what became of each, by its ticket: taken, lost, joined, left.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.Groups;

/// <summary>One thing a group layer asks its driver to do, or tells its application.</summary>
public abstract record GroupOutput;

/// <summary>Hand <paramref name="Payload"/> (a group envelope) to the ring, with <paramref name="Service"/>.</summary>
public sealed record RingSendRequested(byte[] Payload, DeliveryService Service) : GroupOutput;

/// <summary>
/// The process installs <paramref name="View"/> of <paramref name="Group"/> (its reg for a
/// transitional view in <see cref="Configuration.PreviousRegular"/>). <paramref name="Joined"/> and
/// <paramref name="Left"/> compare it with the regular view before it.
/// </summary>
public sealed record GroupViewInstalled(string Group, Configuration View, ImmutableArray<ProcessId> Joined, ImmutableArray<ProcessId> Left, GroupChangeCause Cause) : GroupOutput;

/// <summary>
/// The ring sent this process's message to <paramref name="Group"/> in view <paramref name="View"/>:
/// the group's send_p(m, c), for the request of <paramref name="Ticket"/> (0 in a replay of a trace,
/// which knows no requests).
/// </summary>
public sealed record GroupMessageSent(string Group, MessageId Message, ConfigurationId View, DeliveryService Service, long Ticket) : GroupOutput;

/// <summary>
/// The send of <paramref name="Ticket"/> to <paramref name="Group"/> is lost: no member delivers it.
/// Either the ring sent it as <paramref name="Message"/> after the view it was stamped with had
/// ended, or the process failed or stopped before the ring sent it, and it has no
/// <paramref name="Message"/>.
/// </summary>
public sealed record GroupSendLost(string Group, MessageId? Message, DeliveryService Service, long Ticket) : GroupOutput;

/// <summary>The join of <paramref name="Ticket"/> took effect: the process is in <paramref name="View"/>, its first view of <paramref name="Group"/> (rule 2).</summary>
public sealed record GroupJoined(string Group, ConfigurationId View, long Ticket) : GroupOutput;

/// <summary>The leave of <paramref name="Ticket"/> took effect: the process left <paramref name="View"/> of <paramref name="Group"/>, right after its <see cref="GroupFailed"/> with Left.</summary>
public sealed record GroupLeft(string Group, ConfigurationId View, long Ticket) : GroupOutput;

/// <summary>Which of the application's requests about membership.</summary>
public enum GroupRequestKind
{
    /// <summary>A join.</summary>
    Join,

    /// <summary>A leave.</summary>
    Leave,
}

/// <summary>The join or leave of <paramref name="Ticket"/> will never take effect: the process failed or stopped first.</summary>
public sealed record GroupRequestLost(string Group, GroupRequestKind Kind, long Ticket) : GroupOutput;

/// <summary>Deliver <paramref name="Sender"/>'s message to the application, in view <paramref name="View"/> of <paramref name="Group"/>.</summary>
public sealed record GroupMessageDelivered(string Group, MessageId Message, ProcessId Sender, ConfigurationId View, DeliveryService Service, byte[] Payload) : GroupOutput;

/// <summary>The process is no longer in <paramref name="View"/> of <paramref name="Group"/>: it left (<paramref name="Left"/>) or failed.</summary>
public sealed record GroupFailed(string Group, ConfigurationId View, bool Left) : GroupOutput;
