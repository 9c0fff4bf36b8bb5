// Totem's ring in numbers: the token carries seq, the highest sequence number given to a message
// on the ring, and aru, the sequence number up to which every process has received them all.
// A trace (docs/TRACE.md) records neither — only sends and deliveries — so this layout derives both
// from the trace, per regular configuration, and says so: seq is the number of messages sent in
// the configuration so far, aru the number of them every member has delivered there so far.
// Delivering implies receiving, so this aru lags the token's a little; the two are equal once
// the ring is quiet. The gap between them, seq − aru, is what is in flight: a few ordinals on a
// busy ring, which vanish at the scale of a run of a thousand — so a long run also has a window,
// a stretch short enough for the gap to show.
namespace Evs.Plots.Layout;

/// <summary>The derived seq and aru of one regular configuration at one moment.</summary>
public readonly record struct RingSample(double Time, int Seq, int Aru)
{
    /// <summary>Sent in the configuration and not yet delivered by every member.</summary>
    public int InFlight => Seq - Aru;
}

/// <summary>A stretch of a run, in virtual milliseconds.</summary>
public readonly record struct RingWindow(double From, double To);

/// <summary>The derived seq and aru of one regular configuration over time.</summary>
public sealed record RingSeries(string Configuration, IReadOnlyList<string> Members, IReadOnlyList<RingSample> Samples);

/// <summary>The derived seq and aru of every regular configuration of a history.</summary>
public sealed record RingLayout(IReadOnlyList<RingSeries> Series)
{
    /// <summary>
    /// One series per regular configuration in which something was sent: a sample after each send
    /// (seq grows) and each delivery (aru grows when the slowest member catches up). The members
    /// are those that installed the configuration.
    /// </summary>
    public static RingLayout Of(IReadOnlyList<PlotEvent> events)
    {
        var series = new List<RingSeries>();
        var regular = events.Where(e => e.Kind == PlotEventKind.ConfigurationChange && !e.Transitional).GroupBy(e => e.Configuration)
            .OrderBy(g => g.Min(e => e.Time)).ThenBy(g => g.Key, StringComparer.Ordinal);
        foreach (var configuration in regular)
        {
            var inIt = events.Where(e => e.Configuration == configuration.Key && e.Kind is PlotEventKind.Send or PlotEventKind.Deliver)
                .OrderBy(e => e.Time).ThenBy(e => e.Kind).ToList();
            if (!inIt.Any(e => e.Kind == PlotEventKind.Send)) continue;
            var installed = configuration.Select(c => c.Process).ToList();
            var delivered = installed.ToDictionary(p => p, _ => 0);
            int seq = 0;
            var samples = new List<RingSample>();
            foreach (var e in inIt)
            {
                if (e.Kind == PlotEventKind.Send) seq++;
                else if (delivered.ContainsKey(e.Process)) delivered[e.Process]++;
                samples.Add(new RingSample(e.Time, seq, delivered.Values.Min()));
            }
            series.Add(new RingSeries(configuration.Key, installed, samples));
        }
        return new RingLayout(series);
    }

    /// <summary>
    /// Where to look closely at a long run: null when no configuration sends more than
    /// <paramref name="ordinals"/> messages (the whole run shows its gaps), else the stretch of the
    /// busiest configuration in which it sent <paramref name="ordinals"/> of them, around the middle of
    /// its life — a typical stretch, away from the backlog of its start and the quiet of its end.
    /// </summary>
    public RingWindow? Window(int ordinals)
    {
        var busiest = Series.MaxBy(s => s.Samples[^1].Seq);
        if (busiest is null || busiest.Samples[^1].Seq <= ordinals) return null;
        double halfway = (busiest.Samples[0].Time + busiest.Samples[^1].Time) / 2;
        int middle = busiest.Samples.First(s => s.Time >= halfway).Seq;
        int first = Math.Max(1, middle - ordinals / 2);
        int last = first + ordinals;
        double TimeOf(int seq) => busiest.Samples.First(s => s.Seq >= Math.Min(seq, busiest.Samples[^1].Seq)).Time;
        double from = TimeOf(first), to = TimeOf(last);
        return to > from ? new RingWindow(from, to) : null; // all sent at one instant: nothing to zoom on
    }
}
