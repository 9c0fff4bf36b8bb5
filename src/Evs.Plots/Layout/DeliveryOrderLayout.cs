// Specifications 4 and 6 in one picture: processes that go together from one configuration to
// the next deliver the same messages there (4), in the same order (6.3, for agreed and safe
// messages). One column per process and configuration, one row per position in that process's
// delivery order: where the orders are identical, the same message sits on the same row.
namespace Evs.Plots.Layout;

/// <summary>What one process delivered in one configuration, in its order.</summary>
public sealed record DeliveryColumn(string Configuration, bool Transitional, string Process, IReadOnlyList<PlotEvent> Deliveries)
{
    /// <summary>How the column is named under the chart: <c>R3.p · q</c>.</summary>
    public string Label => $"{Configuration} · {Process}";
}

/// <summary>The columns of a delivery-order chart, configuration by configuration.</summary>
public sealed record DeliveryOrderLayout(IReadOnlyList<DeliveryColumn> Columns)
{
    /// <summary>
    /// Every configuration in which something was delivered, in the order they were first
    /// installed, with a column for each process that installed it (an empty column says that
    /// process delivered nothing there).
    /// </summary>
    public static DeliveryOrderLayout Of(IReadOnlyList<PlotEvent> events)
    {
        var delivered = events.Where(e => e.Kind == PlotEventKind.Deliver).GroupBy(e => e.Configuration)
            .ToDictionary(g => g.Key, g => g.ToList());
        var columns = events.Where(e => e.Kind == PlotEventKind.ConfigurationChange && delivered.ContainsKey(e.Configuration))
            .GroupBy(e => e.Configuration)
            .OrderBy(g => g.Min(e => e.Time)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.OrderBy(e => e.Process, StringComparer.Ordinal).Select(c => new DeliveryColumn(
                g.Key, c.Transitional, c.Process,
                delivered[g.Key].Where(d => d.Process == c.Process).OrderBy(d => d.Index).ToList())))
            .ToList();
        return new DeliveryOrderLayout(columns);
    }
}
