// Corosync's idle token hold, as protocol (Ordering/TokenHold), token by token on a hand-driven
// ring of three: the representative holds a token only after it has come round idle
// IdleRotationsBeforeHold times in a row; it lets it go when the hold timer expires, when its own
// application sends, when another member asks (TokenHoldCancel), and when a copy of it arrives; a
// release for a message starts the idle count again. Had the representative counted on, it would
// hold the very next idle-looking token while the others, having just passed the message's token,
// did not ask: their next message waited for the representative's own next send or for the hold
// to expire. And the token loss timeout counts from the held token's arrival, not its release: it
// proved the ring whole when it arrived.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Simulation;
using Xunit;

namespace SpecTests.Ordering;

public sealed class TokenHoldTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");
    private static readonly TotemSettings Settings = TotemSettings.Simulation with { IdleTokenHoldMs = 5 };

    private readonly HandNetwork _net = new(new[] { P1, P2, P3 }.Select(p => new TotemNode(p, Settings)));

    public TokenHoldTests() => _net.StartInRing();

    [Fact]
    public void An_idle_token_is_held_at_the_representative_only_after_coming_round_idle_as_many_times_as_the_settings_say()
    {
        Assert.Equal(Settings.IdleRotationsBeforeHold, TokensAtTheRepresentativeUntilOneIsHeld());
        Assert.True(Held());
        Assert.Equal(1, Counters(P1).TokenHolds);
        Assert.Contains(TimerKind.TokenHold, _net.Timers[P1]);
    }

    [Fact]
    public void When_the_hold_expires_the_token_goes_on_and_the_next_idle_token_is_held_at_once()
    {
        TokensAtTheRepresentativeUntilOneIsHeld();
        var released = _net.Fire("p1", TimerKind.TokenHold);
        Assert.Contains(released, o => o is Unicast { Packet: Token });
        Assert.False(Held());
        Assert.Equal(1, TokensAtTheRepresentativeUntilOneIsHeld());
    }

    [Fact]
    public void The_token_loss_timeout_counts_from_the_held_token_s_arrival_not_its_release()
    {
        TokensAtTheRepresentativeUntilOneIsHeld();
        var arrival = _net.History[^1];
        Assert.Equal(P1, arrival.Packet.To);
        var released = _net.Fire("p1", TimerKind.TokenHold);
        Assert.DoesNotContain(released, o => o is StartTimer { Timer: TimerKind.TokenLoss });
        Assert.Contains(TimerKind.TokenLoss, _net.Timers[P1]); // started when the token arrived, and still running
    }

    [Fact]
    public void A_message_of_the_representative_s_own_application_releases_the_token_at_once_and_the_count_starts_again()
    {
        TokensAtTheRepresentativeUntilOneIsHeld();
        var outputs = _net.Input("p1", new SendRequested([1], DeliveryService.Agreed));
        Assert.Contains(outputs, o => o is MessageSent);
        Assert.Contains(outputs, o => o is StopTimer { Timer: TimerKind.TokenHold });
        Assert.False(Held());
        Assert.Equal(Settings.IdleRotationsBeforeHold, TokensAtTheRepresentativeUntilOneIsHeld(skipBusy: true));
    }

    [Fact]
    public void A_member_that_passed_on_enough_idle_tokens_asks_the_representative_for_the_token_when_its_application_sends()
    {
        TokensAtTheRepresentativeUntilOneIsHeld();
        var asked = _net.Input("p3", new SendRequested([3], DeliveryService.Agreed));
        var cancel = Assert.Single(asked.OfType<Unicast>());
        Assert.Equal(P1, cancel.To);
        Assert.Equal(new TokenHoldCancel(P3, new RingId(1, P1)), cancel.Packet);
        Assert.Equal(1, Counters(P3).HoldCancelsSent);

        // Once per token visit: a second message before the token comes asks nothing more.
        Assert.Empty(_net.Input("p3", new SendRequested([4], DeliveryService.Agreed)).OfType<Unicast>());

        var (_, released) = _net.HandOn(IndexOf(p => p is TokenHoldCancel));
        Assert.Contains(released, o => o is Unicast { Packet: Token });
        Assert.False(Held());
        Assert.Equal(1, Counters(P1).HoldsReleasedOnRequest);
        Assert.True(_net.RunUntil(() => _net.Application.Count(a => a.Output is MessageDelivered) == 6, limit: 200), "both messages delivered at all three");
    }

    [Fact]
    public void A_request_that_overtakes_the_token_makes_the_representative_skip_its_next_hold()
    {
        for (int n = 1; n < Settings.IdleRotationsBeforeHold; n++) TokenToTheRepresentative();
        _net.Input("p1", new PacketArrived(new TokenHoldCancel(P3, new RingId(1, P1))));
        TokenToTheRepresentative();
        Assert.False(Held()); // the token that would have been held goes on
        Assert.Equal(1, TokensAtTheRepresentativeUntilOneIsHeld());
    }

    [Fact]
    public void A_request_from_a_process_outside_the_ring_is_ignored_and_the_token_stays_held()
    {
        TokensAtTheRepresentativeUntilOneIsHeld();
        var outputs = _net.Input("p1", new PacketArrived(new TokenHoldCancel(new ProcessId("x"), new RingId(1, P1))));
        Assert.Empty(outputs);
        Assert.True(Held());
        Assert.Equal(0, Counters(P1).HoldsReleasedOnRequest);
        Assert.Equal(1, _net["p1"].Snapshot().IgnoredPackets);
    }

    [Fact]
    public void A_copy_of_the_held_token_from_its_predecessor_ends_the_hold()
    {
        TokensAtTheRepresentativeUntilOneIsHeld();
        var fired = _net.Input("p3", new TimerExpired(TimerKind.TokenRetransmit)); // p3 saw no sign that the token moved on
        Assert.Contains(fired, o => o is Unicast { To.Name: "p1", Packet: Token });
        var (_, released) = _net.HandOn(IndexOf(p => p is Token));
        Assert.Contains(released, o => o is Unicast { Packet: Token });
        Assert.False(Held());
    }

    [Fact]
    public void A_representative_that_gathers_drops_the_held_token_and_its_timer()
    {
        TokensAtTheRepresentativeUntilOneIsHeld();
        var gathering = _net.Input("p1", new TimerExpired(TimerKind.TokenLoss));
        Assert.Contains(gathering, o => o is StopTimer { Timer: TimerKind.TokenHold });
        Assert.DoesNotContain(gathering, o => o is Unicast { Packet: Token });
    }

    [Fact]
    public void Without_a_hold_setting_no_token_is_ever_held()
    {
        var net = new HandNetwork(new[] { P1, P2, P3 }.Select(p => new TotemNode(p, Settings with { IdleTokenHoldMs = 0 })));
        net.StartInRing();
        net.RunUntil(() => false, limit: 3 * 10 * Settings.IdleRotationsBeforeHold);
        Assert.True(net.History.Count(h => h.Packet is { To.Name: "p1", Packet: Token }) > 2 * Settings.IdleRotationsBeforeHold, "the idle token came round often enough to be held");
        Assert.Equal(0, net["p1"].Snapshot().Counters.TokenHolds);
    }

    // Hands packets on, in order, until a token reaches the representative; returns what it did.
    private void TokenToTheRepresentative()
    {
        while (_net.Waiting.Count > 0)
        {
            var (packet, _) = _net.HandOn(0);
            if (packet.To == P1 && packet.Packet is Token) return;
        }
        Assert.Fail("the ring stopped: no token is on its way");
    }

    // Hands packets on until the representative holds a token; returns how many tokens reached it
    // (counting from the first idle one when skipBusy: the rotations that carried a message are not idle).
    private int TokensAtTheRepresentativeUntilOneIsHeld(bool skipBusy = false)
    {
        int tokens = 0;
        for (int i = 0; i < 100 * Settings.IdleRotationsBeforeHold && !Held(); i++)
        {
            var (packet, _) = _net.HandOn(IndexOf(_ => true));
            if (packet.To != P1 || packet.Packet is not Token token) continue;
            if (skipBusy && !TokenHold.LooksIdle(token)) tokens = 0;
            else tokens++;
        }
        Assert.True(Held(), "no idle token was ever held");
        return tokens;
    }

    private bool Held() => _net["p1"].Snapshot().Regular!.TokenHeld;

    private OrderingCounters Counters(ProcessId p) => _net.Nodes[p].Snapshot().Counters;

    private int IndexOf(Func<Packet, bool> which)
    {
        for (int i = 0; i < _net.Waiting.Count; i++)
            if (which(_net.Waiting[i].Packet)) return i;
        Assert.Fail("no such packet is waiting");
        return -1;
    }
}
