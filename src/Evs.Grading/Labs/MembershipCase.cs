// Totem's membership rules, played out by hand for lab 8 on one process's Gather. The random fault
// schedules judge a membership by its results: every event in a configuration its members agree
// on (Specifications 2.1-2.4), and every run quiescent in the end (the Termination Property). Most
// of Totem's rules guard neither: a process that learns less from a join, fails the wrong process
// at the consensus timeout, or stops waiting too early after a start still ends Gather, only
// later, by the consensus timeout, and the recovery algorithm's commit token still makes every
// member install the same configuration. So the schedules let such a Gather through (lab 8's
// mutation score said so: 25 mistakes in 60 passed them). This case puts the class in the
// situation each rule is for and judges it by the rule, in the words of the lab's handout
// (labs/08-membership/README.md), which follows Totem (Amir et al., TOCS 1995) as Corosync's
// totemsrp.c keeps it.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;

namespace Evs.Grading.Labs;

/// <summary>
/// "Joins only ever add to the two sets, and the consensus timeout moves the processes that have
/// not agreed into the fail set, so Gather ends within a bounded time" (Membership/Gather.cs): the
/// rules that make Totem's membership end soon, and not only eventually, each tried once on p's
/// Gather with joins written by hand.
/// </summary>
public static class MembershipCase
{
    /// <summary>The row's name in a lab's report.</summary>
    public const string Spec = "Totem";

    /// <summary>The row's title.</summary>
    public const string Title = "Totem's membership rules, played by hand: joins only add to the two sets, the consensus timeout fails who did not agree, a fresh commit token only";

    private static readonly ProcessId P = new("p"), Q = new("q"), R = new("r"), S = new("s"), T = new("t");
    private static readonly RingId OldRing = new(4, P);

    /// <summary>Null when every rule holds; otherwise the first that does not, and what follows from it.</summary>
    public static string? Check() => JoinsOnlyAdd() ?? AJoinThatFailsThisProcess() ?? TheWaitAfterAStart() ?? Consensus() ?? TheConsensusTimeout() ?? TheCommitToken();

    // p gathers with {p, q, r}. q's join lists s, and r in its fail set: p takes in both (its sets
    // grew). Then s's join lists t but fails nobody: p's proc set grows, and r stays failed.
    private static string? JoinsOnlyAdd()
    {
        const string rule = "\"joins only ever add to the two sets\": a join's proc set and fail set are added to this process's (Gather.OnJoin)";
        var gather = new Gather(P, [P, Q, R], GatherReason.TokenLoss);
        bool grew = gather.OnJoin(Join(Q, procSet: [Q, R, S], failSet: [R]));
        if (!gather.ProcSet.SetEquals([P, Q, R, S]) || !gather.FailSet.SetEquals([R]))
            return $"p gathers with proc set {{p, q, r}}; q's join says proc set {{q, r, s}}, fail set {{r}}. p's sets must become {{p, q, r, s}} and {{r}}, " +
                   $"but Gather.OnJoin left {Sets(gather)}: {rule}. A process that learns only what it hears itself never sends the sets the others send, " +
                   "and consensus, which asks for exactly the same two sets, waits for the consensus timeout to fail live processes.";
        if (!grew)
            return $"p's sets grew when it took in q's join, but Gather.OnJoin returned false: it must return true when the sets grew, so that p's join goes out again at once " +
                   "and the others learn what p now knows; otherwise they wait for p's join timeout.";
        bool grewAgain = gather.OnJoin(Join(S, procSet: [P, Q, R, S, T], failSet: []));
        if (!gather.FailSet.Contains(R))
            return $"p had r in its fail set; s's join then says fail set {{}}, and p's fail set lost r ({Sets(gather)}): {rule}, never take from them. " +
                   "A fail set that shrinks can take back what the consensus timeout decided, and Gather need not end (the Termination Property).";
        if (!gather.ProcSet.Contains(T))
            return $"s's join adds t to p's proc set, but Gather.OnJoin left {Sets(gather)}: {rule}.";
        return grewAgain ? null
            : "s's join added t to p's proc set (its fail set stayed the same), but Gather.OnJoin returned false: it must return true when either set grew, " +
              "so that p's join goes out again at once; otherwise the others wait for p's join timeout to hear of t.";
    }

    // s, a process p had not heard of, says p has failed: the two cannot agree in this round.
    private static string? AJoinThatFailsThisProcess()
    {
        var gather = new Gather(P, [P, Q, R], GatherReason.TokenLoss);
        bool grew = gather.OnJoin(Join(S, procSet: [Q, S], failSet: [P]));
        const string why = "s has p in its fail set, so the two cannot agree in this round: p puts s in both its sets at once " +
                           "(s in the proc set too, since the proc set holds the processes believed able to form the next ring or to have failed), " +
                           "and saying so at once spares everyone the consensus timeout (Gather.OnJoin, as Corosync does).";
        if (!gather.FailSet.Contains(S))
            return $"p gathers with {{p, q, r}} and takes in a join from s whose fail set is {{p}}; s must be in p's fail set after it, but p's sets are {Sets(gather)}: {why} " +
                   "Proposed with s, p waits for a join from s that will never agree.";
        if (!gather.ProcSet.Contains(S))
            return $"p gathers with {{p, q, r}} and takes in a join from s whose fail set is {{p}}; p's sets are {Sets(gather)}, a fail set outside the proc set: {why} " +
                   "p's join then disagrees with every process that lists s in its proc set.";
        return grew ? null
            : "p took s, which says p has failed, into its fail set, but Gather.OnJoin returned false: the sets grew, so it must return true and p's join go out again at once, " +
              "telling the others that s is left out of this round.";
    }

    // p starts and expects q and r: it waits until both are in its proc set, not longer, not less.
    private static string? TheWaitAfterAStart()
    {
        var gather = new Gather(P, [], GatherReason.Start, new HashSet<ProcessId> { P, Q, R });
        gather.OnJoin(Join(Q, procSet: [Q], failSet: []));
        if (!gather.Waiting)
            return "p starts expecting {p, q, r} and has heard only q: Gather.OnJoin ended its wait. A process still Waiting after a start stops waiting only once every " +
                   "process it expects is in its proc set (or at its first consensus timeout); stopped earlier, it may agree with the first few it hears and form a ring " +
                   "that must merge again at once.";
        gather.OnJoin(Join(R, procSet: [R], failSet: []));
        return gather.Waiting
            ? "p starts expecting {p, q, r} and has now heard q and r, but Gather.OnJoin left it Waiting: there is nobody left to wait for, so it stops waiting " +
              "(otherwise every start costs a whole consensus timeout)."
            : null;
    }

    // q agreed with p; r stayed silent, and p's consensus timeout failed it. q's join, sent before
    // it heard of that, has the same proc set but not r in its fail set: q does not agree any more.
    // Its next join, with r failed, does.
    private static string? Consensus()
    {
        var gather = new Gather(P, [P, Q, R], GatherReason.TokenLoss);
        gather.OnJoin(Join(Q, procSet: [P, Q, R], failSet: []));
        gather.OnConsensusTimeout();
        if (gather.HasConsensus)
            return $"p's sets are {Sets(gather)}, and q's join says proc set {{p, q, r}}, fail set {{}}: Gather.HasConsensus says p and q agree. " +
                   "Consensus is reached when every proposed member has sent a join with exactly the same two sets, the fail set too: q still proposes r, " +
                   "so it would refuse p's commit token for {p, q} (it proposes {p, q, r}), and the round would end only at a consensus timeout.";
        gather.OnJoin(Join(Q, procSet: [P, Q, R], failSet: [R]));
        return gather.HasConsensus ? null
            : $"p's sets are {Sets(gather)} and q, the only other proposed member, has sent a join with exactly these two sets, but Gather.HasConsensus says no: " +
              "consensus is reached when every proposed member other than this process has sent a join with exactly this process's two sets.";
    }

    // p, q, r gather. Without consensus the silent r is failed; with consensus and no commit token,
    // q fails the representative p, whose token never came, and nobody else.
    private static string? TheConsensusTimeout()
    {
        var gather = new Gather(P, [P, Q, R], GatherReason.TokenLoss);
        gather.OnJoin(Join(Q, procSet: [P, Q, R], failSet: []));
        bool changed = gather.OnConsensusTimeout();
        if (!gather.FailSet.SetEquals([R]))
            return $"p, q and r gather; q agreed with p and r stayed silent. At the consensus timeout p's fail set must be {{r}}, but it is {gather.FailSet.Display()}: " +
                   "\"every proposed member that has not agreed is moved to the fail set\" (Gather.OnConsensusTimeout).";
        if (!changed)
            return "p's consensus timeout moved r to the fail set, but Gather.OnConsensusTimeout returned false: it must return true when the sets changed, " +
                   "so that p's join goes out at once; otherwise the others learn that r is left out only at p's next join timeout.";

        var waiting = new Gather(Q, [P, Q, R], GatherReason.TokenLoss);
        waiting.OnJoin(Join(P, procSet: [P, Q, R], failSet: []));
        waiting.OnJoin(Join(R, procSet: [P, Q, R], failSet: []));
        waiting.OnConsensusTimeout();
        return waiting.FailSet.SetEquals([P]) ? null
            : $"p, q and r all agreed on {{p, q, r}}, but the commit token of their representative p never reached q. At q's consensus timeout q's fail set must be {{p}}, " +
              $"but it is {waiting.FailSet.Display()}: \"if all had agreed but no commit token came, the representative\" is moved to the fail set, and only it " +
              "(Gather.OnConsensusTimeout): the others agreed, and only p failed to do its part.";
    }

    // p gathers with {p, q, r} and has seen ring sequence number 4 (its last ring, R4.p).
    private static string? TheCommitToken()
    {
        var gather = new Gather(P, [P, Q, R], GatherReason.TokenLoss);
        const string rule = "a process takes the first rotation of a commit token only if it proposes exactly its proc_set − fail_set, with a ring sequence number above " +
                            "every one it has seen (Gather.Accepts)";
        if (gather.Accepts(Commit(new RingId(4, Q), [P, Q, R]), highestRingSequence: 4))
            return $"p has seen ring sequence number 4 and accepted a commit token of ring R4.q: {rule}. A correct representative numbers its ring above the highest " +
                   "ring sequence number every member reported, so this token is an old one come late or duplicated, of an attempt its members have given up.";
        if (gather.Accepts(Commit(new RingId(5, Q), [Q, R]), highestRingSequence: 4))
            return $"p proposes {{p, q, r}} and accepted a commit token for {{q, r}}: {rule}.";
        if (gather.Accepts(Commit(new RingId(5, Q), [P, Q, R, S]), highestRingSequence: 4))
            return $"p proposes {{p, q, r}} and accepted a commit token for {{p, q, r, s}}: {rule}; p never agreed with s.";
        return gather.Accepts(Commit(new RingId(5, P), [P, Q, R]), highestRingSequence: 4) ? null
            : $"p proposes {{p, q, r}}, has seen ring sequence number 4, and refused a commit token of R5.p for {{p, q, r}}: {rule}, and this one is.";
    }

    private static JoinMessage Join(ProcessId sender, ImmutableArray<ProcessId> procSet, ImmutableArray<ProcessId> failSet) =>
        new(sender, OldRing, ImmutableSortedSet.CreateRange(ProcessId.Ordinal, procSet), ImmutableSortedSet.CreateRange(ProcessId.Ordinal, failSet), OldRing.Sequence);

    private static CommitToken Commit(RingId ring, ImmutableArray<ProcessId> members) => new(ring.Representative, ring, members, [], Rotation: 1, TokenSeq: 0);

    private static string Sets(Gather gather) => $"proc set {gather.ProcSet.Display()}, fail set {gather.FailSet.Display()}";

    private static string Display(this ImmutableSortedSet<ProcessId> set) => $"{{{string.Join(", ", set)}}}";
}
