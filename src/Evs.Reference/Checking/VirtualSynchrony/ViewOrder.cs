// The paper, Section 4: the views of a group are its instances g^1, g^2, …, "where x denotes the
// xth instance of group g". A trace names views by strings, not by x; this file recovers their
// order from the order in which each process installs them, for Extend (which imputes a failed
// member's missing views in that order) and for L3 (a process may not skip a view that lists it).
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// The order of a history's views: view u comes before view v when some process installs u and
/// then, as its next view, v — and transitively. <see cref="Position"/> lays the views out in one
/// sequence consistent with that order (Kahn's algorithm, ties broken by first appearance), so
/// that "g^x" becomes "the view at position x". Views on a cycle of that order (an L3 violation,
/// which L3 reports from the event graph) are placed after the others, in order of first appearance.
/// </summary>
internal sealed class ViewOrder
{
    private readonly int[] _successorStart, _successors;

    /// <summary>For each view, its place in the sequence of views.</summary>
    public int[] Position { get; }

    public ViewOrder(VsHistory h)
    {
        int views = h.Views.Length;
        var edges = new List<(int From, int To)>();
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int previous = -1;
            for (int e = h.ProcessStart[p]; e < h.ProcessStart[p + 1]; e++)
            {
                if (h.Events[e] is not ViewChange) continue;
                if (previous >= 0 && previous != h.ViewOf[e]) edges.Add((previous, h.ViewOf[e]));
                previous = h.ViewOf[e];
            }
        }
        _successorStart = new int[views + 1];
        foreach (var (from, _) in edges) _successorStart[from + 1]++;
        for (int v = 0; v < views; v++) _successorStart[v + 1] += _successorStart[v];
        _successors = new int[edges.Count];
        var fill = (int[])_successorStart.Clone();
        foreach (var (from, to) in edges) _successors[fill[from]++] = to;
        Position = Sequence(views, edges);
    }

    /// <summary>Whether view <paramref name="u"/> comes before view <paramref name="v"/>: a chain of installations leads from u to v.</summary>
    public bool Precedes(int u, int v)
    {
        if (Position[u] >= Position[v]) return false;
        var seen = new HashSet<int> { u };
        var pending = new Stack<int>([u]);
        while (pending.Count > 0)
        {
            int w = pending.Pop();
            for (int k = _successorStart[w]; k < _successorStart[w + 1]; k++)
            {
                int next = _successors[k];
                if (next == v) return true;
                // Positions grow along every edge off a cycle, so nothing beyond v's can lead back to it.
                if (Position[next] < Position[v] && seen.Add(next)) pending.Push(next);
            }
        }
        return false;
    }

    private int[] Sequence(int views, List<(int From, int To)> edges)
    {
        var indegree = new int[views];
        foreach (var (_, to) in edges) indegree[to]++;
        var ready = new PriorityQueue<int, int>();
        for (int v = 0; v < views; v++) if (indegree[v] == 0) ready.Enqueue(v, v);
        var position = new int[views];
        Array.Fill(position, -1);
        int next = 0;
        while (ready.TryDequeue(out int v, out _))
        {
            position[v] = next++;
            for (int k = _successorStart[v]; k < _successorStart[v + 1]; k++)
                if (--indegree[_successors[k]] == 0) ready.Enqueue(_successors[k], _successors[k]);
        }
        for (int v = 0; v < views; v++) if (position[v] < 0) position[v] = next++;
        return position;
    }
}
