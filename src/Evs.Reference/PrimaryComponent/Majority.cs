// The paper, Section 5: "A simple primary component algorithm is easily constructed": a
// regular configuration is primary when it holds a strict majority of a fixed, known set of
// processes. Two disjoint sets cannot both hold a majority, so two concurrent configurations
// are never both primary (Uniqueness), and two majorities always share a process (Continuity).
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.PrimaryComponent;

/// <summary>Primary when holding a strict majority of the fixed set of processes.</summary>
public sealed class Majority(IEnumerable<ProcessId> universe) : IPrimaryComponentAlgorithm
{
    private readonly ImmutableSortedSet<ProcessId> _universe = universe.ToImmutableSortedSet(ProcessId.Ordinal);

    /// <inheritdoc/>
    public string Name => "majority";

    /// <inheritdoc/>
    public bool IsPrimary(ImmutableSortedSet<ProcessId> members, IReadOnlyList<PrimaryHistory> exchanged) =>
        2 * members.Count(_universe.Contains) > _universe.Count;
}
