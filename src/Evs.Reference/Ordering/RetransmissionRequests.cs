// Totem's retransmission (TOCS 1995): a process that misses messages lists their ordinals on
// the token; any later holder that has them broadcasts them again. Losses are recovered
// without acknowledgements per message. The list is a peer's claim too (issue #13, item 3): a
// request nobody can answer would ride on every token for ever and crowd out the real ones, so
// the list is kept to the ordinals some member may still lack.
using System.Collections.Immutable;

namespace Evs.Reference.Ordering;

/// <summary>What a token holder does with the retransmission request list.</summary>
public static class RetransmissionRequests
{
    /// <summary>
    /// The requests that some member may still lack: above <paramref name="receivedByAll"/> and at
    /// most the token's highest ordinal <paramref name="seq"/>, each once, the lowest first, at most
    /// <paramref name="limit"/>. Above the highest ordinal nobody has broadcast the message. At or
    /// below what is known received by all (the token's aru, or what this process has learnt from
    /// the aru: <see cref="AruRule.ReceivedByAll"/>) no member lacks it. A correct token carries no
    /// such request: a process asks only for an ordinal above its own aru, and the aru it leaves on
    /// the token is at most its own (<see cref="AruRule"/>); only a member holding the message can
    /// raise the aru past the ordinal again, and it answers the request before it touches the aru;
    /// and nothing is known received by all while the asker lacks it. A correct list is also sorted,
    /// without repeats and no longer than the limit (<see cref="AddMissing"/>): for it this changes
    /// nothing. A forged request is gone at the first member that can tell: one that no member
    /// lacks, at once; one for an ordinal that members lack and none holds comes back with each of
    /// them, until they fail to receive (<see cref="TotemRing.FailedToReceive"/>).
    /// </summary>
    public static ImmutableArray<long> Window(ImmutableArray<long> requests, long receivedByAll, long seq, int limit)
    {
        if (IsWindow(requests, receivedByAll, seq, limit)) return requests; // a correct list, as it is nearly always
        var kept = new SortedSet<long>();
        foreach (var requested in requests)
            if (requested > receivedByAll && requested <= seq) kept.Add(requested);
        return [.. kept.Take(limit)];
    }

    /// <summary>
    /// The requests this process can answer (it holds the message), in order, and the list
    /// with them removed.
    /// </summary>
    public static (ImmutableArray<long> ToRetransmit, ImmutableArray<long> Remaining) Serve(
        ImmutableArray<long> requests, Func<long, bool> have)
    {
        int held = 0;
        foreach (var seq in requests)
            if (have(seq)) held++;
        if (held == 0) return ([], requests);
        if (held == requests.Length) return (requests, []);
        var serve = ImmutableArray.CreateBuilder<long>();
        var keep = ImmutableArray.CreateBuilder<long>();
        foreach (var seq in requests) (have(seq) ? serve : keep).Add(seq);
        return (serve.ToImmutable(), keep.ToImmutable());
    }

    /// <summary>
    /// Adds the ordinals this process is missing (listed by <paramref name="missing"/>) that are not
    /// requested yet, keeping the list sorted and no longer than <paramref name="limit"/>.
    /// </summary>
    public static ImmutableArray<long> AddMissing(ImmutableArray<long> requests, IEnumerable<long> missing, int limit)
    {
        using var first = missing.GetEnumerator();
        if (!first.MoveNext() && IsWindow(requests, long.MinValue, long.MaxValue, limit)) return requests; // nothing to add
        var set = new SortedSet<long>(requests);
        foreach (var seq in missing)
        {
            if (set.Count >= limit) break;
            set.Add(seq);
        }
        return [.. set];
    }

    // Whether the list is already what Window makes of it: sorted without repeats, every ordinal in
    // (receivedByAll, seq], and at most limit long.
    private static bool IsWindow(ImmutableArray<long> requests, long receivedByAll, long seq, int limit)
    {
        if (requests.Length > limit) return false;
        long previous = receivedByAll;
        foreach (var requested in requests)
        {
            if (requested <= previous || requested > seq) return false;
            previous = requested;
        }
        return true;
    }
}
