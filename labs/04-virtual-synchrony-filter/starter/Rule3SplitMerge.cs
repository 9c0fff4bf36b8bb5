// Lab 4 starter (labs/04-virtual-synchrony-filter/README.md): Rule3SplitMerge, Section 5's rule with its
// method bodies removed; the documentation says what each must do, the handout why.
// `evs lab start 4` copies the four rule files to student/, `evs lab check 4` grades them.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.VirtualSynchrony;

/// <summary>
/// Rule 3: "For a process in the primary component, upon receiving a configuration change message
/// for a regular configuration that is a primary component and that merges a non-primary
/// component containing several processes into the primary component, split the delivery of the
/// single configuration change message into multiple events each of which merges one process at a
/// time into the primary component in a deterministic order (such as lexicographical order)."
/// <para>
/// The views of a primary configuration c. K is the set of members that continue from the previous
/// primary view (<see cref="PrimaryViewInfo.Continuing"/>), J the other members sorted by their EVS
/// identifiers in ordinal (lexicographical) order. View <c>c#0</c> is K alone: it removes the
/// members of the previous view that did not come along, which virtual synchrony records as their
/// failure. Then view <c>c#k</c>, for k = 1 … |J|, is K with J1 … Jk: one process merged per view.
/// When K is empty nobody carries the group over and there is nothing to merge into: the members
/// form a new group, with the single view <c>c#0</c> holding them all. The members of a view are
/// listed by their virtual synchrony names (<see cref="PrimaryViewInfo.Names"/>), sorted ordinally.
/// </para>
/// <para>
/// When nobody left (K is the whole previous view) and someone joins, <c>c#0</c> would be the
/// previous view over again: a view change that removes nobody and merges nobody, which the rule's
/// "events each of which merges one process" has no place for. The continuing members then skip
/// it and install <c>c#1</c> … <c>c#|J|</c>; a view keeps its name <c>c#k</c> (k processes merged)
/// either way, so every member still names the views the same. With nobody to merge, <c>c#0</c> is
/// the only view and is kept.
/// </para>
/// <para>
/// Why it is the same at every member, which L3 needs ("membership change events for the same view
/// but distinct processes have the same logical time"): every member delivers the same
/// configuration change (Specification 6.2 gives it one logical time), is given the same K and
/// names by the primary component algorithm, and cuts it with this one deterministic function.
/// </para>
/// <para>
/// A continuing member (one in K) came from the previous primary view, so it has a live identity.
/// It first releases the deliveries Rule 1 held in its transitional configuration into that
/// previous view, then installs the views c#0 … c#|J| (from c#1 when c#0 is the previous view over
/// again and J is not empty). A member of K without a live identity, or
/// whose name the primary component algorithm changed, means the information given to the filter
/// is inconsistent with the process's own history: an upstream bug, reported with an exception.
/// </para>
/// </summary>
public static class Rule3SplitMerge
{
    /// <summary>J: the members of <paramref name="primary"/> that do not continue, in the order they are merged.</summary>
    public static ImmutableArray<ProcessId> Joining(DeliverConf primary, PrimaryViewInfo info) =>
        throw new NotImplementedException("lab 4: Rule3SplitMerge.Joining");

    /// <summary>The views <paramref name="primary"/> is split into, in order.</summary>
    public static ImmutableArray<VsView> Views(DeliverConf primary, PrimaryViewInfo info) =>
        throw new NotImplementedException("lab 4: Rule3SplitMerge.Views");

    /// <summary>
    /// A continuing member: release what Rule 1 held into the previous view, then install the views of
    /// <paramref name="primary"/>, without <c>c#0</c> when it lists the members of the previous view and someone joins.
    /// </summary>
    public static FilterStep Continue(FilterState state, DeliverConf primary, PrimaryViewInfo info) =>
        throw new NotImplementedException("lab 4: Rule3SplitMerge.Continue");
}
