// The paper's ord (Section 2; Specifications 6.1 and 6.2), computed once in Checking/Ord for the
// checkers, the delivery diagram and the plots: it grows along -> (local order and send ->
// deliver), is equal at one logical time, and is missing exactly where -> has a cycle.
using Evs.Reference.Checking;
using Xunit;

namespace SpecTests.Checking;

public class OrdTests
{
    // p: send m (0), deliver m (1); q: deliver m (2). Event 1 and 2 deliver the send 0.
    private static readonly EventGraph SendAndTwoDeliveries = new([0, 0, 1], e => e is 1 or 2 ? 0 : -1);

    [Fact]
    public void Ord_grows_along_local_order_and_send_to_deliver_and_the_deliveries_of_one_message_share_it()
    {
        var ord = Ord.Of(SendAndTwoDeliveries, [0, 1, 1]);

        Assert.True(ord.IsTotal);
        Assert.Equal([0, 1, 1], Enumerable.Range(0, 3).Select(e => ord[e]));
        Assert.Equal([0, 1], ord.Order);
        Assert.Equal(1, ord.NodeOf(2));
        Assert.Empty(ord.Unordered);
    }

    [Fact]
    public void Without_merging_each_event_has_its_own_ord()
    {
        var ord = Ord.Of(SendAndTwoDeliveries, [0, 1, 2]);

        Assert.Equal([0, 1, 2], ord.Order);
        Assert.True(ord[0] < ord[1] && ord[0] < ord[2]);
    }

    [Fact]
    public void A_cycle_of_precedes_leaves_its_events_and_those_after_it_without_an_ord()
    {
        // p delivers m (0) before it sends m (1), then sends m' (2); q sends m'' (3).
        var graph = new EventGraph([0, 0, 0, 1], e => e == 0 ? 1 : -1);
        var ord = Ord.Of(graph, [0, 1, 2, 3]);

        Assert.False(ord.IsTotal);
        Assert.Equal([3], ord.Order);
        Assert.Equal([-1, -1, -1, 0], Enumerable.Range(0, 4).Select(e => ord[e]));
        Assert.Equal([0, 1, 2], ord.Unordered);
    }

    [Fact]
    public void Among_the_events_that_may_come_next_times_put_the_earliest_first_and_without_times_the_first_numbered()
    {
        // p and q each do one thing, q earlier.
        var graph = new EventGraph([0, 1], _ => -1);

        Assert.Equal([0, 1], Ord.Of(graph, [0, 1]).Order);
        Assert.Equal([1, 0], Ord.Of(graph, [0, 1], [5.0, 1.0]).Order);
    }

    [Fact]
    public void Events_without_an_ord_are_listed_earliest_first_when_times_are_given()
    {
        // p delivers m (0, at 9 ms) before it sends m (1, at 3 ms): a cycle.
        var ord = Ord.Of(new EventGraph([0, 0], e => e == 0 ? 1 : -1), [0, 1], [9.0, 3.0]);

        Assert.Equal([1, 0], ord.Unordered);
    }

    [Fact]
    public void An_event_must_be_put_at_the_time_of_the_first_event_of_its_node()
    {
        Assert.Throws<ArgumentException>(() => Ord.Of(SendAndTwoDeliveries, [0, 2, 2]));
        Assert.Throws<ArgumentException>(() => Ord.Of(SendAndTwoDeliveries, [0, 1]));
        Assert.Throws<ArgumentException>(() => Ord.Of(SendAndTwoDeliveries, [0, 1, 2], [1.0]));
    }
}
