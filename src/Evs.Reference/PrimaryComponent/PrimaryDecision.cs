// The paper, Section 2.2 and Section 5: "The primary component algorithm receives configuration
// change messages from the membership algorithm. It delivers these messages to the application
// with an indication as to whether the new configuration is a primary component." The history of
// primary components must be totally ordered by -> (Uniqueness) and consecutive primaries must
// share a process (Continuity).
//
// A quorum rule (Majority, DynamicLinearVoting) alone does not give Uniqueness over an
// asynchronous network. The members of a new ring install it one after another as the token
// passes; if the token is lost after one member installed it, that member alone delivered the
// configuration change, and nothing it did can reach the others, who go on to form the next
// configuration. Both installations would be primary and neither would precede the other.
// So the decision adds two rules, and recovery installs a primary configuration in one order:
//
//   1. The install leader installs first. Every other member installs only after it has seen the
//      token that the leader passed on having installed (TotemNode, recovery). If the leader has
//      not installed a configuration, nobody has.
//   2. The install leader of a new primary component is a member that installed the latest
//      primary component any member installed (I*): its own installation of I* precedes its
//      installation of the new one, and the other members' installations follow it.
//   3. A later primary attempt that some member agreed to but whose leader is absent may have
//      been installed by its leader without anyone here knowing: the configuration is not primary
//      (it blocks) until that leader is heard from. A present leader says whether it installed it.
//
// Everything is decided from the information exchanged in step 3, the same at every member, so
// every member decides alike without another round of messages.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.PrimaryComponent;

/// <summary>
/// The decision for one proposed regular configuration: whether it is primary, which member
/// installs it first, and, for the virtual synchrony filter, which members continue from the
/// previous primary component's view and the virtual synchrony identifier of every member.
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
    /// <paramref name="members"/> who supplied
    /// <paramref name="knowledge"/>, by the quorum rule of <paramref name="algorithm"/> and the
    /// ordering rules above.
    /// </summary>
    public static PrimaryDecision Decide(
        IPrimaryComponentAlgorithm algorithm,
        ProcessId representative,
        ImmutableSortedSet<ProcessId> members,
        IReadOnlyList<MemberKnowledge> knowledge)
    {
        var latestInstalled = LatestInstalled(knowledge);
        bool primary = algorithm.IsPrimary(members, knowledge.Select(k => k.History).ToList())
            && NoAttemptMayHaveBeenInstalledUnseen(members, knowledge, latestInstalled);
        if (!primary) return new PrimaryDecision(false, representative, [], ImmutableSortedDictionary<ProcessId, string>.Empty);
        var continuing = ContinuingMembers(knowledge, latestInstalled);
        return new PrimaryDecision(true, Leader(knowledge, latestInstalled, members), continuing, NamesOf(knowledge, continuing));
    }

    /// <summary>The virtual synchrony identifier of <paramref name="process"/> when it holds its <paramref name="identity"/>-th one: <c>q</c>, then <c>q~1</c>, <c>q~2</c>…</summary>
    public static string NameOf(ProcessId process, int identity) => identity <= 1 ? process.Name : $"{process.Name}~{identity - 1}";

    // I*: the latest primary component that any member installed.
    private static PrimaryRecord? LatestInstalled(IReadOnlyList<MemberKnowledge> knowledge) =>
        knowledge.Select(k => k.History.LastInstalled).OfType<PrimaryRecord>().MaxBy(r => r.RingSequence);

    // Rule 3: every attempt after I* that a member agreed to has its leader here.
    private static bool NoAttemptMayHaveBeenInstalledUnseen(ImmutableSortedSet<ProcessId> members, IReadOnlyList<MemberKnowledge> knowledge, PrimaryRecord? latestInstalled)
    {
        long after = latestInstalled?.RingSequence ?? 0;
        return knowledge.SelectMany(k => k.History.Ambiguous).Where(a => a.RingSequence > after).All(a => members.Contains(a.Leader));
    }

    // Rule 2: the lowest member that installed I*; the lowest member when no primary was installed.
    private static ProcessId Leader(IReadOnlyList<MemberKnowledge> knowledge, PrimaryRecord? latestInstalled, ImmutableSortedSet<ProcessId> members) =>
        latestInstalled is null
            ? members.Min
            : knowledge.Where(k => Equals(k.History.LastInstalled, latestInstalled)).Select(k => k.Process).Min(ProcessId.Ordinal);

    // Members still in the view of I*: their last regular configuration is I* itself. A member
    // that installed I* and then failed, or went through a non-primary configuration, has left
    // the group; it is merged back under a new identifier.
    private static ImmutableSortedSet<ProcessId> ContinuingMembers(IReadOnlyList<MemberKnowledge> knowledge, PrimaryRecord? latestInstalled) =>
        latestInstalled is null
            ? ImmutableSortedSet.Create(ProcessId.Ordinal)
            : knowledge.Where(k => k.OldConfiguration == latestInstalled.Id).Select(k => k.Process).ToImmutableSortedSet(ProcessId.Ordinal);

    // A continuing member keeps the identifier it installed its view with; a merged one gets the
    // next it has not been given yet.
    private static ImmutableSortedDictionary<ProcessId, string> NamesOf(IReadOnlyList<MemberKnowledge> knowledge, ImmutableSortedSet<ProcessId> continuing) =>
        knowledge.ToImmutableSortedDictionary(
            k => k.Process,
            k => NameOf(k.Process, IdentityOf(k, continuing)),
            ProcessId.Ordinal);

    /// <summary>The number of the identifier the member of <paramref name="knowledge"/> has in this configuration.</summary>
    public static int IdentityOf(MemberKnowledge knowledge, ImmutableSortedSet<ProcessId> continuing) =>
        continuing.Contains(knowledge.Process) ? knowledge.History.IdentityInUse : knowledge.History.Identities + 1;
}
