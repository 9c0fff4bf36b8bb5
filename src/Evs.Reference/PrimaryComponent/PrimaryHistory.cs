// The paper, Section 2.2: the history of primary components must be totally ordered
// (Uniqueness) and consecutive primaries must share a process (Continuity). What a process
// must remember for that, across crashes, and tell the others during recovery (step 3).
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.PrimaryComponent;

/// <summary>A regular configuration that is, or may have become, a primary component.</summary>
public sealed record PrimaryRecord(ConfigurationId Id, long RingSequence, ImmutableSortedSet<ProcessId> Members)
{
    /// <summary>Records compare member sets by their members.</summary>
    public bool Equals(PrimaryRecord? other) =>
        other is not null && Id == other.Id && RingSequence == other.RingSequence && Members.SetEquals(other.Members);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, RingSequence);
}

/// <summary>
/// A process's knowledge of primary components: the last one it knows was installed by all its
/// members (<see cref="LastPrimary"/>, null before the first) and the later ones it agreed were
/// primary without knowing whether all members installed them (<see cref="Ambiguous"/>): a
/// member may have failed before installing, or after. Kept in stable storage, exchanged in step 3.
/// </summary>
public sealed record PrimaryHistory(PrimaryRecord? LastPrimary, ImmutableArray<PrimaryRecord> Ambiguous)
{
    /// <summary>A process that has never been in a primary component.</summary>
    public static PrimaryHistory None { get; } = new(null, []);

    /// <summary>This history with <paramref name="attempt"/> added as ambiguous.</summary>
    public PrimaryHistory WithAmbiguous(PrimaryRecord attempt) =>
        Ambiguous.Contains(attempt) ? this : this with { Ambiguous = Ambiguous.Add(attempt) };

    /// <summary>
    /// This history once every member of <paramref name="primary"/> is known to have installed it:
    /// it is the last primary, and what was ambiguous before it is settled.
    /// </summary>
    public PrimaryHistory Confirmed(PrimaryRecord primary) =>
        new(primary, Ambiguous.Where(a => a.RingSequence > primary.RingSequence).ToImmutableArray());

    /// <summary>Records compare their lists by content.</summary>
    public bool Equals(PrimaryHistory? other) =>
        other is not null && Equals(LastPrimary, other.LastPrimary) && Ambiguous.SequenceEqual(other.Ambiguous);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(LastPrimary, Ambiguous.Length);
}
