// The paper, Section 4: Birman's model of virtual synchrony, as the filter of Section 5 produces
// it and the virtual synchrony checker judges it. "The events local to a process are send(m),
// deliver(m) and stop. In addition, the virtual synchrony model has the group events: view_i(g),
// cbcast(g, m) and abcast(g, m)." docs/VS-TRACE.md writes these events down.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.VirtualSynchrony;

/// <summary>
/// The two multicasts of virtual synchrony: cbcast (causal; the EVS causal service) and abcast
/// (atomic, totally ordered; the EVS agreed and safe services).
/// </summary>
public enum VsService
{
    /// <summary>Causally ordered multicast.</summary>
    Cbcast,

    /// <summary>Totally ordered multicast.</summary>
    Abcast,
}

/// <summary>How the EVS delivery services map onto the virtual synchrony multicasts.</summary>
public static class VsServices
{
    /// <summary>causal is cbcast; agreed and safe are abcast.</summary>
    public static VsService Of(DeliveryService service) => service == DeliveryService.Causal ? VsService.Cbcast : VsService.Abcast;

    /// <summary>The trace spelling: <c>cbcast</c> or <c>abcast</c>.</summary>
    public static string ToName(this VsService service) => service == VsService.Cbcast ? "cbcast" : "abcast";
}

/// <summary>
/// One event of one virtual synchrony process. <see cref="Process"/> is the virtual synchrony
/// identifier: the EVS process id, or <c>q~1</c>, <c>q~2</c>… for a process given a new identifier
/// when it is merged again after it failed or left the primary component (Section 5, the note
/// on Rule 4). <see cref="Index"/> counts that identifier's events from 0.
/// </summary>
public abstract record VsEvent(string Process, long Index, double Time)
{
    /// <summary>How a report names this event: <c>q~1#4</c>.</summary>
    public string Witness => $"{Process}#{Index}";
}

/// <summary>view_i(g^x): the process installs the view <paramref name="View"/> of the group, with these members.</summary>
public sealed record ViewChange(string Process, long Index, double Time, string View, ImmutableArray<string> Members)
    : VsEvent(Process, Index, Time);

/// <summary>cbcast(g, m) or abcast(g, m): the process multicasts m in its current view.</summary>
public sealed record VsSend(string Process, long Index, double Time, MessageId Message, VsService Service)
    : VsEvent(Process, Index, Time);

/// <summary>deliver(m): the process delivers m in its current view (the last view event before it).</summary>
public sealed record VsDeliver(string Process, long Index, double Time, MessageId Message, VsService Service)
    : VsEvent(Process, Index, Time);

/// <summary>stop: the distinguished final event of a failed process; nothing follows it under this identifier.</summary>
public sealed record Stop(string Process, long Index, double Time) : VsEvent(Process, Index, Time);

/// <summary>The header of a virtual synchrony trace (docs/VS-TRACE.md).</summary>
public sealed record VsTraceHeader(string Source, long? Seed, string? Scenario, bool Quiescent)
{
    /// <summary>The format tag of this version.</summary>
    public const string FormatName = "vs-trace/1";
}

/// <summary>A virtual synchrony history: its header and its events, in any interleaving of processes.</summary>
public sealed record VsTrace(VsTraceHeader Header, IReadOnlyList<VsEvent> Events);
