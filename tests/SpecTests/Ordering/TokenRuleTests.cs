// Step 1's token rules, one at a time, on hand-built tokens: the aru rule, the safe bound it
// gives, retransmission requests and flow control (Totem, TOCS 1995).
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Xunit;

namespace SpecTests.Ordering;

public class TokenRuleTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");
    private static readonly RingId Ring = new(1, P1);

    private static Token TokenWith(long seq, long aru, ProcessId? setter, int fcc = 0, params long[] rtr) =>
        new(P1, Ring, TokenSeq: 5, seq, aru, setter, [.. rtr], fcc);

    [Fact]
    public void A_process_that_has_received_less_lowers_the_aru_and_becomes_its_setter()
    {
        var after = AruRule.Apply(TokenWith(seq: 10, aru: 8, setter: null), myAru: 6, P2);
        Assert.Equal(6, after.Aru);
        Assert.Equal(P2, after.AruSetter);
    }

    [Fact]
    public void A_process_that_has_received_more_leaves_a_lowered_aru_alone()
    {
        var after = AruRule.Apply(TokenWith(seq: 10, aru: 6, setter: P2), myAru: 9, P3);
        Assert.Equal(6, after.Aru);
        Assert.Equal(P2, after.AruSetter);
    }

    [Fact]
    public void Only_the_setter_raises_the_aru_it_lowered()
    {
        var after = AruRule.Apply(TokenWith(seq: 10, aru: 6, setter: P2), myAru: 9, P2);
        Assert.Equal(9, after.Aru);
        Assert.Equal(P2, after.AruSetter);
    }

    [Fact]
    public void When_the_aru_reaches_seq_nobody_is_its_setter()
    {
        var after = AruRule.Apply(TokenWith(seq: 10, aru: 6, setter: P2), myAru: 10, P2);
        Assert.Equal(10, after.Aru);
        Assert.Null(after.AruSetter);
    }

    [Fact]
    public void With_no_setter_any_process_moves_the_aru_to_what_it_has()
    {
        var after = AruRule.Apply(TokenWith(seq: 12, aru: 10, setter: null), myAru: 12, P3);
        Assert.Equal(12, after.Aru);
        Assert.Null(after.AruSetter);
    }

    [Theory]
    [InlineData(5, 9, 5)]
    [InlineData(9, 5, 5)]
    [InlineData(7, 7, 7)]
    public void A_message_is_received_by_all_only_when_the_aru_covered_it_on_two_visits(long forwardedLastVisit, long receivedNow, long expected) =>
        Assert.Equal(expected, AruRule.ReceivedByAll(forwardedLastVisit, receivedNow));

    [Fact]
    public void The_holder_serves_the_requests_it_can_and_keeps_the_others()
    {
        var (serve, remaining) = RetransmissionRequests.Serve([3, 4, 7], have: seq => seq != 4);
        Assert.Equal(new long[] { 3, 7 }, serve);
        Assert.Equal(new long[] { 4 }, remaining);
    }

    [Fact]
    public void Missing_messages_are_added_once_sorted_and_up_to_the_limit()
    {
        var list = RetransmissionRequests.AddMissing([4, 9], missing: [2, 4, 5, 6], limit: 4);
        Assert.Equal(new long[] { 2, 4, 5, 9 }, list);
    }

    [Fact]
    public void Flow_control_allows_at_most_the_per_visit_maximum()
    {
        var settings = new TotemSettings(WindowSize: 50, MaxMessagesPerVisit: 17);
        Assert.Equal(17, FlowControl.NewMessagesAllowed(settings, TokenWith(0, 0, null), 0, 0, waiting: 100, othersWaiting: 0, members: 3));
    }

    [Fact]
    public void Flow_control_counts_retransmissions_against_the_visit_and_the_window()
    {
        var settings = new TotemSettings(WindowSize: 50, MaxMessagesPerVisit: 17);
        Assert.Equal(12, FlowControl.NewMessagesAllowed(settings, TokenWith(0, 0, null), 0, retransmittedNow: 5, waiting: 100, othersWaiting: 0, members: 3));
        Assert.Equal(3, FlowControl.NewMessagesAllowed(settings, TokenWith(0, 0, null, fcc: 42), 0, retransmittedNow: 5, waiting: 100, othersWaiting: 0, members: 3));
    }

    [Fact]
    public void Flow_control_replaces_this_process_share_of_the_last_rotation()
    {
        var settings = new TotemSettings(WindowSize: 50, MaxMessagesPerVisit: 17);
        var token = TokenWith(0, 0, null, fcc: 50);
        Assert.Equal(0, FlowControl.NewMessagesAllowed(settings, token, myShareOfLastRotation: 0, 0, 100, 0, 3));
        Assert.Equal(10, FlowControl.NewMessagesAllowed(settings, token, myShareOfLastRotation: 10, 0, 100, 0, 3));
        Assert.Equal(45, FlowControl.UpdatedCount(token, myShareOfLastRotation: 10, broadcastNow: 5));
    }

    [Fact]
    public void Flow_control_never_runs_more_than_the_outstanding_limit_ahead_of_the_aru()
    {
        var settings = new TotemSettings(WindowSize: 50, MaxMessagesPerVisit: 17, OutstandingLimit: 100);
        Assert.Equal(4, FlowControl.NewMessagesAllowed(settings, TokenWith(seq: 96, aru: 0, setter: P2), 0, 0, 100, 0, 3));
        Assert.Equal(0, FlowControl.NewMessagesAllowed(settings, TokenWith(seq: 120, aru: 0, setter: P2), 0, 0, 100, 0, 3));
    }

    [Fact]
    public void Flow_control_sends_no_more_than_are_waiting() =>
        Assert.Equal(2, FlowControl.NewMessagesAllowed(TotemSettings.Default, TokenWith(0, 0, null), 0, 0, waiting: 2, othersWaiting: 0, members: 3));

    [Fact]
    public void Flow_control_shares_the_window_in_proportion_to_what_each_process_has_waiting()
    {
        var settings = new TotemSettings(WindowSize: 50, MaxMessagesPerVisit: 17);
        // Five processes with 1,000 messages waiting each: a fifth of the window each, not 17.
        Assert.Equal(10, FlowControl.NewMessagesAllowed(settings, TokenWith(0, 0, null), 0, 0, waiting: 1000, othersWaiting: 4000, members: 5));
        // Twice as much waiting here as at the only other process: two thirds, rounded up.
        Assert.Equal(34, FlowControl.FairShare(settings, waiting: 200, othersWaiting: 100, members: 2));
        // A tenth of what waits at the four others: still an even fifth of the window, not a fifteenth.
        Assert.Equal(10, FlowControl.FairShare(settings, waiting: 100, othersWaiting: 4000, members: 5));
    }

    [Fact]
    public void The_fair_share_limits_nothing_while_everything_waiting_fits_in_the_window()
    {
        var settings = new TotemSettings(WindowSize: 50, MaxMessagesPerVisit: 17);
        Assert.Equal(12, FlowControl.NewMessagesAllowed(settings, TokenWith(0, 0, null), 0, 0, waiting: 12, othersWaiting: 38, members: 5));
        Assert.Equal(0, FlowControl.FairShare(settings, waiting: 0, othersWaiting: 38, members: 5));
    }

    [Fact]
    public void A_process_with_anything_waiting_may_always_send_one_however_large_the_others_backlog() =>
        Assert.Equal(1, FlowControl.NewMessagesAllowed(new TotemSettings(), TokenWith(0, 0, null), 0, 0, waiting: 1, othersWaiting: int.MaxValue, members: 1_000));

    [Fact]
    public void The_backlog_on_the_token_replaces_this_process_count_at_its_last_visit()
    {
        Assert.Equal(4000, FlowControl.OthersWaiting(tokenBacklog: 5000, myShareOfBacklog: 1000));
        Assert.Equal(4900, FlowControl.UpdatedBacklog(tokenBacklog: 5000, myShareOfBacklog: 1000, waitingNow: 900));
        Assert.Equal(0, FlowControl.OthersWaiting(tokenBacklog: 3, myShareOfBacklog: 10));
    }

    [Fact]
    public void A_count_near_the_largest_int_on_a_damaged_token_stays_large_instead_of_wrapping_round_to_nothing()
    {
        Assert.Equal(int.MaxValue, FlowControl.UpdatedBacklog(tokenBacklog: int.MaxValue - 1, myShareOfBacklog: 0, waitingNow: 5));
        Assert.Equal(int.MaxValue, FlowControl.UpdatedCount(TokenWith(0, 0, null, fcc: int.MaxValue), myShareOfLastRotation: 0, broadcastNow: 17));
        Assert.Equal(0, FlowControl.UpdatedBacklog(tokenBacklog: int.MinValue, myShareOfBacklog: 3, waitingNow: 0));
    }
}
