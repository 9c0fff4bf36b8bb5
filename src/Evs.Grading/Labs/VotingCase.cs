// The primary component algorithms' cases built by hand for lab 7. Three are judged by Uniqueness
// (PC.1): a fixed majority split into two halves, and two of dynamic linear voting — a primary
// split in two after a shrink, and a primary that some of its members installed while one only
// agreed to it. Random fault schedules seldom reach them (a partition must cut a primary that is
// smaller than an older one some members still remember, or cut four processes into halves), so a
// wrong count, or a wrong choice of the last primary or of the ambiguous primaries that count, can
// pass the schedules. Each asks the student's class about two concurrent configurations: at most
// one may be primary. Two more are judged by the row of progress (PrimaryProgress): Uniqueness
// and Continuity hold for an algorithm that refuses too much, so the cases also ask for the
// primaries dynamic linear voting grants — exactly half of the last primary with its lowest
// process, and a majority of the last primary when an ambiguous one is older than it.
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
    /// <summary>The row its splits count in: Uniqueness.</summary>
    public const string Spec = "PC.1";

    /// <summary>The row its primaries that must be granted count in: progress.</summary>
    public const string ProgressSpec = PrimaryProgress.Spec;

    private static readonly ProcessId P = new("p"), Q = new("q"), R = new("r"), S = new("s"), T = new("t");
    private static readonly ImmutableSortedSet<ProcessId> Everyone = Set(P, Q, R, S, T), Pq = Set(P, Q), Rst = Set(R, S, T), Pqrs = Set(P, Q, R, S), Rs = Set(R, S);
    private static readonly PrimaryRecord Y = new(new ConfigurationId("R1.p"), 1, Everyone, P);
    private static readonly PrimaryRecord X = new(new ConfigurationId("R2.p"), 2, Set(P, Q, R), P);

    /// <summary>Null when at most one side of each split is primary; otherwise which case, and what the student's class decided.</summary>
    public static string? Check() => Halves() ?? Installed() ?? Ambiguous();

    /// <summary>Null when dynamic linear voting grants the primaries its rule grants; otherwise which one it refused.</summary>
    public static string? CheckProgress() => HalfWithTheLowest() ?? OlderAmbiguous();

    // A fixed set of four, split into two halves: a strict majority is more than half, so neither is primary.
    private static string? Halves()
    {
        var majority = new Majority(Pqrs);
        return majority.IsPrimary(Pq, []) && majority.IsPrimary(Rs, [])
            ? "In the case played by hand (src/Evs.Grading/Labs/VotingCase.cs): the fixed set is {p, q, r, s}, split into {p, q} and {r, s}. " +
              "Majority.IsPrimary calls both primary: Uniqueness (PC.1) fails. A majority is strictly more than half: two disjoint halves cannot both hold one."
            : null;
    }

    // X = {p, q, r, s} was the last primary; {p, q} holds exactly half of it, with its lowest process p.
    private static string? HalfWithTheLowest()
    {
        var last = new PrimaryRecord(new ConfigurationId("R2.p"), 2, Pqrs, P);
        var history = new PrimaryHistory(last, []);
        return new DynamicLinearVoting(Everyone).IsPrimary(Pq, [history, history]) ? null
            : "In the case played by hand (src/Evs.Grading/Labs/VotingCase.cs): the last primary was R2.p = {p, q, r, s}, and {p, q} holds exactly half of it, " +
              "with its lowest process p. DynamicLinearVoting.IsPrimary refuses it: exactly half counts when it holds the previous primary's lowest process " +
              "(of two disjoint halves only one holds it), so {p, q} is primary, and refusing it blocks them for nothing.";
    }

    // {p, q, r} (ring 3) is the last primary; p also remembers an older ambiguous primary {s, t} (ring 2), which no longer counts.
    private static string? OlderAmbiguous()
    {
        var older = new PrimaryRecord(new ConfigurationId("R2.s"), 2, Set(S, T), S);
        var last = new PrimaryRecord(new ConfigurationId("R3.p"), 3, Set(P, Q, R), P);
        return new DynamicLinearVoting(Everyone).IsPrimary(Pq, [new PrimaryHistory(last, [older]), new PrimaryHistory(last, [])]) ? null
            : "In the case played by hand (src/Evs.Grading/Labs/VotingCase.cs): the last primary is R3.p = {p, q, r} (ring 3), and p also remembers R2.s = {s, t} " +
              "(ring 2) as ambiguous. DynamicLinearVoting.IsPrimary refuses {p, q}, which holds a majority of R3.p: only an ambiguous primary later than the last " +
              "one may still be running; R3.p was formed after R2.s, so R2.s no longer counts.";
    }

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
