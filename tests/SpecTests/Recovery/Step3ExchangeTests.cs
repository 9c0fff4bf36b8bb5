// The paper, Section 3, Step 3: "Exchange information with each process of the proposed new
// configuration. In particular, each process supplies the identifier of its last regular
// configuration, the identifier of the last safe message it delivered, and its obligation set."
using Evs.Reference.Model;
using Evs.Reference.Recovery;
using Xunit;
using static SpecTests.Recovery.Inputs;

namespace SpecTests.Recovery;

public class Step3ExchangeTests
{
    [Fact]
    public void A_process_supplies_its_last_regular_configuration_what_it_holds_and_delivered_and_its_obligation_set()
    {
        // q delivered 1 at once; 2 and 3 are safe and wait; 4 never arrived; 5 did.
        var old = OldRing(Q,
            Message(1, P, DeliveryService.Agreed, "a"),
            Message(2, P, DeliveryService.Safe, "b"),
            Message(3, R, DeliveryService.Safe, "c"),
            Message(5, R, DeliveryService.Agreed, "e"));
        LearnReceivedByAll(old, upTo: 2, deliver: false);

        var info = Step3Exchange.InfoOf(Q, old, Obligations(S));

        Assert.Equal(Q, info.Process);
        Assert.Equal(Pqr, info.OldConfiguration);
        Assert.Equal(3, info.MyAru);
        Assert.Equal(5, info.HighestSeen);
        Assert.Equal(2, info.ReceivedByAll);
        Assert.Equal(1, info.DeliveredUpTo);
        Assert.Equal(Obligations(S), info.Obligations);
    }

    [Fact]
    public void What_a_process_has_delivered_counts_as_seen_even_once_it_is_discarded()
    {
        var old = OldRing(Q, Message(1, P, DeliveryService.Agreed, "a"), Message(2, P, DeliveryService.Agreed, "b"));
        LearnReceivedByAll(old, upTo: 2, deliver: true);
        Assert.Equal(0, old.Buffer.Count); // received by all and delivered: forgotten

        var info = Step3Exchange.InfoOf(Q, old, ObligationSet.Empty);
        Assert.Equal(2, info.MyAru);
        Assert.Equal(2, info.HighestSeen);
        Assert.Equal(2, info.DeliveredUpTo);
    }

    [Fact]
    public void A_process_with_no_old_ring_reports_no_configuration_and_nothing_held()
    {
        var info = Step3Exchange.InfoOf(S, old: null, ObligationSet.Empty);
        Assert.Null(info.OldConfiguration);
        Assert.Equal((0L, 0L, 0L, 0L), (info.MyAru, info.HighestSeen, info.ReceivedByAll, info.DeliveredUpTo));
        Assert.Equal(ObligationSet.Empty, info.Obligations);
    }
}
