// The paper, Section 3, Step 1: "A process p is obligated to a process q when p has transmitted
// an acknowledgment for a message m sent (originated) by q that enables another process to
// deliver m as safe. The set of processes to which p is obligated is referred to as its
// obligation set." Empty in a regular configuration; grown by step 5.c ("If during Step 5.a this
// process acknowledges having received all of the rebroadcast messages, it includes the members of
// the proposed transitional configuration and their obligation sets in its obligation set"); used
// by steps 6.a and 6.d.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.Recovery;

/// <summary>An obligation set: the processes whose messages this process must not drop.</summary>
public sealed record ObligationSet(ImmutableSortedSet<ProcessId> Processes)
{
    /// <summary>"In a regular configuration, this process records that there are no processes to which it is obligated."</summary>
    public static ObligationSet Empty { get; } = new(ImmutableSortedSet.Create(ProcessId.Ordinal));

    /// <summary>Whether this process is obligated to <paramref name="process"/>.</summary>
    public bool Contains(ProcessId process) => Processes.Contains(process);

    /// <summary>This set with <paramref name="more"/> added.</summary>
    public ObligationSet With(IEnumerable<ProcessId> more) => new(Processes.Union(more));

    /// <summary>
    /// 5.c: this set grown by the members of the proposed transitional configuration
    /// (<paramref name="transitional"/>, what each told in step 3) and their obligation sets.
    /// </summary>
    public ObligationSet Extend(IReadOnlyCollection<MemberInfo> transitional) =>
        With(transitional.Select(i => i.Process)).With(transitional.SelectMany(i => i.Obligations.Processes));

    /// <summary>Records compare sets by their members.</summary>
    public bool Equals(ObligationSet? other) => other is not null && Processes.SetEquals(other.Processes);

    /// <inheritdoc/>
    public override int GetHashCode() => Processes.Aggregate(0, (h, p) => HashCode.Combine(h, p));

    /// <inheritdoc/>
    public override string ToString() => $"{{{string.Join(",", Processes)}}}";
}
