// The paper, Section 2.2: the history of primary components must be totally ordered
// (Uniqueness) and consecutive primaries must share a process (Continuity). What a process
// must remember for that, across crashes, and tell the others during recovery (step 3).
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.PrimaryComponent;

/// <summary>
/// A regular configuration that is, or may have become, a primary component. <see cref="Leader"/>
/// is the member that installs it first (<see cref="PrimaryDecision"/>): if the leader has not
/// installed it, nobody has.
/// </summary>
public sealed record PrimaryRecord(ConfigurationId Id, long RingSequence, ImmutableSortedSet<ProcessId> Members, ProcessId Leader)
{
    /// <summary>Records compare member sets by their members.</summary>
    public bool Equals(PrimaryRecord? other) =>
        other is not null && Id == other.Id && RingSequence == other.RingSequence && Leader == other.Leader && Members.SetEquals(other.Members);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, RingSequence);
}

/// <summary>
/// A process's knowledge of primary components: the last one it knows was installed by all its
/// members (<see cref="LastPrimary"/>, null before the first) and the later ones it agreed were
/// primary without knowing whether all members installed them (<see cref="Ambiguous"/>): a
/// member may have failed before installing, or after. <see cref="LastInstalled"/> is the last
/// primary component this process itself installed, and <see cref="Identities"/> how many
/// virtual synchrony identifiers it has been given (Section 5, the note on Rule 4: a process
/// merged again into the primary component gets a new one). Kept in stable storage, exchanged in
/// step 3.
/// </summary>
public sealed record PrimaryHistory(PrimaryRecord? LastPrimary, ImmutableArray<PrimaryRecord> Ambiguous, PrimaryRecord? LastInstalled = null, int Identities = 0)
{
    /// <summary>A process that has never been in a primary component.</summary>
    public static PrimaryHistory None { get; } = new(null, []);

    /// <summary>
    /// This history once this process installs <paramref name="primary"/>, as a continuing member
    /// (same identifier) or merged into it (a new identifier).
    /// </summary>
    public PrimaryHistory Installed(PrimaryRecord primary, bool continuing) =>
        this with { LastInstalled = primary, Identities = continuing ? Identities : Identities + 1 };

    /// <summary>This history with <paramref name="attempt"/> added as ambiguous.</summary>
    public PrimaryHistory WithAmbiguous(PrimaryRecord attempt) =>
        Ambiguous.Contains(attempt) ? this : this with { Ambiguous = Ambiguous.Add(attempt) };

    /// <summary>
    /// This history once every member of <paramref name="primary"/> is known to have installed it:
    /// it is the last primary, and what was ambiguous before it is settled.
    /// </summary>
    public PrimaryHistory Confirmed(PrimaryRecord primary) =>
        this with { LastPrimary = primary, Ambiguous = Ambiguous.Where(a => a.RingSequence > primary.RingSequence).ToImmutableArray() };

    /// <summary>Records compare their lists by content.</summary>
    public bool Equals(PrimaryHistory? other) =>
        other is not null && Equals(LastPrimary, other.LastPrimary) && Ambiguous.SequenceEqual(other.Ambiguous)
        && Equals(LastInstalled, other.LastInstalled) && Identities == other.Identities;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(LastPrimary, Ambiguous.Length);
}
