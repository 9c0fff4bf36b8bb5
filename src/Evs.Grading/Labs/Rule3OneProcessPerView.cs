// The filter lab's own row for Rule 3 as the paper states it. Birman's conditions (C1-C3, L1-L5)
// hold whether a primary configuration is cut into the right views or into one view too many:
// a view that lists the same members as the view before it, in the same split, breaks none of them.
// But Rule 3 says what the split is: "split the delivery of the single configuration change message
// into multiple events each of which merges one process at a time into the primary component".
// Within one split (the views c#0, c#1, … of one configuration c, Rule3SplitMerge) each view a
// process installs after another must therefore list exactly one process more.
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Grading.Labs;

/// <summary>Within the views one configuration is split into, each next view merges exactly one process.</summary>
public static class Rule3OneProcessPerView
{
    /// <summary>The row's name in the filter lab's report.</summary>
    public const string Spec = "Rule 3";

    /// <summary>The row's title.</summary>
    public const string Title = "a merge is split into views that each merge one process (Section 5, Rule 3)";

    /// <summary>Null when every process's consecutive views of one split grow by one process each; otherwise the first pair that does not.</summary>
    public static Violation? Check(VsTrace trace)
    {
        foreach (var views in trace.Events.OfType<ViewChange>().GroupBy(v => v.Process))
        {
            ViewChange? before = null;
            foreach (var view in views.OrderBy(v => v.Index))
            {
                if (before is not null && SplitOf(before.View) == SplitOf(view.View)
                    && (view.Members.Length != before.Members.Length + 1 || !before.Members.All(view.Members.Contains)))
                    return new Violation(Spec,
                        $"{view.Process} installs view {view.View} [{string.Join(",", view.Members)}] right after {before.View} [{string.Join(",", before.Members)}], " +
                        "both cut from the same configuration: each view of a split merges exactly one more process (Rule 3)",
                        [new EventRef(new ProcessId(before.Process), before.Index), new EventRef(new ProcessId(view.Process), view.Index)]);
                before = view;
            }
        }
        return null;
    }

    // The configuration a view was cut from: its name without the "#k" of the split.
    private static string SplitOf(string view) => view.LastIndexOf('#') is var hash and >= 0 ? view[..hash] : view;
}
