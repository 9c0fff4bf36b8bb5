// The paper, Section 4: "The history of a failed process is extended by prepending the missing
// events before the stop event, but after any other events executed by the failed process prior
// to the failure"; Section 5.1 revises it "to exclude from the history messages sent by failed
// processes that were not delivered by one or more processes that do not fail".
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;
using Xunit;

namespace SpecTests.VirtualSynchrony;

public class ExtendTests
{
    private static IEnumerable<VsEvent> EventsOf(VsTrace trace, string process) =>
        trace.Events.Where(e => e.Process == process).OrderBy(e => e.Index);

    private static string Describe(VsEvent e) => e switch
    {
        ViewChange v => $"{v.Index} view {v.View}",
        VsDeliver d => $"{d.Index} deliver {d.Message}",
        VsSend s => $"{s.Index} send {s.Message}",
        _ => $"{e.Index} stop",
    };

    [Fact]
    public void A_failed_process_gets_the_deliveries_it_missed_before_its_stop_and_its_undelivered_message_is_excluded()
    {
        var trace = VsTraceFiles.Read("legal", "failed-process-completed-by-extend.jsonl");
        var extended = Extend.Apply(trace);

        // q fails (q#6) before delivering r's r.1.1, and nobody else delivers its own q.1.2.
        Assert.Equal([new MessageId("q.1.2")], extended.Excluded);
        var imputed = Assert.Single(extended.Imputed);
        Assert.Equal(new VsDeliver("q", 6, 4.3, new MessageId("r.1.1"), VsService.Abcast), imputed);
        Assert.True(extended.IsImputed(imputed));
        Assert.Equal(
            ["0 view R1.p#0", "1 deliver p.1.1", "2 send q.1.1", "3 deliver q.1.1", "4 send q.1.2", "5 deliver q.1.2", "6 deliver r.1.1", "7 stop"],
            EventsOf(extended.Trace, "q").Select(Describe));
        Assert.Equal("q#6", extended.Witness(EventsOf(extended.Trace, "q").Last()).ToString());
    }

    [Fact]
    public void Processes_that_do_not_fail_are_never_extended()
    {
        var trace = VsTraceFiles.Read("legal", "failed-process-completed-by-extend.jsonl");
        var extended = Extend.Apply(trace);
        foreach (var p in new[] { "p", "r" })
            Assert.Equal(EventsOf(trace, p), EventsOf(extended.Trace, p));
        Assert.Empty(Extend.Apply(VsTraceFiles.Read("illegal", "C3-member-never-delivers.jsonl")).Imputed);
    }

    [Fact]
    public void A_failed_senders_message_that_a_member_which_does_not_fail_delivered_is_not_excluded()
    {
        var extended = Extend.Apply(VsTraceFiles.Read("illegal", "C3-failed-senders-message-delivered-by-only-some-live-members.jsonl"));
        Assert.Empty(extended.Excluded);
    }

    [Fact]
    public void A_failed_member_gets_the_later_views_that_list_it_and_their_deliveries_in_their_order()
    {
        // p fails before installing R2.q#0, which q and r install with p as a member. In it q and r
        // send concurrently and both deliver r.2.1 before q.2.1 (abcast): the order p must be
        // given, though q.2.1 comes first both by name and in q's events. Then they move on to
        // R3.q#0 without p.
        string[] pqr = ["p", "q", "r"], qr = ["q", "r"];
        MessageId fromQ = new("q.2.1"), fromR = new("r.2.1");
        VsEvent[] events =
        [
            new ViewChange("p", 0, 1, "R1.q#0", [.. pqr]), new Stop("p", 1, 2),
            new ViewChange("q", 0, 1, "R1.q#0", [.. pqr]), new ViewChange("q", 1, 3, "R2.q#0", [.. pqr]),
            new VsSend("q", 2, 4, fromQ, VsService.Abcast), new VsDeliver("q", 3, 5, fromR, VsService.Abcast), new VsDeliver("q", 4, 6, fromQ, VsService.Abcast),
            new ViewChange("q", 5, 8, "R3.q#0", [.. qr]),
            new ViewChange("r", 0, 1, "R1.q#0", [.. pqr]), new ViewChange("r", 1, 3, "R2.q#0", [.. pqr]),
            new VsSend("r", 2, 4, fromR, VsService.Abcast), new VsDeliver("r", 3, 5, fromR, VsService.Abcast), new VsDeliver("r", 4, 6, fromQ, VsService.Abcast),
            new ViewChange("r", 5, 8, "R3.q#0", [.. qr]),
        ];
        var trace = new VsTrace(new VsTraceHeader("test", null, null, Quiescent: true), events);

        var extended = Extend.Apply(trace);

        Assert.Equal(["0 view R1.q#0", "1 view R2.q#0", "2 deliver r.2.1", "3 deliver q.2.1", "4 stop"], EventsOf(extended.Trace, "p").Select(Describe));
        Assert.Equal(3, extended.Imputed.Count);
        Assert.True(VirtualSynchronyChecker.Check(trace).AllPassed, VirtualSynchronyChecker.Check(trace).ToString());
    }

    [Fact]
    public void Without_the_extension_the_failed_member_would_break_C3()
    {
        // The same shape as above, but p does not stop: it is live, so nothing is imputed and it misses a delivery in its view.
        string[] pq = ["p", "q"];
        VsEvent[] events =
        [
            new ViewChange("p", 0, 1, "R1.q#0", [.. pq]),
            new ViewChange("q", 0, 1, "R1.q#0", [.. pq]),
            new VsSend("q", 1, 2, new MessageId("q.1.1"), VsService.Cbcast), new VsDeliver("q", 2, 3, new MessageId("q.1.1"), VsService.Cbcast),
        ];
        var live = new VsTrace(new VsTraceHeader("test", null, null, Quiescent: true), events);
        var failed = live with { Events = [.. events, new Stop("p", 1, 4)] };
        Assert.Equal(["C3"], VirtualSynchronyChecker.Check(live).FailedSpecs);
        Assert.True(VirtualSynchronyChecker.Check(failed).AllPassed);
    }
}
