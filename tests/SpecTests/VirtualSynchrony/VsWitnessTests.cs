// A violation is only useful if it points at the right events: these tests name them, as
// process#index of the trace (a recovered process's id, like q~1, included).
using Evs.Reference.Checking;
using SpecTests.Checking;
using Xunit;

namespace SpecTests.VirtualSynchrony;

public class VsWitnessTests
{
    private static IEnumerable<string> Witnesses(string file, string condition) =>
        TraceFiles.Witnesses(VsTraceFiles.Check("illegal", file), condition);

    [Fact]
    public void C1_names_every_delivery_of_the_message_nobody_sent()
    {
        Assert.Equal(["p#1", "q#1", "r#1"], Witnesses("C1-delivered-but-never-sent.jsonl", "C1"));
    }

    [Fact]
    public void C3_names_the_delivery_and_where_the_member_that_misses_it_installed_the_view()
    {
        Assert.Equal(["p#2", "r#0"], Witnesses("C3-member-never-delivers.jsonl", "C3"));
    }

    [Fact]
    public void L1_names_the_cycle_of_sends_and_deliveries()
    {
        // send_q(q.1.1) q#2 -> deliver_p p#1 -> send_p(p.1.1) p#2 -> deliver_q q#1 -> q#2.
        Assert.Equal(["p#1", "p#2", "q#1", "q#2"], Witnesses("L1-each-message-delivered-before-the-other-is-sent.jsonl", "L1").Order());
    }

    [Fact]
    public void L2_names_the_stop_and_the_event_after_it()
    {
        Assert.Equal(["p#1", "p#2"], Witnesses("L2-event-after-stop.jsonl", "L2"));
    }

    [Fact]
    public void L3_names_the_skipped_view_and_the_later_view_the_member_installs()
    {
        Assert.Equal(["q#1", "p#1"], Witnesses("L3-member-skips-a-view-that-lists-it.jsonl", "L3"));
    }

    [Fact]
    public void L4_names_the_send_and_the_delivery_in_another_view()
    {
        Assert.Equal(["p#1", "r#2"], Witnesses("L4-delivered-in-a-later-view.jsonl", "L4"));
    }

    [Fact]
    public void L5_names_the_deliveries_in_opposite_orders()
    {
        Assert.Equal(["p#2", "p#3", "q#2", "q#3"], Witnesses("L5-abcast-delivered-in-opposite-orders.jsonl", "L5").Order());
    }

    [Fact]
    public void A_cycle_through_an_imputed_delivery_names_the_stop_it_was_imputed_before()
    {
        var violation = VsTraceFiles.Check("illegal", "L5-failed-process-delivers-a-later-abcast-without-an-earlier-one.jsonl")["L5"].Violation!;
        Assert.Contains(new EventRef(new Evs.Reference.Model.ProcessId("p"), 2), violation.Events);
        Assert.Contains("Extend imputes", violation.Message);
    }

    [Fact]
    public void A_recovered_process_id_with_a_tilde_is_a_witness_as_written()
    {
        Assert.Equal("q~1#4", new EventRef(new Evs.Reference.Model.ProcessId("q~1"), 4).ToString());
    }
}
