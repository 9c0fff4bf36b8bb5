// The paper, Section 4: "Extend(H) is defined to be the set of histories obtained by extending the
// local process histories within the history H by appending any missing deliver and view events
// that correspond to unpaired send, cbcast, abcast and view events in H. ... The history of a
// failed process is extended by prepending the missing events before the stop event, but after
// any other events executed by the failed process prior to the failure." And Section 5.1: C3 "is
// achieved by Specification 4 and the extend mechanism if appropriately revised to exclude from
// the history messages sent by failed processes that were not delivered by one or more processes
// that do not fail." This file is that mechanism, kept apart so that it can be tested directly.
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// The history Extend(H) that C2 and C3 are judged on, and what it took to make it.
/// <see cref="Trace"/> holds every recorded event and the imputed ones: each failed process's
/// imputed events sit just before its stop, which moves to the index after them (so a failed
/// process's indices still run 0..n-1). The events of <see cref="Excluded"/> messages are kept in
/// <see cref="Trace"/> — they happened, and L1-L5 still judge them — but C2 and C3 leave those
/// messages out, as the revision of Section 5.1 says.
/// </summary>
public sealed class ExtendedHistory
{
    private readonly Dictionary<string, long> _recordedStop;
    private readonly HashSet<VsEvent> _imputed;

    internal ExtendedHistory(VsTrace trace, IReadOnlyList<MessageId> excluded, IReadOnlyList<VsEvent> imputed, Dictionary<string, long> recordedStop)
    {
        Trace = trace;
        Excluded = excluded;
        Imputed = imputed;
        _recordedStop = recordedStop;
        _imputed = new HashSet<VsEvent>(imputed, ReferenceEqualityComparer.Instance);
    }

    /// <summary>The extended history: recorded events, plus the imputed ones before each failed process's stop.</summary>
    public VsTrace Trace { get; }

    /// <summary>The messages the revision excludes: sent by a failed process, delivered by no member of the send's view that does not fail.</summary>
    public IReadOnlyList<MessageId> Excluded { get; }

    /// <summary>The imputed events, as they appear in <see cref="Trace"/>, process by process in local order.</summary>
    public IReadOnlyList<VsEvent> Imputed { get; }

    /// <summary>Whether <paramref name="e"/> (an event of <see cref="Trace"/>) was imputed rather than recorded.</summary>
    public bool IsImputed(VsEvent e) => _imputed.Contains(e);

    /// <summary>
    /// How a report names an event of <see cref="Trace"/> in the recorded trace: itself, except that
    /// an imputed event and a moved stop are named by the stop as recorded, where the extension sits.
    /// </summary>
    public EventRef Witness(VsEvent e) =>
        _recordedStop.TryGetValue(e.Process, out long stop) && e.Index >= stop
            ? new EventRef(new ProcessId(e.Process), stop)
            : VsHistory.Witness(e);
}

/// <summary>
/// Extend(H), with the revision of Section 5.1, as this checker applies it.
/// <list type="number">
/// <item>A process whose history ends with <c>stop</c> has failed. Live processes are never
/// extended: the checker judges completeness only on a quiescent trace, where nothing is still to
/// come for them.</item>
/// <item>Revision: a message sent by a failed process is excluded when no member of the view it
/// was sent in that does not fail delivered it. (A send before any view, an L4 violation, is
/// never excluded.)</item>
/// <item>A failed process p is extended, before its stop, with the view events it misses: every
/// view that lists p, that p did not install, and that does not come before p's last view in the
/// order of views (<see cref="ViewOrder"/>; a view p skipped is L3's to report, not something
/// to impute). They come in the order of views.</item>
/// <item>…and with the deliveries it misses: every message, not excluded and not delivered by p,
/// that some process delivered in p's last recorded view or in a view imputed to p — each in the
/// view it was delivered in, after that view's event. A delivery p missed in an earlier view is
/// not imputed: it could only be placed in a later view, which L4 forbids, so C3 reports it.</item>
/// <item>Imputed events of one view are laid out in the order of a global time of the recorded
/// history (<see cref="CausalLayers.Positions"/>), so that imputing does not by itself contradict
/// an order the history already has; L1, L3 and L5 then judge the extended history.</item>
/// </list>
/// </summary>
public static class Extend
{
    /// <summary>Extend(H) of a recorded history.</summary>
    public static ExtendedHistory Apply(VsTrace trace)
    {
        var recorded = VsHistory.Recorded(trace);
        return Apply(trace.Header, recorded, new ViewOrder(recorded), new CausalLayers(recorded));
    }

    internal static ExtendedHistory Apply(VsTraceHeader header, VsHistory h, ViewOrder views, CausalLayers layers)
    {
        var excluded = Excluded(h);
        var positions = layers.Positions();
        var deliveriesIn = DeliveriesByView(h);
        var events = new List<VsEvent>(h.Count);
        var imputed = new List<VsEvent>();
        var recordedStop = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int stop = h.ProcessStart[p + 1] - 1;
            for (int e = h.ProcessStart[p]; e < stop; e++) events.Add(h.Events[e]);
            if (!h.Failed(p))
            {
                events.Add(h.Events[stop]);
                continue;
            }
            var recordedStopEvent = h.Events[stop];
            var missing = Missing(h, views, positions, deliveriesIn, excluded, p)
                .Select((e, k) => e with { Index = recordedStopEvent.Index + k })
                .ToList();
            recordedStop[h.Processes[p]] = recordedStopEvent.Index;
            events.AddRange(missing);
            imputed.AddRange(missing);
            events.Add(recordedStopEvent with { Index = recordedStopEvent.Index + missing.Count });
        }
        var excludedIds = Enumerable.Range(0, h.Messages.Length).Where(m => excluded[m]).Select(m => h.Messages[m]).ToList();
        return new ExtendedHistory(new VsTrace(header, events), excludedIds, imputed, recordedStop);
    }

    /// <summary>The revision: for each message, whether it was sent by a failed process and delivered by no member of its view that does not fail.</summary>
    private static bool[] Excluded(VsHistory h)
    {
        var excluded = new bool[h.Messages.Length];
        for (int m = 0; m < h.Messages.Length; m++)
        {
            int s = h.SendOf[m];
            if (s < 0 || !h.Failed(h.ProcessOf[s]) || h.ViewOf[s] < 0) continue;
            bool deliveredByLiveMember = false;
            foreach (int d in h.DeliveriesOf(m))
                deliveredByLiveMember |= !h.Failed(h.ProcessOf[d]) && h.IsMember(h.ViewOf[s], h.Processes[h.ProcessOf[d]]);
            excluded[m] = !deliveredByLiveMember;
        }
        return excluded;
    }

    /// <summary>For each view, the deliveries in it, in event order.</summary>
    private static List<int>[] DeliveriesByView(VsHistory h)
    {
        var byView = new List<int>[h.Views.Length];
        for (int v = 0; v < byView.Length; v++) byView[v] = [];
        for (int e = 0; e < h.Count; e++)
            if (h.Events[e] is VsDeliver && h.ViewOf[e] >= 0) byView[h.ViewOf[e]].Add(e);
        return byView;
    }

    /// <summary>The view and deliver events failed process p misses, in the order they are imputed (indices still to be set).</summary>
    private static IEnumerable<VsEvent> Missing(VsHistory h, ViewOrder views, int[] positions, List<int>[] deliveriesIn, bool[] excluded, int p)
    {
        string name = h.Processes[p];
        var stop = h.Events[h.ProcessStart[p + 1] - 1];
        int last = h.ViewOf[h.ProcessStart[p + 1] - 1];
        var installed = new HashSet<int>();
        var delivered = new HashSet<int>();
        for (int e = h.ProcessStart[p]; e < h.ProcessStart[p + 1]; e++)
        {
            if (h.Events[e] is ViewChange) installed.Add(h.ViewOf[e]);
            if (h.Events[e] is VsDeliver) delivered.Add(h.MessageOf[e]);
        }

        // Each missing event is keyed by (its view's place, view event before deliveries, global time).
        var missing = new List<((int View, int Kind, int Time, int Tie) Key, VsEvent Event)>();
        var extendedViews = new List<(int View, int Place)>();
        if (last >= 0) extendedViews.Add((last, -1));
        foreach (int v in h.ViewsListing(name))
        {
            if (installed.Contains(v) || (last >= 0 && views.Precedes(v, last))) continue;
            extendedViews.Add((v, views.Position[v]));
            missing.Add(((views.Position[v], 0, 0, v), new ViewChange(name, 0, stop.Time, h.Views[v], h.Declaration[v].Members)));
        }
        extendedViews.Sort((a, b) => a.Place.CompareTo(b.Place));
        foreach (var (v, place) in extendedViews)
        {
            var firstTime = new Dictionary<int, int>();
            foreach (int d in deliveriesIn[v])
            {
                int m = h.MessageOf[d];
                if (excluded[m] || delivered.Contains(m)) continue;
                firstTime[m] = Math.Min(firstTime.GetValueOrDefault(m, int.MaxValue), positions[d]);
            }
            foreach (var (m, time) in firstTime)
            {
                delivered.Add(m);
                missing.Add(((place, 1, time, m), new VsDeliver(name, 0, stop.Time, h.Messages[m], h.ServiceOf[m])));
            }
        }
        return missing.OrderBy(x => x.Key).Select(x => x.Event);
    }
}
