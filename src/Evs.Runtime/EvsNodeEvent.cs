// The real network (the library API): what the application of a process sees, the paper's
// deliver_p(m, c) and deliver_conf_p(c), as records an application can pattern-match on; and,
// behind the virtual synchrony filter (EvsNodeOptions.VirtualSynchrony, the paper's Section 5),
// what an Isis-style application sees instead: views of the primary component, deliveries in
// them, and when its sends are refused outside the primary component and accepted again.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Runtime;

/// <summary>
/// Something delivered to this process's application. Without the virtual synchrony filter the
/// application sees the extended virtual synchrony events, <see cref="MessageDeliveredEvent"/> and
/// <see cref="ConfigurationChangedEvent"/>. Behind the filter (<see cref="EvsNodeOptions.VirtualSynchrony"/>)
/// it sees only virtual synchrony events instead: <see cref="ViewInstalledEvent"/>,
/// <see cref="MessageDeliveredInViewEvent"/>, <see cref="SendsBlockedEvent"/> and
/// <see cref="SendsUnblockedEvent"/>; no configuration of a non-primary component, no
/// transitional configuration, and nothing delivered outside the primary component.
/// </summary>
public abstract record EvsNodeEvent;

/// <summary>deliver_p(m, c): <paramref name="Message"/>, sent by <paramref name="Sender"/> with <paramref name="Service"/>, is delivered in configuration <paramref name="Configuration"/>.</summary>
public sealed record MessageDeliveredEvent(
    MessageId Message,
    ProcessId Sender,
    ConfigurationId Configuration,
    DeliveryService Service,
    ReadOnlyMemory<byte> Payload) : EvsNodeEvent;

/// <summary>
/// deliver_conf_p(c): this process is now in the configuration <paramref name="View"/> describes,
/// regular or transitional, with what changed since the previous regular configuration and why
/// (<see cref="Runtime.View.Cause"/>: a restart of this process is told apart from a partition).
/// The properties below are the view's, for pattern matching.
/// </summary>
public sealed record ConfigurationChangedEvent(View View) : EvsNodeEvent
{
    /// <summary>The configuration's identifier.</summary>
    public ConfigurationId Configuration => View.Configuration;

    /// <summary>Regular or transitional.</summary>
    public ConfigurationKind Kind => View.Kind;

    /// <summary>The members, sorted.</summary>
    public ImmutableArray<ProcessId> Members => View.Members;

    /// <summary>What the primary component algorithm decided for a regular configuration (null when none runs, and for a transitional one).</summary>
    public bool? Primary => View.Primary;

    /// <summary>For a transitional configuration, the regular one it follows.</summary>
    public ConfigurationId? PreviousRegular => View.PreviousRegular;
}

/// <summary>
/// view_i(g^x), behind the virtual synchrony filter: this process, under the virtual synchrony
/// identifier <paramref name="Identity"/> (<c>p3</c>, or <c>p3~1</c> after it left the primary
/// component and was merged again: a new process, as virtual synchrony sees it), installs the view
/// <paramref name="View"/> (<c>R8.p1#2</c>, the same string at every member) of the primary
/// component, whose members are <paramref name="Members"/> (their identifiers, sorted ordinally).
/// <paramref name="Configuration"/> is the primary regular configuration the view was cut from: a
/// merge is split into one view per process that joins (Rule 3), all cut from one configuration.
/// </summary>
public sealed record ViewInstalledEvent(
    string View,
    ImmutableArray<string> Members,
    string Identity,
    ConfigurationId Configuration) : EvsNodeEvent;

/// <summary>
/// deliver(m), behind the virtual synchrony filter: <paramref name="Message"/>, sent by
/// <paramref name="Sender"/> as <paramref name="Service"/> (cbcast for the causal service, abcast
/// for agreed and safe), is delivered in the view <paramref name="View"/>, the last
/// <see cref="ViewInstalledEvent"/> before it, which is the view it was sent in.
/// </summary>
public sealed record MessageDeliveredInViewEvent(
    MessageId Message,
    ProcessId Sender,
    string View,
    VsService Service,
    ReadOnlyMemory<byte> Payload) : EvsNodeEvent;

/// <summary>
/// Behind the virtual synchrony filter, this process is outside the primary component (Rule 2):
/// from now on <see cref="EvsNode.SendAsync"/> refuses to send (<see cref="SendsBlockedException"/>),
/// until it is merged into the primary component again under a new identifier.
/// <paramref name="StoppedIdentity"/> is the identifier whose history has just ended (virtual
/// synchrony counts the process as failed), or null when it had none (it has not yet been in a
/// primary component since it started). <paramref name="Reason"/> says why, as the refusal does.
/// </summary>
public sealed record SendsBlockedEvent(string? StoppedIdentity, string Reason) : EvsNodeEvent;

/// <summary>
/// A handler given to <see cref="EvsNode.OnEvent"/> threw <paramref name="Exception"/> while it
/// handled <paramref name="Event"/>. The handler stays subscribed (it is called with the next
/// event); the exception is also logged as an error. Every subscriber, handlers and
/// <see cref="EvsNode.Events"/> streams, is told, so that an application that lost an event to its
/// own bug knows it; a handler that throws on this event is only logged, so a failure never feeds itself.
/// </summary>
public sealed record HandlerFailedEvent(EvsNodeEvent Event, Exception Exception) : EvsNodeEvent;

/// <summary>
/// Behind the virtual synchrony filter, this process has been merged into the primary component
/// (Rule 4) under the identifier <paramref name="Identity"/>, in the view <paramref name="View"/>
/// (announced just before by its <see cref="ViewInstalledEvent"/>s): sends are accepted again.
/// </summary>
public sealed record SendsUnblockedEvent(string Identity, string View) : EvsNodeEvent;
