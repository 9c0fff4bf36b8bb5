// Lab 7 starter (labs/07-primary-component/README.md): the simple primary component algorithm of
// Section 5, a strict majority of a fixed set of processes. The fixed set and the name are given;
// the decision is yours. `evs lab start 7` copies this file to student/, `evs lab check 7` grades it.
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
        throw new NotImplementedException("lab 7: Majority.IsPrimary");
}
