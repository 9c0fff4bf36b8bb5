// Section 2: "The specification of extended virtual synchrony is defined in terms of four
// types of events": deliver_conf_p(c), send_p(m, c), deliver_p(m, c) and fail_p(c).
// A history H is a set of these events; a trace (docs/TRACE.md) writes it down.
using System.Collections.Immutable;
using Evs.Reference.Groups;

namespace Evs.Reference.Model;

/// <summary>
/// One event of one process. <see cref="Index"/> is the process's own event counter
/// (Specification 1.2: the events of a process are totally ordered), never reused, also
/// across a crash. <see cref="Time"/> is in milliseconds and only informational.
/// </summary>
public abstract record EvsEvent(ProcessId Process, long Index, double Time)
{
    /// <summary>The configuration the event belongs to: the c of the paper's notation.</summary>
    public abstract ConfigurationId Configuration { get; }

    /// <summary>How a report names this event: <c>p3#41</c>.</summary>
    public string Witness => $"{Process}#{Index}";
}

/// <summary>
/// deliver_conf_p(c): p delivers a configuration change message initiating c, of which p is a member.
/// <see cref="Left"/>, for a regular c, names members of p's previous regular configuration that p
/// heard announce a graceful leave (docs/TRACE.md); informational, no specification reads it.
/// </summary>
public sealed record DeliverConf(
    ProcessId Process, long Index, double Time,
    ConfigurationId Conf, ConfigurationKind Kind, ImmutableArray<ProcessId> Members,
    ConfigurationId? PreviousRegular = null, bool? Primary = null, IReadOnlyList<ProcessId>? Left = null)
    : EvsEvent(Process, Index, Time)
{
    /// <inheritdoc/>
    public override ConfigurationId Configuration => Conf;
}

/// <summary>
/// send_p(m, c): p sends (originates) m while a member of the regular configuration c.
/// <see cref="Hash"/> is the payload's digest and <see cref="Text"/> its text, both optional and
/// for people and tools only (docs/TRACE.md); no specification reads the text. <see cref="Group"/>
/// is the group envelope of the payload, when it has one (docs/TRACE.md, "Groups").
/// </summary>
public sealed record Send(
    ProcessId Process, long Index, double Time,
    MessageId Message, ConfigurationId Conf, DeliveryService Service, string? Hash = null, string? Text = null, GroupTag? Group = null)
    : EvsEvent(Process, Index, Time)
{
    /// <inheritdoc/>
    public override ConfigurationId Configuration => Conf;
}

/// <summary>deliver_p(m, c): p delivers m while a member of c, regular or transitional (<see cref="Hash"/>, <see cref="Text"/> and <see cref="Group"/> as for <see cref="Send"/>).</summary>
public sealed record Deliver(
    ProcessId Process, long Index, double Time,
    MessageId Message, ConfigurationId Conf, DeliveryService Service, string? Hash = null, string? Text = null, GroupTag? Group = null)
    : EvsEvent(Process, Index, Time)
{
    /// <inheritdoc/>
    public override ConfigurationId Configuration => Conf;
}

/// <summary>
/// fail_p(c): p fails while a member of c. <see cref="Left"/>: p left gracefully, having announced it
/// (docs/TRACE.md); to the specifications a leave is a failure like any other.
/// </summary>
public sealed record Fail(ProcessId Process, long Index, double Time, ConfigurationId Conf, bool Left = false)
    : EvsEvent(Process, Index, Time)
{
    /// <inheritdoc/>
    public override ConfigurationId Configuration => Conf;
}
