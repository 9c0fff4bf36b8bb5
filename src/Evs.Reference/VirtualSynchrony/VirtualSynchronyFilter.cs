// The paper, Section 5: "We construct a filter on a system that maintains extended virtual
// synchrony and show that all of the runs produced by this filter are acceptable executions
// according to the virtual synchrony model." This is that filter, at one process: it reads the
// process's EVS events one by one and dispatches each to the rule that governs it (Rules 1-4,
// one class each), keeping the small state of FilterState between them. It is pure: no clock, no
// I/O, no randomness; the same inputs always give the same virtual synchrony events.
using Evs.Reference.Model;

namespace Evs.Reference.VirtualSynchrony;

/// <summary>
/// The virtual synchrony filter of one process. <see cref="Apply"/> takes the process's EVS events
/// in its local order and returns, for each, the virtual synchrony events it produces (often none),
/// numbered per identity from 0. <see cref="Blocked"/> tells a driver when to refuse the
/// application's sends (Rule 2).
/// </summary>
public sealed class VirtualSynchronyFilter(ProcessId process)
{
    /// <summary>The EVS process this filter runs at.</summary>
    public ProcessId Process { get; } = process;

    /// <summary>The state after the inputs applied so far.</summary>
    public FilterState State { get; private set; } = FilterState.Initial;

    /// <summary>
    /// True while the process has no live identity in a primary view: a driver refuses the
    /// application's sends and tells it so (Rule 2). False inside a masked transitional
    /// configuration after a primary view: the identity is still live there, and EVS itself holds
    /// new sends back until the next regular configuration (Step 2 of the recovery algorithm).
    /// </summary>
    public bool Blocked => State is FilterState.Blocked;

    /// <summary>The virtual synchrony events <paramref name="input"/> produces, in order; the state moves on.</summary>
    /// <exception cref="ArgumentException">The input is not this process's, or its primary view information is missing, misplaced or does not fit the configuration.</exception>
    /// <exception cref="InvalidOperationException">The primary view information contradicts the process's own history (Rules 3 and 4).</exception>
    public IReadOnlyList<VsEvent> Apply(FilterInput input)
    {
        var step = Next(State, Process, input);
        State = step.State;
        return step.Events;
    }

    /// <summary>The virtual synchrony history of <paramref name="process"/> from its whole EVS input list, in order.</summary>
    public static IReadOnlyList<VsEvent> FilterHistory(ProcessId process, IEnumerable<FilterInput> inputs)
    {
        var filter = new VirtualSynchronyFilter(process);
        return [.. inputs.SelectMany(filter.Apply)];
    }

    /// <summary>The filter as a function: what <paramref name="input"/> does to <paramref name="state"/> at <paramref name="self"/>.</summary>
    public static FilterStep Next(FilterState state, ProcessId self, FilterInput input)
    {
        if (input.Event.Process != self)
            throw new ArgumentException($"The filter of {self} was given an event of {input.Event.Process} ({input.Event.Witness}).", nameof(input));
        if (input.Primary is not null && input.Event is not DeliverConf { Kind: ConfigurationKind.Regular, Primary: true })
            throw new ArgumentException($"{input.Event.Witness}: primary view information comes only with a regular configuration change marked primary.", nameof(input));
        return input.Event switch
        {
            DeliverConf { Kind: ConfigurationKind.Transitional } change => Rule1MaskTransitional.Mask(state, change),
            DeliverConf { Primary: true } change => EnterPrimary(state, change, input.Primary
                ?? throw new ArgumentException($"{change.Witness}: the primary configuration {change.Conf} comes without its primary view information.", nameof(input))),
            DeliverConf change => Rule2BlockOutsidePrimary.Leave(state, change.Time),
            Send send => Rule2BlockOutsidePrimary.Send(state, send),
            // A delivery in the transitional configuration being masked waits for Rule 3 or is
            // dropped; any other passes only in the configuration of the current primary view.
            Deliver deliver when state is FilterState.InTransitional holding && Rule1MaskTransitional.Holds(holding, deliver) => Rule1MaskTransitional.Hold(holding, deliver),
            Deliver deliver => Rule2BlockOutsidePrimary.Deliver(state, deliver),
            // A failure ends the identity as leaving the primary component does (Section 4.1).
            Fail fail => Rule2BlockOutsidePrimary.Leave(state, fail.Time),
            _ => throw new ArgumentException($"{input.Event.Witness}: not one of the four extended virtual synchrony events.", nameof(input)),
        };
    }

    // Rules 3 and 4 share the split of the configuration into views; which one applies depends only
    // on whether this process continues from the previous primary view.
    private static FilterStep EnterPrimary(FilterState state, DeliverConf primary, PrimaryViewInfo info)
    {
        CheckFits(primary, info);
        return info.Continuing.Contains(primary.Process)
            ? Rule3SplitMerge.Continue(state, primary, info)
            : Rule4MergeIntoPrimary.Merge(state, primary, info);
    }

    private static void CheckFits(DeliverConf primary, PrimaryViewInfo info)
    {
        if (!primary.Members.Contains(primary.Process))
            throw new ArgumentException($"{primary.Witness}: {primary.Process} delivers the configuration {primary.Conf} without being a member of it.", nameof(info));
        var unnamed = primary.Members.Where(m => !info.Names.ContainsKey(m)).ToList();
        if (unnamed.Count > 0)
            throw new ArgumentException($"{primary.Witness}: the primary view information names no virtual synchrony identifier for {string.Join(", ", unnamed)}.", nameof(info));
        var strangers = info.Continuing.Where(p => !primary.Members.Contains(p)).ToList();
        if (strangers.Count > 0)
            throw new ArgumentException($"{primary.Witness}: {string.Join(", ", strangers)} continue into {primary.Conf} without being members of it.", nameof(info));
    }
}
