// The delivery diagram of `evs demo` (Visualization/DeliveryDiagram): one row per logical event,
// in the paper's ord (Checking/Ord), so every column reads in its process's order and a message
// is sent above its deliveries, whatever the processes' clocks say.
using Evs.Reference.Visualization;
using SpecTests.Checking;
using Xunit;

namespace SpecTests.Visualization;

public class DeliveryDiagramTests
{
    [Fact]
    public void A_message_is_sent_above_its_deliveries_even_when_the_receivers_clock_is_behind_the_senders()
    {
        // p sends m at 110 ms by its clock and fails before delivering it; q delivers m at 21 ms by its own.
        var diagram = DeliveryDiagram.Of(TraceFiles.Read("legal", "sender-fails-before-self-delivery-receiver-clock-behind.jsonl"));
        var labels = diagram.Rows.Select(r => r.Label).ToList();

        Assert.Equal(
            ["regular R1.p {p,q}", "transitional T2.q/R1.p {q}", "m agreed sent", "m agreed", "regular R2.q {q}", "p fails in R1.p"],
            labels);
    }

    [Fact]
    public void The_deliveries_of_one_message_are_one_row_and_every_event_has_a_cell_of_its_own()
    {
        var trace = TraceFiles.Read("legal", "figure6-partition-and-merge.jsonl");
        var diagram = DeliveryDiagram.Of(trace);

        foreach (var process in diagram.Processes)
            Assert.Equal(trace.Events.Count(e => e.Process == process), diagram.Rows.Count(r => r.Cells.ContainsKey(process)));
        var deliveryRows = diagram.Rows.Where(r => r.Kind == DiagramRowKind.Message && !r.Label.EndsWith(" sent", StringComparison.Ordinal)).ToList();
        Assert.Equal(trace.Events.OfType<Evs.Reference.Model.Deliver>().Select(d => d.Message).Distinct().Count(), deliveryRows.Count);
    }

    [Fact]
    public void Every_symbol_a_diagram_draws_has_its_legend_entry_and_the_one_line_legend_is_made_of_the_entries()
    {
        var diagrams = new[]
        {
            DeliveryDiagram.Of(TraceFiles.Read("legal", "figure6-partition-and-merge.jsonl")),
            DeliveryDiagram.Of(TraceFiles.Read("legal", "crash-and-recovery.jsonl")),
            DeliveryDiagram.Of(SpecTests.Plots.PlotFixtures.Figure(7).Trace, compact: true),
            DeliveryDiagram.Of(SpecTests.Plots.PlotFixtures.Figure(7).VirtualSynchrony!, compact: true),
        };
        var entries = DeliveryDiagram.LegendEntries;

        var drawn = diagrams.SelectMany(d => d.Rows).SelectMany(r => r.Cells.Values).ToHashSet();
        Assert.Subset(entries.Select(e => e.Symbol).ToHashSet(), drawn);
        // The transitional delivery, the failure and the stop are among them: the legend is not tested on a quiet run only.
        Assert.Superset(new HashSet<string> { "✓ T", "✗ fails", "✗ stop" }, drawn);
        var folded = entries.Single(e => e.Row == DiagramRowKind.Elided);
        Assert.All(diagrams.SelectMany(d => d.Rows).Where(r => r.Kind == DiagramRowKind.Elided), r => Assert.StartsWith(folded.Symbol + " ", r.Label));
        Assert.Contains(entries, e => e.Symbol == DeliveryDiagram.NothingCell);
        Assert.Equal(string.Join("   ", entries.Select(e => $"{e.Symbol} = {e.Meaning}")), DeliveryDiagram.Legend);
    }
}
