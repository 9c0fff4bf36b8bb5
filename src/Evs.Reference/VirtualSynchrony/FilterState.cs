// The paper, Section 5: the filter "runs locally at a process" and turns its extended virtual
// synchrony history into a virtual synchrony one. This is what the filter remembers between two
// events of the process: whether it is blocked (Rule 2), else its live virtual synchrony identity
// and current view, and, inside a masked transitional configuration, the deliveries Rule 1 holds
// back. Three records, one per phase, so that an impossible combination (deliveries held with no
// identity to release them under, an identity without a view) cannot even be written down.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.VirtualSynchrony;

/// <summary>
/// A view of the group, g^x in Birman's notation: its identifier (<c>R2.q#1</c>, the same string
/// at every member), its members' virtual synchrony identifiers sorted ordinally, and the primary
/// regular configuration it was cut from. Sends and deliveries of that configuration belong to
/// the last view cut from it.
/// </summary>
public sealed record VsView(string Id, ImmutableArray<string> Members, ConfigurationId Configuration);

/// <summary>
/// A live virtual synchrony identity: its name (<c>q</c>, <c>q~1</c>…), the index its next event
/// gets (events of an identity are numbered 0, 1, 2… with no gap), and the view it is in. Each
/// method numbers the events it makes and returns the identity as it is after them.
/// </summary>
public sealed record LiveIdentity(string Name, long NextIndex, VsView View)
{
    /// <summary>A new identity whose first events install <paramref name="views"/> (at least one), numbered from 0.</summary>
    public static (LiveIdentity Identity, ImmutableArray<VsEvent> Events) Begin(string name, IReadOnlyList<VsView> views, double time) =>
        new LiveIdentity(name, 0, views[0]).Install(views, time);

    /// <summary>view_i(g^x) for each of <paramref name="views"/>, in order, all at the configuration change's time.</summary>
    public (LiveIdentity Identity, ImmutableArray<VsEvent> Events) Install(IReadOnlyList<VsView> views, double time)
    {
        var events = views.Select((view, k) => (VsEvent)new ViewChange(Name, NextIndex + k, time, view.Id, view.Members)).ToImmutableArray();
        return (this with { NextIndex = NextIndex + views.Count, View = views[^1] }, events);
    }

    /// <summary>deliver(m) for each EVS delivery, in order, each at its own time, in the current view.</summary>
    public (LiveIdentity Identity, ImmutableArray<VsEvent> Events) Deliver(IReadOnlyList<Deliver> deliveries)
    {
        var events = deliveries.Select((d, k) => (VsEvent)new VsDeliver(Name, NextIndex + k, d.Time, d.Message, VsServices.Of(d.Service))).ToImmutableArray();
        return (this with { NextIndex = NextIndex + deliveries.Count }, events);
    }

    /// <summary>cbcast or abcast of the EVS send's message, in the current view.</summary>
    public (LiveIdentity Identity, ImmutableArray<VsEvent> Events) Send(Send send) =>
        (this with { NextIndex = NextIndex + 1 }, [new VsSend(Name, NextIndex, send.Time, send.Message, VsServices.Of(send.Service))]);

    /// <summary>The final event of this identity; nothing may follow it under this name.</summary>
    public VsEvent Stop(double time) => new Stop(Name, NextIndex, time);
}

/// <summary>
/// The filter's state at one process: exactly one of <see cref="Blocked"/>,
/// <see cref="InPrimaryView"/> and <see cref="InTransitional"/>.
/// </summary>
public abstract record FilterState
{
    private FilterState()
    {
    }

    /// <summary>The state of a process the filter has not seen yet: blocked, with no identity.</summary>
    public static FilterState Initial { get; } = new Blocked();

    /// <summary>
    /// No live identity (Rule 2): the application's sends are refused and everything the process
    /// receives is discarded, until Rule 4 merges it into a primary view under a new identity.
    /// </summary>
    public sealed record Blocked : FilterState;

    /// <summary>A live identity, in a view of the primary component.</summary>
    public abstract record Live(LiveIdentity Identity) : FilterState;

    /// <summary>In the regular configuration its current view was cut from: sends and deliveries pass.</summary>
    public sealed record InPrimaryView(LiveIdentity Identity) : Live(Identity);

    /// <summary>
    /// After the masked configuration change to <paramref name="Transitional"/> (Rule 1): its
    /// deliveries there are <paramref name="Held"/> until the next regular configuration decides
    /// whether they are released into the current view (Rule 3) or dropped (Rules 2 and 4).
    /// </summary>
    public sealed record InTransitional(LiveIdentity Identity, ConfigurationId Transitional, ImmutableList<Deliver> Held) : Live(Identity);
}

/// <summary>What one input does: the state after it and the virtual synchrony events it produced, in order.</summary>
public sealed record FilterStep(FilterState State, ImmutableArray<VsEvent> Events)
{
    /// <summary>No event; the state is unchanged.</summary>
    public static FilterStep Nothing(FilterState state) => new(state, []);
}
