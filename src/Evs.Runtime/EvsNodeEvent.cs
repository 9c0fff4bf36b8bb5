// The real network (the library API): what the application of a process sees, the paper's
// deliver_p(m, c) and deliver_conf_p(c), as records an application can pattern-match on.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>Something delivered to this process's application.</summary>
public abstract record EvsNodeEvent;

/// <summary>deliver_p(m, c): <paramref name="Message"/>, sent by <paramref name="Sender"/> with <paramref name="Service"/>, is delivered in configuration <paramref name="Configuration"/>.</summary>
public sealed record MessageDeliveredEvent(
    MessageId Message,
    ProcessId Sender,
    ConfigurationId Configuration,
    DeliveryService Service,
    ReadOnlyMemory<byte> Payload) : EvsNodeEvent;

/// <summary>
/// deliver_conf_p(c): this process is now in configuration <paramref name="Configuration"/>, regular or
/// transitional, with <paramref name="Members"/> (sorted). <paramref name="Primary"/> is what the primary
/// component algorithm decided for a regular configuration (null when none runs, and for a transitional
/// one); <paramref name="PreviousRegular"/> is, for a transitional configuration, the regular one it follows.
/// </summary>
public sealed record ConfigurationChangedEvent(
    ConfigurationId Configuration,
    ConfigurationKind Kind,
    ImmutableArray<ProcessId> Members,
    bool? Primary,
    ConfigurationId? PreviousRegular = null) : EvsNodeEvent;
