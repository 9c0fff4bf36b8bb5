// The space-time diagram's other vertical axis (evs plot --ms): the trace's clock, in milliseconds
// from the run's first event. A real node stamps its events with the wall clock, so a run of a few
// seconds starts at some 1.8 trillion ms; counted from its first event it reads 0 to a few thousand.
// A real node also delivers a transitional configuration, the messages it delivers there and the
// next regular configuration in one step, at one millisecond: drawn at their times, the two bars
// and their labels lie on top of each other. So a configuration change (or a failure), and the
// first event after one, are drawn a small step below the event before them at their process. The
// hover still gives each event's own time.
namespace Evs.Plots.Layout;

/// <summary>Where each event goes on a milliseconds axis, and the step that keeps configuration changes apart.</summary>
/// <param name="Y">Each event's height, keyed by witness name (<c>p#3</c>): ms from the first event, or a step below the event before it.</param>
/// <param name="Step">The least distance between a configuration change and the event before it at its process (a fortieth of the run).</param>
/// <param name="Origin">The time of the run's first event, in the trace's own milliseconds.</param>
public sealed record ClockTime(IReadOnlyDictionary<string, double> Y, double Step, double Origin)
{
    /// <summary>How many steps the run is divided into: the picture gives each step a row's height.</summary>
    public const int Steps = 40;

    /// <summary>The heights of <paramref name="events"/>.</summary>
    public static ClockTime Of(IReadOnlyList<PlotEvent> events)
    {
        if (events.Count == 0) return new ClockTime(new Dictionary<string, double>(), 1, 0);
        double origin = events.Min(e => e.Time);
        double step = Math.Max(events.Max(e => e.Time) - origin, 1) / Steps;
        var y = new Dictionary<string, double>();
        foreach (var process in events.GroupBy(e => e.Process))
        {
            double previous = double.NegativeInfinity;
            bool afterChange = false;
            foreach (var e in process.OrderBy(e => e.Index))
            {
                bool change = e.Kind is PlotEventKind.ConfigurationChange or PlotEventKind.Fail;
                previous = Math.Max(e.Time - origin, previous + (change || afterChange ? step : 0));
                y[e.Witness] = previous;
                afterChange = change;
            }
        }
        return new ClockTime(y, step, origin);
    }
}
