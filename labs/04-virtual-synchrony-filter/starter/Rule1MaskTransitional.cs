// Lab 4 starter (labs/04-virtual-synchrony-filter/README.md): Rule1MaskTransitional, Section 5's rule with its
// method bodies removed; the documentation says what each must do, the handout why.
// `evs lab start 4` copies the four rule files to student/, `evs lab check 4` grades them.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.VirtualSynchrony;

/// <summary>
/// Rule 1: "Upon receiving a configuration change message for a transitional configuration
/// trans_p(c), mask this event and transform all deliver_p(m, trans_p(c)) events into
/// deliver_p(m, reg_p(c)) events until the next deliver_config event for a regular configuration
/// is received."
/// <para>
/// Why the transformation is right: by Specification 1.3 a message delivered in a transitional
/// configuration was sent in the regular configuration just before it, reg_p(c). Delivering it in
/// the view cut from reg_p(c) therefore delivers it in the view in which it was sent, which is
/// what Birman's L4 asks (the paper's proof of L4 in Section 5.1 rests on exactly this).
/// </para>
/// <para>
/// Why the deliveries are held back instead of passed on at once: whether they may be shown at
/// all is known only at the next regular configuration. If the process continues in the primary
/// component (Rule 3), they are released into the old view, before the new views: every
/// continuing member was in the same transitional configuration and, by Specification 4,
/// delivered the same messages there, so C3 holds among them. If instead the process leaves the
/// primary component (Rule 2) or is merged under a new identifier (Rule 4), its identity stops in
/// the old view and the held deliveries are dropped. Shown, they could not be put in any order
/// that virtual synchrony accepts: its side of the partition may have missed a message y that the
/// members that carry on deliver in the old view, and then delivered after the gap a message x of
/// its own side that they deliver too, after y. C3 asks every member of the old view to deliver y
/// (sent by a process that does not fail, y is not excluded by the revision of Section 5.1), so
/// Extend imputes y to the stopped identity, after its last event: it would deliver x before y,
/// the others y before x, and no time gives each abcast message one time (L5). (A message only its
/// side delivered alone would not break C3: the revision excludes it. But which held message is
/// which cannot be told here.) Virtual synchrony allows the dropping: the last events of a process
/// that stops may be lost (Section 5.3), and the extend mechanism imputes to it whatever the others
/// delivered, in their order. Lab 4's partition case (src/Evs.Grading/Labs/PartitionCase.cs) plays
/// this out.
/// </para>
/// <para>
/// A blocked process holds nothing: without a live identity nothing could ever be released.
/// </para>
/// </summary>
public static class Rule1MaskTransitional
{
    /// <summary>
    /// The configuration change to <paramref name="transitional"/>: no event. A live process starts
    /// holding its deliveries in that configuration; a blocked one stays blocked.
    /// </summary>
    public static FilterStep Mask(FilterState state, DeliverConf transitional) =>
        throw new NotImplementedException("lab 4: Rule1MaskTransitional.Mask");

    /// <summary>Whether <paramref name="deliver"/> happens in the transitional configuration being masked, so Rule 1 holds it.</summary>
    public static bool Holds(FilterState.InTransitional holding, Deliver deliver) =>
        throw new NotImplementedException("lab 4: Rule1MaskTransitional.Holds");

    /// <summary>deliver_p(m, trans_p(c)): kept, not emitted yet.</summary>
    public static FilterStep Hold(FilterState.InTransitional holding, Deliver deliver) =>
        throw new NotImplementedException("lab 4: Rule1MaskTransitional.Hold");

    /// <summary>
    /// The transformation into deliver_p(m, reg_p(c)): the held deliveries as deliveries in the
    /// current view (the one cut from reg_p(c)), in their order and with their own times.
    /// Nothing when the process was not in a transitional configuration.
    /// </summary>
    public static (LiveIdentity Identity, ImmutableArray<VsEvent> Events) Release(FilterState.Live live) =>
        throw new NotImplementedException("lab 4: Rule1MaskTransitional.Release");
}
