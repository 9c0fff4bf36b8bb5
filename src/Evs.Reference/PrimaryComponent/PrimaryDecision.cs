// The paper, Section 2.2 and Section 5: "The primary component algorithm receives configuration
// change messages from the membership algorithm. It delivers these messages to the application
// with an indication as to whether the new configuration is a primary component." The history of
// primary components must be totally ordered by -> (Uniqueness) and consecutive primaries must
// share a process (Continuity).
//
// The decision for one proposed configuration is made by every member alone, from the information
// exchanged in step 3, the same at every member, so every member decides alike without another
// round of messages: the quorum rule of the algorithm (Majority, DynamicLinearVoting), and the
// rules that let the configuration be installed in one order (PrimaryInstall).
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.PrimaryComponent;

/// <summary>
/// The decision for one proposed regular configuration: whether it is primary, which member
/// installs it first (<see cref="PrimaryInstall"/>), and, for the virtual synchrony filter, which
/// members continue from the previous primary component's view and the virtual synchrony
/// identifier of every member.
/// </summary>
public sealed record PrimaryDecision(
    bool Primary,
    ProcessId InstallLeader,
    ImmutableSortedSet<ProcessId> Continuing,
    ImmutableSortedDictionary<ProcessId, string> Names)
{
    /// <summary>What one member supplies in step 3: its last regular configuration and its knowledge of primaries.</summary>
    public sealed record MemberKnowledge(ProcessId Process, ConfigurationId? OldConfiguration, PrimaryHistory History);

    /// <summary>
    /// Decides for a configuration formed by <paramref name="representative"/> of the
    /// <paramref name="members"/> who supplied <paramref name="knowledge"/>: primary when the
    /// quorum rule of <paramref name="algorithm"/> holds and no earlier attempt may have been
    /// installed unseen (<see cref="PrimaryInstall.NoAttemptMayHaveBeenInstalledUnseen"/>).
    /// </summary>
    public static PrimaryDecision Decide(
        IPrimaryComponentAlgorithm algorithm,
        ProcessId representative,
        ImmutableSortedSet<ProcessId> members,
        IReadOnlyList<MemberKnowledge> knowledge)
    {
        var latestInstalled = PrimaryInstall.LatestInstalled(knowledge);
        bool primary = algorithm.IsPrimary(members, knowledge.Select(k => k.History).ToList())
            && PrimaryInstall.NoAttemptMayHaveBeenInstalledUnseen(members, knowledge, latestInstalled);
        if (!primary) return new PrimaryDecision(false, representative, [], ImmutableSortedDictionary<ProcessId, string>.Empty);
        var continuing = ContinuingMembers(knowledge, latestInstalled);
        return new PrimaryDecision(true, PrimaryInstall.Leader(knowledge, latestInstalled, members), continuing, NamesOf(knowledge, continuing));
    }

    /// <summary>The virtual synchrony identifier of <paramref name="process"/> when it holds its <paramref name="identity"/>-th one: <c>q</c>, then <c>q~1</c>, <c>q~2</c>…</summary>
    public static string NameOf(ProcessId process, int identity) => identity <= 1 ? process.Name : $"{process.Name}~{identity - 1}";

    // Members still in the view of I* (the latest primary any member installed): their last
    // regular configuration is I* itself. A member that installed I* and then failed, or went
    // through a non-primary configuration, has left the group; it is merged back under a new identifier.
    private static ImmutableSortedSet<ProcessId> ContinuingMembers(IReadOnlyList<MemberKnowledge> knowledge, PrimaryRecord? latestInstalled) =>
        latestInstalled is null
            ? ImmutableSortedSet.Create(ProcessId.Ordinal)
            : knowledge.Where(k => k.OldConfiguration == latestInstalled.Id).Select(k => k.Process).ToImmutableSortedSet(ProcessId.Ordinal);

    // A continuing member keeps the identifier it installed its view with; a merged one gets the
    // next it has not been given yet.
    private static ImmutableSortedDictionary<ProcessId, string> NamesOf(IReadOnlyList<MemberKnowledge> knowledge, ImmutableSortedSet<ProcessId> continuing) =>
        knowledge.ToImmutableSortedDictionary(
            k => k.Process,
            k => NameOf(k.Process, IdentityOf(k.Process, k.History, continuing)),
            ProcessId.Ordinal);

    /// <summary>The number of the identifier <paramref name="process"/>, whose history is <paramref name="history"/>, has in this configuration.</summary>
    public static int IdentityOf(ProcessId process, PrimaryHistory history, ImmutableSortedSet<ProcessId> continuing) =>
        continuing.Contains(process) ? history.IdentityInUse : history.Identities + 1;
}
