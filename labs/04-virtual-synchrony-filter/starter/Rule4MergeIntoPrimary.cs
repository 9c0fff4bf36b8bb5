// Lab 4 starter (labs/04-virtual-synchrony-filter/README.md): Rule4MergeIntoPrimary, Section 5's rule with its
// method bodies removed; the documentation says what each must do, the handout why.
// `evs lab start 4` copies the four rule files to student/, `evs lab check 4` grades them.
using Evs.Reference.Model;

namespace Evs.Reference.VirtualSynchrony;

/// <summary>
/// Rule 4: "For a process in a non-primary component, upon receiving a configuration change message
/// for a regular configuration that is a primary component, merge the processes in the non-primary
/// component into the primary component, generating configuration change events as required in
/// Rule 3." And: "In the extended virtual synchrony model there is no change in identifier of a
/// resumed process; however, in the virtual synchrony model a resumed process has a new identifier.
/// We can easily accommodate this in Rule 4 of the filter by giving a new identifier to a process on
/// being merged into the primary component."
/// <para>
/// The new identifier is <see cref="PrimaryViewInfo.Names"/> of the process (<c>q</c> the first
/// time, then <c>q~1</c>, <c>q~2</c>…): the primary component algorithm computes it the same way at
/// every member, so that all of them list the newcomer under the same name. The filter never
/// invents names; it only uses them.
/// </para>
/// <para>
/// The merged process installs the views of Rule 3 from the one that adds it to the last. The
/// earlier views do not contain it, and a virtual synchrony process's history starts with its first
/// view. When nobody continues (K empty) there is one view, holding every member, and it starts
/// there.
/// </para>
/// <para>
/// A process may still have a live identity here: it was in an older primary view and reached this
/// configuration without passing through a non-primary one (for instance the others formed a
/// primary without it while it was slow, and it rejoined them straight away). It did not continue
/// in the group, so that identity stops first, exactly as in Rule 2, and its held transitional
/// deliveries are dropped. A new name equal to that live identity's would make two histories under
/// one name; it is reported as an upstream bug.
/// </para>
/// </summary>
public static class Rule4MergeIntoPrimary
{
    /// <summary>Stop any live identity, then begin the new one with the views from the one that adds this process.</summary>
    public static FilterStep Merge(FilterState state, DeliverConf primary, PrimaryViewInfo info) =>
        throw new NotImplementedException("lab 4: Rule4MergeIntoPrimary.Merge");

    /// <summary>The views a merged process installs: from the one that adds <paramref name="joiner"/> to the last.</summary>
    public static IReadOnlyList<VsView> ViewsInstalledBy(ProcessId joiner, DeliverConf primary, PrimaryViewInfo info) =>
        throw new NotImplementedException("lab 4: Rule4MergeIntoPrimary.ViewsInstalledBy");
}
