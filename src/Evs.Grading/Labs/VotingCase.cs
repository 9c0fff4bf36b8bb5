// Two cases of dynamic linear voting built by hand for lab 7, judged by Uniqueness (PC.1): a
// primary split in two after a shrink, and a primary that some of its members installed while one
// only agreed to it. Random fault schedules seldom reach either (a partition must cut a primary
// that is smaller than an older one some members still remember), so a wrong choice of the last
// primary, or of the ambiguous primaries that count, can pass the schedules. Each case asks the
// student's DynamicLinearVoting about two concurrent configurations: at most one may be primary.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.PrimaryComponent;

namespace Evs.Grading.Labs;

/// <summary>
/// p, q, r, s and t were the primary Y (ring 1). In the first case q, r and p went on as the primary X
/// (ring 2), installed by all three, and X splits into {p, q} and {r, s, t}: s and t only know Y,
/// r knows X. In the second case X was installed by p and q while r only agreed to it (X is
/// ambiguous at r, its last primary still Y), and X splits the same way. In both, {p, q} holds a
/// majority of X and is primary; {r, s, t} must not be, although it holds a majority of Y.
/// </summary>
public static class VotingCase
{
    /// <summary>The case's index in a grading child's lines, where a schedule's would be (<see cref="PartitionCase.Index"/> is -2).</summary>
    public const int Index = -3;

    /// <summary>The row its verdict counts in: Uniqueness.</summary>
    public const string Spec = "PC.1";

    private static readonly ProcessId P = new("p"), Q = new("q"), R = new("r"), S = new("s"), T = new("t");
    private static readonly ImmutableSortedSet<ProcessId> Everyone = Set(P, Q, R, S, T), Pq = Set(P, Q), Rst = Set(R, S, T);
    private static readonly PrimaryRecord Y = new(new ConfigurationId("R1.p"), 1, Everyone, P);
    private static readonly PrimaryRecord X = new(new ConfigurationId("R2.p"), 2, Set(P, Q, R), P);

    /// <summary>Null when at most one side of each split is primary; otherwise which case, and what the student's class decided.</summary>
    public static string? Check() => Installed() ?? Ambiguous();

    // X installed by p, q and r: the last primary of {r, s, t} is X, the newest any of them knows.
    private static string? Installed()
    {
        var atPq = new PrimaryHistory(X, []);
        var atR = new PrimaryHistory(X, []);
        var atSt = new PrimaryHistory(Y, []);
        return BothPrimary([atPq, atPq], [atR, atSt, atSt])
            ? "In the case played by hand (src/Evs.Grading/Labs/VotingCase.cs): p, q, r, s, t were the primary R1.p (ring 1); p, q, r went on as " +
              "the primary R2.p (ring 2), which splits into {p, q} and {r, s, t}. DynamicLinearVoting.IsPrimary calls both primary: Uniqueness (PC.1) fails. " +
              "r told that its last primary is R2.p, s and t that theirs is R1.p: the last primary is the newest (the highest ring sequence), " +
              "and {r, s, t} holds only one of its three members."
            : null;
    }

    // X installed by p and q; r agreed to it but did not install it: X is ambiguous at r, whose last primary is still Y.
    private static string? Ambiguous()
    {
        var atPq = new PrimaryHistory(X, []);
        var atR = new PrimaryHistory(Y, [X]);
        var atSt = new PrimaryHistory(Y, []);
        return BothPrimary([atPq, atPq], [atR, atSt, atSt])
            ? "In the case played by hand (src/Evs.Grading/Labs/VotingCase.cs): p, q, r, s, t were the primary R1.p (ring 1); p, q, r agreed that " +
              "R2.p (ring 2) is primary, p and q installed it, r failed to; it splits into {p, q} and {r, s, t}. DynamicLinearVoting.IsPrimary calls both " +
              "primary: Uniqueness (PC.1) fails. r's last primary is R1.p, but it told R2.p as ambiguous, later than R1.p: p and q may be running in it, " +
              "so a new primary must hold a majority of it too, and {r, s, t} holds only one of its three members."
            : null;
    }

    private static bool BothPrimary(IReadOnlyList<PrimaryHistory> fromPq, IReadOnlyList<PrimaryHistory> fromRst)
    {
        var voting = new DynamicLinearVoting(Everyone);
        return voting.IsPrimary(Pq, fromPq) && voting.IsPrimary(Rst, fromRst);
    }

    private static ImmutableSortedSet<ProcessId> Set(params ProcessId[] members) => members.ToImmutableSortedSet(ProcessId.Ordinal);
}
