// The paper, Section 3, Step 6, "performed locally as an atomic action without communication
// with any other process":
//   "6.a. Discard all messages, except those sent by a member of the obligation set of this
//    process, that follow the first unavailable message in the total order. ...
//    b. Deliver to the application in order all of the rebroadcast messages that are safe in the
//    preceding regular configuration up to but not including the first totally ordered message
//    for which a predecessor in the total order is unavailable, or the first message for which
//    safe delivery was requested but for which some process in the preceding regular
//    configuration has not acknowledged receipt.
//    c. Deliver a first configuration change message that introduces the transitional configuration.
//    d. Deliver in order, from the remaining undelivered messages, all messages whose
//    predecessors in the total order have been delivered, and all messages sent by a process in
//    the obligation set of this process.
//    e. Deliver a second configuration change message to terminate the transitional
//    configuration and install the new regular configuration reported by the underlying
//    membership algorithm."
// Section 3.1 (Figure 6): "If process p sends message m after sending message l but q and r did
// not receive l before a configuration change occurred, then q cannot deliver m because its
// causal predecessor l is not available."
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;
using Xunit;
using static SpecTests.Recovery.Inputs;

namespace SpecTests.Recovery;

public class Step6DeliveryTests
{
    // q and r, of {p,q,r}, form the transitional configuration towards {q,r,s,t}.
    private static Step6Delivery AtQ(TotemRing old, long receivedByAllAtQ = 0, long receivedByAllAtR = 0, ObligationSet? obligations = null) =>
        new(old, [Info(Q, receivedByAll: receivedByAllAtQ), Info(R, receivedByAll: receivedByAllAtR)], obligations ?? ObligationSet.Empty, NewRing, Qrst);

    /// <summary>The l/m example: q delivered k; p's l (2) is unavailable; p's m (3) follows it; r's n (4) follows m.</summary>
    private static TotemRing LAndM() => OldRing(Q,
        Message(1, Q, DeliveryService.Agreed, "k"),
        Message(3, P, DeliveryService.Causal, "m"),
        Message(4, R, DeliveryService.Agreed, "n"));

    [Fact]
    public void Step6a_the_first_unavailable_message_is_the_first_gap_after_what_was_delivered()
    {
        Assert.Equal(2, Step6Delivery.FirstUnavailable(LAndM()));
        Assert.Equal(3, Step6Delivery.FirstUnavailable(OldRing(Q, Message(1, Q, DeliveryService.Safe, "a"), Message(2, Q, DeliveryService.Safe, "b"))));
    }

    [Fact]
    public void Step6a_a_message_after_the_first_unavailable_one_is_discarded_unless_its_sender_is_in_the_obligation_set()
    {
        var old = LAndM();
        AtQ(old).DiscardAfterFirstUnavailable(old, firstUnavailable: 2);
        Assert.False(old.Buffer.Holds(3)); // p's m: it may depend on l
        Assert.True(old.Buffer.Holds(4));  // r's n: r is a transitional member, so in the obligation set
    }

    [Fact]
    public void Step6a_a_process_of_the_obligation_set_outside_the_transitional_configuration_keeps_its_messages()
    {
        var old = LAndM();
        AtQ(old, obligations: Obligations(P)).DiscardAfterFirstUnavailable(old, firstUnavailable: 2);
        Assert.True(old.Buffer.Holds(3));
    }

    [Fact]
    public void Section31_q_cannot_deliver_m_whose_causal_predecessor_l_is_unavailable_but_delivers_r_s_later_message()
    {
        Assert.Equal(["conf T5.q/R1.p {q,r}", "n@T5.q/R1.p", "conf R5.q {q,r,s,t}"], Show(AtQ(LAndM()).Perform()));
    }

    [Fact]
    public void Step6b_delivers_in_the_regular_configuration_up_to_the_first_safe_message_no_transitional_member_knows_was_received_by_all()
    {
        var old = OldRing(Q,
            Message(1, Q, DeliveryService.Safe, "a"),
            Message(2, R, DeliveryService.Agreed, "b"),
            Message(3, P, DeliveryService.Safe, "c"),
            Message(4, R, DeliveryService.Agreed, "d"));
        Assert.Equal(0, old.DeliveredUpTo);

        // q knows 1 was received by all, r knows 2 was: the most any transitional member knows counts.
        var outputs = AtQ(old, receivedByAllAtQ: 1, receivedByAllAtR: 2).Perform();

        Assert.Equal(["a@R1.p", "b@R1.p", "conf T5.q/R1.p {q,r}", "c@T5.q/R1.p", "d@T5.q/R1.p", "conf R5.q {q,r,s,t}"], Show(outputs));
    }

    [Fact]
    public void Step6b_delivers_in_the_regular_configuration_up_to_the_first_gap()
    {
        var old = OldRing(Q,
            Message(1, Q, DeliveryService.Safe, "a"),
            Message(2, R, DeliveryService.Agreed, "b"),
            Message(4, R, DeliveryService.Agreed, "d"));

        var outputs = AtQ(old, receivedByAllAtQ: 1, receivedByAllAtR: 1).Perform();

        Assert.Equal(["a@R1.p", "b@R1.p", "conf T5.q/R1.p {q,r}", "d@T5.q/R1.p", "conf R5.q {q,r,s,t}"], Show(outputs));
    }

    [Fact]
    public void Step6c_the_transitional_configuration_follows_the_old_regular_one_towards_the_new_ring_with_the_transitional_members()
    {
        var transitional = AtQ(LAndM()).TransitionalConfiguration!;
        Assert.Equal(new ConfigurationId("T5.q/R1.p"), transitional.Id);
        Assert.Equal(ConfigurationKind.Transitional, transitional.Kind);
        Assert.Equal(Pqr.Id, transitional.PreviousRegular);
        Assert.Equal([Q, R], transitional.Members.ToArray());
    }

    [Fact]
    public void Step6d_delivers_every_remaining_message_in_order_in_the_transitional_configuration()
    {
        var old = OldRing(Q,
            Message(1, P, DeliveryService.Safe, "a"),
            Message(2, Q, DeliveryService.Causal, "b"),
            Message(3, R, DeliveryService.Safe, "c"));

        var outputs = AtQ(old).Perform(); // nothing known received by all: all of it waits for 6.d

        Assert.Equal(["conf T5.q/R1.p {q,r}", "a@T5.q/R1.p", "b@T5.q/R1.p", "c@T5.q/R1.p", "conf R5.q {q,r,s,t}"], Show(outputs));
    }

    [Fact]
    public void Step6e_ends_with_the_new_regular_configuration()
    {
        var last = AtQ(LAndM()).Perform()[^1];
        Assert.Equal(new ConfigurationDelivered(Qrst), last);
    }

    [Fact]
    public void Step6_a_process_with_no_old_ring_only_installs_the_new_regular_configuration()
    {
        var step6 = new Step6Delivery(null, [], ObligationSet.Empty, NewRing, Qrst);
        Assert.Null(step6.TransitionalConfiguration);
        Assert.Equal(["conf R5.q {q,r,s,t}"], Show(step6.Perform()));
    }

    [Fact]
    public void Specification4_two_members_of_one_transitional_configuration_deliver_the_same_messages_in_each_configuration()
    {
        // After step 5 both hold the same old messages: 1..5, with 6 (p's) unavailable and 7 (p's) after it.
        RegularMessage[] held =
        [
            Message(1, P, DeliveryService.Agreed, "a"),
            Message(2, Q, DeliveryService.Safe, "b"),
            Message(3, R, DeliveryService.Agreed, "c"),
            Message(4, R, DeliveryService.Safe, "d"),
            Message(5, Q, DeliveryService.Agreed, "e"),
            Message(7, P, DeliveryService.Agreed, "g"),
        ];
        var atQ = OldRing(Q, held);
        var atR = OldRing(R, held);

        // Before the partition, q learnt that 1..3 were received by all and delivered them; r never did.
        var beforeAtQ = Deliveries(LearnReceivedByAll(atQ, upTo: 3, deliver: true));
        Assert.Equal(["b@R1.p", "c@R1.p"], beforeAtQ);
        Assert.Equal(3, atQ.DeliveredUpTo);
        Assert.Equal(1, atR.DeliveredUpTo);

        MemberInfo[] exchanged = [Step3Exchange.InfoOf(Q, atQ, ObligationSet.Empty), Step3Exchange.InfoOf(R, atR, ObligationSet.Empty)];
        var fromQ = beforeAtQ.Concat(Deliveries(new Step6Delivery(atQ, exchanged, ObligationSet.Empty, NewRing, Qrst).Perform()));
        var fromR = Deliveries(new Step6Delivery(atR, exchanged, ObligationSet.Empty, NewRing, Qrst).Perform());

        // a was delivered by both at once, before all this.
        Assert.Equal(["b@R1.p", "c@R1.p", "d@T5.q/R1.p", "e@T5.q/R1.p"], fromQ);
        Assert.Equal(fromQ, fromR);
    }

    [Fact]
    public void Specification4_identical_inputs_give_identical_outputs()
    {
        RegularMessage[] held = [Message(1, Q, DeliveryService.Safe, "a"), Message(2, P, DeliveryService.Agreed, "b"), Message(4, R, DeliveryService.Causal, "d"), Message(5, P, DeliveryService.Safe, "e")];
        var exchanged = new[] { Info(Q, receivedByAll: 1), Info(R, receivedByAll: 0) };
        var atQ = new Step6Delivery(OldRing(Q, held), exchanged, ObligationSet.Empty, NewRing, Qrst).Perform();
        var atR = new Step6Delivery(OldRing(R, held), exchanged, ObligationSet.Empty, NewRing, Qrst).Perform();
        Assert.Equal(["a@R1.p", "b@R1.p", "conf T5.q/R1.p {q,r}", "d@T5.q/R1.p", "conf R5.q {q,r,s,t}"], Show(atQ));
        Assert.Equal(Show(atQ), Show(atR));
    }
}
