// Lab 3 starter (labs/03-obligation-sets/README.md): the obligation set of Section 3, step 1, and
// how step 5.c grows it. Equality and printing are given; what the set contains and how it grows
// are yours. `evs lab start 3` copies this file to student/, `evs lab check 3` grades it.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.Recovery;

/// <summary>An obligation set: the processes whose messages this process must not drop.</summary>
public sealed record ObligationSet(ImmutableSortedSet<ProcessId> Processes)
{
    /// <summary>"In a regular configuration, this process records that there are no processes to which it is obligated."</summary>
    public static ObligationSet Empty { get; } = new(ImmutableSortedSet.Create(ProcessId.Ordinal));

    /// <summary>Whether this process is obligated to <paramref name="process"/>.</summary>
    public bool Contains(ProcessId process) =>
        throw new NotImplementedException("lab 3: ObligationSet.Contains");

    /// <summary>This set with <paramref name="more"/> added.</summary>
    public ObligationSet With(IEnumerable<ProcessId> more) =>
        throw new NotImplementedException("lab 3: ObligationSet.With");

    /// <summary>
    /// 5.c: this set grown by the members of the proposed transitional configuration
    /// (<paramref name="transitional"/>, what each told in step 3) and their obligation sets.
    /// </summary>
    public ObligationSet Extend(IReadOnlyCollection<MemberInfo> transitional) =>
        throw new NotImplementedException("lab 3: ObligationSet.Extend");

    /// <summary>Records compare sets by their members.</summary>
    public bool Equals(ObligationSet? other) => other is not null && Processes.SetEquals(other.Processes);

    /// <inheritdoc/>
    public override int GetHashCode() => Processes.Aggregate(0, (h, p) => HashCode.Combine(h, p));

    /// <inheritdoc/>
    public override string ToString() => $"{{{string.Join(",", Processes)}}}";
}
