// Every specification asks for "every delivery of m", "every deliver_conf of c", "every view
// change of v": the events of a history grouped by a number. Both histories (History.cs,
// VirtualSynchrony/VsHistory.cs) group them once, here, by a counting sort in linear time.
namespace Evs.Reference.Checking;

/// <summary>Events grouped by a key into flat arrays (compressed sparse rows).</summary>
internal static class Buckets
{
    /// <summary>
    /// The events 0..<paramref name="count"/>-1 grouped by <paramref name="keyOf"/>, each event's
    /// bucket in 0..<paramref name="buckets"/>-1 or -1 to leave it out: bucket b is
    /// <c>Items[Start[b] .. Start[b+1]-1]</c>, and within a bucket events keep event order.
    /// </summary>
    public static (int[] Start, int[] Items) Of(int count, int buckets, Func<int, int> keyOf)
    {
        var start = new int[buckets + 1];
        var keys = new int[count];
        for (int e = 0; e < count; e++)
        {
            keys[e] = keyOf(e);
            if (keys[e] >= 0) start[keys[e] + 1]++;
        }
        for (int b = 0; b < buckets; b++) start[b + 1] += start[b];
        var items = new int[start[buckets]];
        var fill = (int[])start.Clone();
        for (int e = 0; e < count; e++)
            if (keys[e] >= 0) items[fill[keys[e]]++] = e;
        return (start, items);
    }
}
