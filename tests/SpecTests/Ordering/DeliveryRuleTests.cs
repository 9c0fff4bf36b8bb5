// Step 1's delivery rules: agreed as soon as every predecessor is delivered; safe only once
// every member has received it; causal like agreed (the total order contains causal order).
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Xunit;

namespace SpecTests.Ordering;

public class DeliveryRuleTests
{
    [Theory]
    [InlineData(DeliveryService.Agreed)]
    [InlineData(DeliveryService.Causal)]
    public void Agreed_and_causal_messages_are_delivered_once_every_predecessor_is(DeliveryService service)
    {
        Assert.True(DeliveryRule.MayDeliver(service, seq: 6, deliveredUpTo: 5, receivedByAll: 0));
        Assert.False(DeliveryRule.MayDeliver(service, seq: 7, deliveredUpTo: 5, receivedByAll: 100));
    }

    [Fact]
    public void A_safe_message_waits_until_every_member_has_received_it()
    {
        Assert.False(DeliveryRule.MayDeliver(DeliveryService.Safe, seq: 6, deliveredUpTo: 5, receivedByAll: 5));
        Assert.True(DeliveryRule.MayDeliver(DeliveryService.Safe, seq: 6, deliveredUpTo: 5, receivedByAll: 6));
    }

    [Fact]
    public void The_receive_buffer_tracks_what_has_been_received_without_a_gap()
    {
        var buffer = new ReceiveBuffer(lead: 100);
        foreach (var seq in new long[] { 1, 3, 4 }) Assert.Equal(Receipt.Held, buffer.Add(Message(seq)));
        Assert.Equal(1, buffer.MyAru);
        Assert.Equal(new long[] { 2, 5 }, buffer.Missing(upTo: 5));
        Assert.Equal(Receipt.Duplicate, buffer.Add(Message(3)));
        buffer.Add(Message(2));
        Assert.Equal(4, buffer.MyAru);
        buffer.DiscardUpTo(3);
        Assert.False(buffer.Holds(2));
        Assert.Equal(Receipt.Duplicate, buffer.Add(Message(2)));
        Assert.True(buffer.Holds(4));
    }

    private static RegularMessage Message(long seq)
    {
        var p = new ProcessId("p1");
        return new RegularMessage(p, new RingId(1, p), seq, MessageId.Of(p, 1, seq), p, DeliveryService.Agreed, []);
    }
}
