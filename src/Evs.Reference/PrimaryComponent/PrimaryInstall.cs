// The paper, Section 2.2: the primary components must be totally ordered by -> (Uniqueness). A
// quorum rule (Majority, DynamicLinearVoting) alone does not give it over an asynchronous network.
// The members of a new ring install it one after another as the token passes; if the token is lost
// after one member installed it, that member alone delivered the configuration change, and nothing
// it did can reach the others, who go on to form the next configuration. Both installations would
// be primary and neither would precede the other. So a configuration is installed in one order:
//
//   1. The install leader installs first. Every other member installs only after it has seen the
//      token that the leader passed on having installed (Token.LeaderInstalled). If the leader has
//      not installed a configuration, nobody has.
//   2. The install leader of a new primary component is a member that installed the latest
//      primary component any member installed (I*): its own installation of I* precedes its
//      installation of the new one, and the other members' installations follow it.
//   3. A later primary attempt that some member agreed to but whose leader is absent may have
//      been installed by its leader without anyone here knowing: the configuration is not primary
//      (it blocks) until that leader is heard from. A present leader says whether it installed it.
//
// And what a process must remember for this, across crashes (PrimaryHistory, in stable storage):
// an attempt is recorded as ambiguous before anyone can install it (the proposed ring's token
// starts only once every member has decided, and installing needs the token); it is recorded as
// installed just before its configuration is delivered; and it is confirmed, no longer ambiguous,
// once the token shows that every member has installed it.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.PrimaryComponent;

/// <summary>One recovery's primary component decision, and what this process recorded for it.</summary>
/// <param name="Decision">What every member decided alike.</param>
/// <param name="Record">The configuration as a possible primary component, when it is primary.</param>
/// <param name="Identity">The number of this process's virtual synchrony identifier in it.</param>
public sealed record PrimaryAttempt(PrimaryDecision Decision, PrimaryRecord? Record, int Identity);

/// <summary>
/// One process's part in installing primary components in one order (rules 1-3 above), and its
/// <see cref="History"/> of them. Without a primary component algorithm it decides nothing, and
/// only rule 1's order of installation applies (with the ring's representative as leader).
/// </summary>
public sealed class PrimaryInstall(ProcessId me, IPrimaryComponentAlgorithm? algorithm)
{
    private PrimaryRecord? _awaitingConfirmation;

    /// <summary>What this process knows of primary components (kept in stable storage, exchanged in step 3).</summary>
    public PrimaryHistory History { get; private set; } = PrimaryHistory.None;

    /// <summary>The history a restarting process had saved.</summary>
    public void Restore(PrimaryHistory? saved) => History = saved ?? PrimaryHistory.None;

    /// <summary>
    /// Decides for the proposed ring <paramref name="ring"/> of <paramref name="members"/>, from the
    /// information step 3 <paramref name="exchanged"/>. A primary attempt is recorded as ambiguous at
    /// once. Null without an algorithm.
    /// </summary>
    public PrimaryAttempt? Decide(RingId ring, IEnumerable<ProcessId> members, IEnumerable<MemberInfo> exchanged)
    {
        if (algorithm is null) return null;
        var sorted = members.ToImmutableSortedSet(ProcessId.Ordinal);
        var knowledge = exchanged.Select(i => new PrimaryDecision.MemberKnowledge(i.Process, i.OldConfiguration?.Id, i.Primary ?? PrimaryHistory.None)).ToList();
        var decision = PrimaryDecision.Decide(algorithm, ring.Representative, sorted, knowledge);
        if (!decision.Primary) return new PrimaryAttempt(decision, null, 0);
        var record = new PrimaryRecord(ConfigurationId.Regular(ring), ring.Sequence, sorted, decision.InstallLeader);
        // From this process's own state, not from the token: a forged copy of it cannot make the
        // identifiers it counts (Installing) arbitrarily many.
        int identity = PrimaryDecision.IdentityOf(me, History, decision.Continuing);
        History = History.WithAmbiguous(record);
        if (!decision.Continuing.Contains(me)) History = History.WithNewIdentity();
        return new PrimaryAttempt(decision, record, identity);
    }

    /// <summary>Rule 1: the member that installs the proposed ring first; the representative when no primary is at stake.</summary>
    public static ProcessId InstallLeader(PrimaryAttempt? attempt, RingId ring) => attempt?.Decision.InstallLeader ?? ring.Representative;

    /// <summary>
    /// Rule 1: whether <paramref name="me"/> installs at this token visit. The leader installs when
    /// every rebroadcast is acknowledged by every member (<paramref name="recoveryDone"/>, step 5.b);
    /// the others when the token says the leader has installed, which implies the same.
    /// </summary>
    public static bool InstallsNow(ProcessId me, ProcessId leader, bool recoveryDone, Token token) =>
        leader == me ? recoveryDone : token.LeaderInstalled;

    /// <summary>
    /// Just before the primary configuration of <paramref name="attempt"/> is delivered: this
    /// process installs it, under its old virtual synchrony identifier or a new one; identifiers given
    /// to it in primaries it never installed are never used. Null for a configuration that is not primary.
    /// </summary>
    public PrimaryComponentInstalled? Installing(PrimaryAttempt? attempt)
    {
        if (attempt is not { Decision: { Primary: true } decision, Record: { } record }) return null;
        var neverUsed = History.NamesNeverUsed(me, attempt.Identity).ToImmutableArray();
        History = History.Installed(record, attempt.Identity);
        _awaitingConfirmation = record;
        return new PrimaryComponentInstalled(record.Id, new PrimaryViewInfo(decision.Continuing, decision.Names, neverUsed));
    }

    /// <summary>At a token visit of the installed ring: once every member has installed the primary, it is no longer ambiguous.</summary>
    public void ConfirmIfAllInstalled(Token token, TotemRing ring)
    {
        if (_awaitingConfirmation is not { } primary || !TotemRing.AllInstalled(token, ring)) return;
        History = History.Confirmed(primary);
        _awaitingConfirmation = null;
    }

    /// <summary>A ring of one: its only member has installed it.</summary>
    public void ConfirmAlone()
    {
        if (_awaitingConfirmation is not { } primary) return;
        History = History.Confirmed(primary);
        _awaitingConfirmation = null;
    }

    /// <summary>The ring broke before every member was known to have installed the primary: it stays ambiguous.</summary>
    public void Abandon() => _awaitingConfirmation = null;

    /// <summary>I*: the latest primary component that any member installed.</summary>
    public static PrimaryRecord? LatestInstalled(IReadOnlyList<PrimaryDecision.MemberKnowledge> knowledge) =>
        knowledge.Select(k => k.History.LastInstalled).OfType<PrimaryRecord>().MaxBy(r => r.RingSequence);

    /// <summary>Rule 3: every attempt after I* that a member agreed to has its leader among <paramref name="members"/>.</summary>
    public static bool NoAttemptMayHaveBeenInstalledUnseen(ImmutableSortedSet<ProcessId> members, IReadOnlyList<PrimaryDecision.MemberKnowledge> knowledge, PrimaryRecord? latestInstalled)
    {
        long after = latestInstalled?.RingSequence ?? 0;
        return knowledge.SelectMany(k => k.History.Ambiguous).Where(a => a.RingSequence > after).All(a => members.Contains(a.Leader));
    }

    /// <summary>Rule 2: the lowest member that installed I*; the lowest member when no primary was installed.</summary>
    public static ProcessId Leader(IReadOnlyList<PrimaryDecision.MemberKnowledge> knowledge, PrimaryRecord? latestInstalled, ImmutableSortedSet<ProcessId> members) =>
        latestInstalled is null
            ? members.Min
            : knowledge.Where(k => Equals(k.History.LastInstalled, latestInstalled)).Select(k => k.Process).Min(ProcessId.Ordinal);
}
