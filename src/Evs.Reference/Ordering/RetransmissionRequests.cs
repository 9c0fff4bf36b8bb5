// Totem's retransmission (TOCS 1995): a process that misses messages lists their ordinals on
// the token; any later holder that has them broadcasts them again. Losses are recovered
// without acknowledgements per message.
using System.Collections.Immutable;

namespace Evs.Reference.Ordering;

/// <summary>The two things a token holder does with the retransmission request list.</summary>
public static class RetransmissionRequests
{
    /// <summary>
    /// The requests this process can answer (it holds the message), in order, and the list
    /// with them removed.
    /// </summary>
    public static (ImmutableArray<long> ToRetransmit, ImmutableArray<long> Remaining) Serve(
        ImmutableArray<long> requests, Func<long, bool> have)
    {
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
        var set = new SortedSet<long>(requests);
        foreach (var seq in missing)
        {
            if (set.Count >= limit) break;
            set.Add(seq);
        }
        return [.. set];
    }
}
