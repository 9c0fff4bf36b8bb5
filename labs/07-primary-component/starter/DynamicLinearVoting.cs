// Lab 7 starter (labs/07-primary-component/README.md): dynamic linear voting, the primary component
// algorithm that "has a greater probability of finding a primary component" (Section 5), with the
// ambiguous primaries of Yeger Lotem, Keidar and Dolev. The initial record (all the processes, as
// if they had formed a primary) and the name are given; the decision and the quorum are yours.
// `evs lab start 7` copies this file to student/, `evs lab check 7` grades it.
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
        throw new NotImplementedException("lab 7: DynamicLinearVoting.IsPrimary");
    }

    private static PrimaryRecord Initial(ImmutableSortedSet<ProcessId> all) => new(new ConfigurationId("initial"), 0, all, all.Min);

    /// <summary>
    /// More than half of <paramref name="previous"/>'s members, or exactly half including its
    /// lowest process id: of two disjoint halves, only one holds that process.
    /// </summary>
    public static bool HasQuorumOf(ImmutableSortedSet<ProcessId> members, PrimaryRecord previous)
    {
        throw new NotImplementedException("lab 7: DynamicLinearVoting.HasQuorumOf");
    }
}
