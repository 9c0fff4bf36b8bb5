// Tests of the runtime's traffic cuts with a direction (issue #17, item 3): a peer blocked "in"
// is not heard but still sent to, one blocked "out" is heard but not sent to, "both" is the cut
// of a partition; each drop is counted on its own side; heal lifts every cut. No network: the
// filter is what the host asks before sending each datagram and after receiving each.
using Evs.Reference.Model;
using Evs.Runtime;
using Xunit;

namespace SpecTests.Runtime;

public sealed class TrafficFilterTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    [Fact]
    public void A_peer_blocked_in_is_not_heard_but_still_sent_to_and_the_drop_is_counted_in()
    {
        var filter = new TrafficFilter();
        filter.Block(TrafficDirection.In, P3);

        Assert.False(filter.PassesFrom(P3));
        Assert.True(filter.PassesTo(P3));
        Assert.True(filter.PassesFrom(P2));
        Assert.Equal((1, 0), (filter.DroppedIn, filter.DroppedOut));
    }

    [Fact]
    public void A_peer_blocked_out_is_heard_but_not_sent_to_and_the_drop_is_counted_out()
    {
        var filter = new TrafficFilter();
        filter.Block(TrafficDirection.Out, P3);

        Assert.True(filter.PassesFrom(P3));
        Assert.False(filter.PassesTo(P3));
        Assert.True(filter.PassesTo(P2));
        Assert.Equal((0, 1), (filter.DroppedIn, filter.DroppedOut));
    }

    [Fact]
    public void A_block_without_a_direction_cuts_both_ways_as_before()
    {
        var filter = new TrafficFilter();
        filter.Block(P2, P3);

        Assert.False(filter.PassesFrom(P2));
        Assert.False(filter.PassesTo(P3));
        Assert.Equal([(P2, TrafficDirection.Both), (P3, TrafficDirection.Both)], filter.Blocked.Select(c => (c.Key, c.Value)));
    }

    [Fact]
    public void Blocks_add_up_so_in_then_out_is_both_and_other_peers_keep_their_own_direction()
    {
        var filter = new TrafficFilter();
        filter.Block(TrafficDirection.In, P3);
        filter.Block(TrafficDirection.Out, P3, P2);

        Assert.Equal([(P2, TrafficDirection.Out), (P3, TrafficDirection.Both)], filter.Blocked.Select(c => (c.Key, c.Value)));
        Assert.False(filter.PassesFrom(P3));
        Assert.False(filter.PassesTo(P3));
        Assert.True(filter.PassesFrom(P2));
    }

    [Fact]
    public void Heal_lifts_cuts_in_every_direction_and_isolation()
    {
        var filter = new TrafficFilter();
        filter.Block(TrafficDirection.In, P2);
        filter.Block(TrafficDirection.Out, P3);
        filter.Isolate();
        Assert.False(filter.PassesFrom(P1));

        filter.Heal();

        Assert.Empty(filter.Blocked);
        Assert.False(filter.IsIsolated);
        Assert.True(filter.PassesFrom(P2) && filter.PassesTo(P3) && filter.PassesFrom(null));
    }

    [Fact]
    public void Only_a_cut_of_what_is_sent_stops_a_multicast_to_the_whole_group()
    {
        var filter = new TrafficFilter();
        Assert.True(filter.SendsToEveryone);
        filter.Block(TrafficDirection.In, P2);
        Assert.True(filter.SendsToEveryone);
        filter.Block(TrafficDirection.Out, P3);
        Assert.False(filter.SendsToEveryone);
        filter.Heal();
        filter.Isolate();
        Assert.False(filter.SendsToEveryone);
    }

    [Fact]
    public void A_block_in_no_direction_is_refused()
    {
        var filter = new TrafficFilter();
        Assert.Throws<ArgumentOutOfRangeException>(() => filter.Block(TrafficDirection.None, P2));
        Assert.Throws<ArgumentOutOfRangeException>(() => filter.Block((TrafficDirection)4, P2));
        Assert.Empty(filter.Blocked);
    }

    [Theory]
    [InlineData("in", TrafficDirection.In)]
    [InlineData("out", TrafficDirection.Out)]
    [InlineData("both", TrafficDirection.Both)]
    public void A_direction_is_spelled_as_it_is_parsed(string name, TrafficDirection direction)
    {
        Assert.True(TrafficDirectionNames.TryParse(name, out var parsed));
        Assert.Equal(direction, parsed);
        Assert.Equal(name, direction.ToName());
    }

    [Theory]
    [InlineData("IN")]
    [InlineData("inbound")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_no_direction(string? name) => Assert.False(TrafficDirectionNames.TryParse(name, out _));

    [Fact]
    public void A_cut_is_named_as_block_names_it_with_the_direction_only_when_it_is_one_way()
    {
        Assert.Equal("p3", TrafficDirectionNames.Cut(P3, TrafficDirection.Both));
        Assert.Equal("p3 in", TrafficDirectionNames.Cut(P3, TrafficDirection.In));
        Assert.Equal("p3 out", TrafficDirectionNames.Cut(P3, TrafficDirection.Out));
    }
}
