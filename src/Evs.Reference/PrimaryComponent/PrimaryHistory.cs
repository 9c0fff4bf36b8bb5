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
/// primary component this process itself installed. <see cref="Identities"/> counts the virtual
/// synchrony identifiers it has been given (Section 5, the note on Rule 4: a process merged again
/// into the primary component gets a new one), <see cref="IdentityInUse"/> the one it last
/// installed a view with (0: none). An identifier is given when a primary is decided, before
/// anyone installs it, so the others may list it in a view that this process never installs: it
/// is then never used, and the process stops it (<see cref="NamesNeverUsed"/>). Kept in stable
/// storage, exchanged in step 3.
/// </summary>
public sealed record PrimaryHistory(PrimaryRecord? LastPrimary, ImmutableArray<PrimaryRecord> Ambiguous, PrimaryRecord? LastInstalled = null, int Identities = 0, int IdentityInUse = 0)
{
    /// <summary>A process that has never been in a primary component.</summary>
    public static PrimaryHistory None { get; } = new(null, []);

    /// <summary>This history once this process has been given a new identifier, merged into a primary that is decided.</summary>
    public PrimaryHistory WithNewIdentity() => this with { Identities = Identities + 1 };

    /// <summary>This history once this process installs <paramref name="primary"/> with its identifier number <paramref name="identity"/>.</summary>
    public PrimaryHistory Installed(PrimaryRecord primary, int identity) => this with { LastInstalled = primary, IdentityInUse = identity };

    /// <summary>The identifiers of <paramref name="self"/> given after the one in use and before number <paramref name="before"/>: never installed.</summary>
    public IEnumerable<string> NamesNeverUsed(ProcessId self, int before) =>
        Enumerable.Range(IdentityInUse + 1, Math.Max(0, before - IdentityInUse - 1)).Select(j => PrimaryDecision.NameOf(self, j));

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
        && Equals(LastInstalled, other.LastInstalled) && Identities == other.Identities && IdentityInUse == other.IdentityInUse;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(LastPrimary, Ambiguous.Length);
}
