// Lab 4 starter (labs/04-virtual-synchrony-filter/README.md): Rule2BlockOutsidePrimary, Section 5's rule with its
// method bodies removed; the documentation says what each must do, the handout why.
// `evs lab start 4` copies the four rule files to student/, `evs lab check 4` grades them.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.VirtualSynchrony;

/// <summary>
/// Rule 2: "Upon receiving a configuration change message for a regular configuration that is not
/// a primary component, block, i.e. don't accept any messages from the application for sending
/// and discard any messages or configuration changes received until this process becomes a member
/// of the primary component."
/// <para>
/// Blocking alone is not enough to give a legal virtual synchrony history. The process was a
/// member of the last primary view, and C3 says that each message delivered in a view is
/// delivered by all its members; the primary component goes on delivering messages in that view
/// (those it delivers in its transitional configuration) that the departed process never gets.
/// Virtual synchrony's answer is its failure model (Section 4.1): a process that leaves the primary
/// component is removed from the group as if it failed, with a stop event, and "if a failed process
/// subsequently recovers and reconnects to the primary partition, it does so with a new
/// identifier". After a stop, C3 no longer binds the process: the extend mechanism imputes the
/// missing deliveries to it (Section 5.2: fail-stop behaviour is simulated "by requiring a failed
/// process to assume a new identity when it recovers"). So this rule stops the live identity,
/// drops the deliveries Rule 1 was holding (shown before the stop, they may precede a delivery that
/// Extend imputes after them and the others made before them, which breaks L5: Rule 1 says why),
/// and blocks.
/// </para>
/// <para>
/// While blocked the process has no identity, so nothing it sends or receives can appear in the
/// virtual synchrony history: it is discarded. The application's sends are refused by the driver,
/// which asks <see cref="VirtualSynchronyFilter.Blocked"/>; a send that still reaches EVS (buffered
/// by Step 2 of the recovery algorithm into a configuration that turns out not to be primary) is
/// discarded here. A regular configuration for which no primary component algorithm decided
/// (Primary absent) counts as not primary: without a decision there is no primary component.
/// </para>
/// <para>
/// A failure, fail_p(c), ends the identity the same way (Section 4.1: "a failure appears as a stop
/// event"); the last events of a failed process may be lost forever (Section 5.3).
/// </para>
/// </summary>
public static class Rule2BlockOutsidePrimary
{
    /// <summary>
    /// Leaving the primary component (a non-primary regular configuration, a failure, or, in
    /// Rule 4, a merge under a new identifier): stop the live identity, if any, at
    /// <paramref name="time"/>, drop what Rule 1 held, and block.
    /// </summary>
    public static FilterStep Leave(FilterState state, double time) =>
        throw new NotImplementedException("lab 4: Rule2BlockOutsidePrimary.Leave");

    /// <summary>send_p(m, c): cbcast or abcast when c is the configuration the current view was cut from; else discarded.</summary>
    public static FilterStep Send(FilterState state, Send send) =>
        throw new NotImplementedException("lab 4: Rule2BlockOutsidePrimary.Send");

    /// <summary>deliver_p(m, c) in a regular configuration: deliver(m) when c is the configuration the current view was cut from; else discarded.</summary>
    public static FilterStep Deliver(FilterState state, Deliver deliver) =>
        throw new NotImplementedException("lab 4: Rule2BlockOutsidePrimary.Deliver");
}
