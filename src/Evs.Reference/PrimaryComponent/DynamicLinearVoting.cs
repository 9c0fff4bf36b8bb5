// The paper, Section 5: "we are currently developing an algorithm that has a greater probability
// of finding a primary component and thereby reduces the risk that all processes will be
// blocked". Dynamic linear voting (Jajodia and Mutchler, 1990): a configuration is primary when
// it holds a majority of the *previous* primary component, ties broken by the lowest process id,
// so the primary can shrink step by step as processes fail, where a fixed majority would block.
//
// The danger is a primary that some members installed and others did not (a member failed during
// recovery): processes that did not see it could form another primary from the one before, while
// the first still runs. So, as in the dynamic voting of Yeger Lotem, Keidar and Dolev (1997), a
// process also remembers the primaries it agreed to but does not know to be installed by all
// (ambiguous), and a new primary must hold a majority of each of those too.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.PrimaryComponent;

/// <summary>Primary when holding a majority of the last primary and of every later ambiguous one.</summary>
public sealed class DynamicLinearVoting(IEnumerable<ProcessId> universe) : IPrimaryComponentAlgorithm
{
    // Before any primary: all the processes, as if they had formed one.
    private readonly PrimaryRecord _initial = Initial(universe.ToImmutableSortedSet(ProcessId.Ordinal));

    /// <inheritdoc/>
    public string Name => "dynamic-linear-voting";

    /// <inheritdoc/>
    public bool IsPrimary(ImmutableSortedSet<ProcessId> members, IReadOnlyList<PrimaryHistory> exchanged)
    {
        var last = exchanged.Select(h => h.LastPrimary).OfType<PrimaryRecord>()
            .OrderByDescending(p => p.RingSequence).ThenBy(p => p.Id.Name, StringComparer.Ordinal)
            .FirstOrDefault() ?? _initial;
        var ambiguous = exchanged.SelectMany(h => h.Ambiguous).Where(a => a.RingSequence > last.RingSequence);
        return HasQuorumOf(members, last) && ambiguous.All(a => HasQuorumOf(members, a));
    }

    private static PrimaryRecord Initial(ImmutableSortedSet<ProcessId> all) => new(new ConfigurationId("initial"), 0, all, all.Min);

    /// <summary>
    /// More than half of <paramref name="previous"/>'s members, or exactly half including its
    /// lowest process id: of two disjoint halves, only one holds that process.
    /// </summary>
    public static bool HasQuorumOf(ImmutableSortedSet<ProcessId> members, PrimaryRecord previous)
    {
        int shared = previous.Members.Count(members.Contains);
        return 2 * shared > previous.Members.Count
            || (2 * shared == previous.Members.Count && members.Contains(previous.Members.Min));
    }
}
