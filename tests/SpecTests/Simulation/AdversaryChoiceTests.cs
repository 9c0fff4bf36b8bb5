// What the adversary does with the packets it has seen, one strike at a time, before any run
// depends on it: a replay goes where the packet went, a redirect where it did not, a replay of an
// absent member only for a member that is crashed or cut off, nothing ever back to its sender; a
// forgery carries exactly the numbers issue #13 names and nothing else changed; old packets stay at
// hand however many new ones go by; and its random stream is not the run's.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Simulation;
using Xunit;

namespace SpecTests.Simulation;

public class AdversaryChoiceTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3"), P4 = new("p4");
    private static readonly ImmutableArray<ProcessId> Group = [P1, P2, P3, P4];
    private static readonly RingId Ring = new(4, P1);

    private static Token TokenFrom(ProcessId sender, long tokenSeq = 20, long seq = 30) =>
        new(sender, Ring, tokenSeq, seq, Aru: seq, AruSetter: null, [], FlowControlCount: 0);

    private static JoinMessage JoinFrom(ProcessId sender) => new(sender, Ring, [.. Group], [], HighestRingSequence: 4);

    private static RegularMessage MessageFrom(ProcessId sender, long seq) =>
        new(sender, Ring, seq, MessageId.Of(sender, Ring.Sequence, seq), sender, DeliveryService.Agreed, [1, 2, 3]);

    private static Adversary Of(AdversaryAttack attack, long seed = 1) =>
        new(AdversarySettings.Only(attack, [.. Enum.GetValues<CapturedPacketKind>()], [.. Enum.GetValues<MembershipState>()], 0, 1000, 100), seed, Group, 2000);

    private static List<LiveProcess> Live(params ProcessId[] processes) => [.. processes.Select(p => new LiveProcess(p, MembershipState.Operational))];

    private static bool AllConnected(ProcessId a, ProcessId b) => true;

    private static List<Injection> Strikes(Adversary adversary, IReadOnlyList<LiveProcess> live, Func<ProcessId, ProcessId, bool> connected, int count = 200) =>
        [.. Enumerable.Range(0, count).Select(_ => adversary.Strike(live, connected)).OfType<Injection>()];

    [Fact]
    public void A_replayed_token_goes_only_to_the_member_it_was_sent_to()
    {
        var adversary = Of(AdversaryAttack.Replay);
        var token = TokenFrom(P1);
        adversary.Capture(P1, P2, token);
        var strikes = Strikes(adversary, Live(P1, P2, P3, P4), AllConnected);
        Assert.NotEmpty(strikes);
        Assert.All(strikes, s => Assert.Equal((P2, (Packet)token), (s.To, s.Packet)));
        Assert.Empty(Strikes(adversary, Live(P1, P3, P4), AllConnected));
    }

    [Fact]
    public void A_redirected_token_of_p1_to_p2_goes_to_p3_or_p4_never_to_p2_nor_back_to_p1()
    {
        var adversary = Of(AdversaryAttack.Redirect);
        var token = TokenFrom(P1);
        adversary.Capture(P1, P2, token);
        adversary.Capture(P1, null, JoinFrom(P1));
        var strikes = Strikes(adversary, Live(P1, P2, P3, P4), AllConnected);
        Assert.Equal([P3, P4], strikes.Select(s => s.To).Distinct().Order());
        Assert.All(strikes, s => Assert.Same(token, s.Packet));
    }

    [Fact]
    public void A_replayed_broadcast_goes_to_every_member_but_its_sender()
    {
        var adversary = Of(AdversaryAttack.Replay);
        adversary.Capture(P2, null, MessageFrom(P2, 7));
        Assert.Equal([P1, P3, P4], Strikes(adversary, Live(P1, P2, P3, P4), AllConnected).Select(s => s.To).Distinct().Order());
    }

    [Fact]
    public void An_absent_members_packets_are_replayed_only_while_it_is_crashed_or_cut_off()
    {
        var adversary = Of(AdversaryAttack.ReplayFromAbsent);
        adversary.Capture(P4, P1, TokenFrom(P4));
        adversary.Capture(P3, null, JoinFrom(P3));
        Assert.Empty(Strikes(adversary, Live(P1, P2, P3, P4), AllConnected));
        var crashed = Strikes(adversary, Live(P1, P2, P3), AllConnected);
        Assert.All(crashed, s => Assert.Equal(P4, s.Packet.Sender));
        Assert.Equal([P1, P2, P3], crashed.Select(s => s.To).Distinct().Order());
        bool p3CutOffFromP1(ProcessId a, ProcessId b) => !(new[] { a, b }.Order().SequenceEqual([P1, P3]));
        var cutOff = Strikes(adversary, Live(P1, P2, P3, P4), p3CutOffFromP1);
        Assert.NotEmpty(cutOff);
        Assert.All(cutOff, s => Assert.Equal((P3, P1), (s.Packet.Sender, s.To)));
    }

    [Fact]
    public void It_aims_only_at_processes_in_the_phases_it_is_told()
    {
        var settings = AdversarySettings.Only(AdversaryAttack.Replay, [CapturedPacketKind.Join], [MembershipState.Commit], 0, 1000, 100);
        var adversary = new Adversary(settings, 1, Group, 2000);
        adversary.Capture(P1, null, JoinFrom(P1));
        List<LiveProcess> live = [new(P1, MembershipState.Commit), new(P2, MembershipState.Commit), new(P3, MembershipState.Gather), new(P4, MembershipState.Operational)];
        Assert.Equal([P2], Strikes(adversary, live, AllConnected).Select(s => s.To).Distinct());
    }

    [Fact]
    public void A_forged_join_claims_ring_number_two_to_the_63_minus_2()
    {
        var adversary = Of(AdversaryAttack.ForgeRingNumber);
        var join = JoinFrom(P1);
        adversary.Capture(P1, null, join);
        var forged = Assert.IsType<JoinMessage>(Strikes(adversary, Live(P1, P2), AllConnected)[0].Packet);
        Assert.Equal(9_223_372_036_854_775_806, forged.HighestRingSequence); // 2^63 - 2
        Assert.Equal(join with { Ring = join.Ring with { Sequence = forged.HighestRingSequence }, HighestRingSequence = forged.HighestRingSequence }, forged);
    }

    [Fact]
    public void A_forged_regular_message_is_numbered_a_billion_or_more_and_is_otherwise_the_captured_one()
    {
        var adversary = Of(AdversaryAttack.ForgeMessageNumber);
        var message = MessageFrom(P1, 7);
        adversary.Capture(P1, null, message);
        foreach (var strike in Strikes(adversary, Live(P1, P2), AllConnected, 50))
        {
            var forged = Assert.IsType<RegularMessage>(strike.Packet);
            Assert.InRange(forged.Seq, 1_000_000_000, 1_999_999_999);
            Assert.Equal(message with { Seq = forged.Seq }, forged);
        }
    }

    [Fact]
    public void A_forged_token_is_the_token_on_its_way_with_seq_raised_by_a_million_and_races_it()
    {
        var adversary = Of(AdversaryAttack.ForgeTokenSeq);
        var token = TokenFrom(P1, tokenSeq: 20, seq: 30);
        adversary.Capture(P1, P2, token);
        var strikes = Strikes(adversary, Live(P1, P2, P3), AllConnected);
        Assert.All(strikes, s => Assert.Equal((P2, (Packet)(token with { Seq = 1_000_030 })), (s.To, s.Packet)));
        Assert.Equal(100, adversary.TransitDelay(strikes[0], new NetworkConditions(0.1, 5, 0, 0)));
        adversary.Capture(P2, P3, TokenFrom(P2, tokenSeq: 21, seq: 30));
        Assert.Equal([P3], Strikes(adversary, Live(P1, P2, P3), AllConnected).Select(s => s.To).Distinct());
    }

    [Fact]
    public void A_forged_token_carries_five_thousand_distinct_retransmission_requests_half_of_them_beyond_anything_sent()
    {
        var adversary = Of(AdversaryAttack.ForgeRetransmissionRequests);
        var token = TokenFrom(P1, tokenSeq: 20, seq: 30_000);
        adversary.Capture(P1, P2, token);
        var forged = Assert.IsType<Token>(Strikes(adversary, Live(P1, P2), AllConnected)[0].Packet);
        Assert.Equal(5_000, forged.RetransmissionRequests.Length);
        Assert.Equal(forged.RetransmissionRequests.Order(), forged.RetransmissionRequests);
        Assert.Equal(5_000, forged.RetransmissionRequests.Distinct().Count());
        Assert.InRange(forged.RetransmissionRequests.Count(r => r > 30_000), 2_250, 2_750);
        Assert.Equal(token with { RetransmissionRequests = forged.RetransmissionRequests }, forged);
    }

    [Fact]
    public void A_ghost_join_comes_from_a_process_outside_the_group_and_proposes_it()
    {
        var adversary = Of(AdversaryAttack.ForgeGhostJoin);
        adversary.Capture(P1, null, JoinFrom(P1));
        var ghosts = Strikes(adversary, Live(P1, P2, P3), AllConnected).Select(s => Assert.IsType<JoinMessage>(s.Packet)).ToList();
        Assert.Equal(2, ghosts.Select(g => g.Sender).Distinct().Count());
        Assert.All(ghosts, g => Assert.DoesNotContain(g.Sender, Group));
        Assert.All(ghosts, g => Assert.Contains(g.Sender, g.ProcSet));
        Assert.Contains(ghosts, g => g.Sender.CompareTo(P1) < 0);
    }

    [Fact]
    public void After_a_thousand_messages_some_of_the_first_hundred_can_still_be_replayed()
    {
        var adversary = Of(AdversaryAttack.Replay);
        for (int seq = 1; seq <= 1000; seq++) adversary.Capture(P1, null, MessageFrom(P1, seq));
        var replayed = Strikes(adversary, Live(P1, P2), AllConnected, 500).Select(s => ((RegularMessage)s.Packet).Seq).ToHashSet();
        Assert.Contains(replayed, seq => seq <= 100);
        Assert.Contains(replayed, seq => seq > 990);
    }

    [Fact]
    public void It_strikes_from_its_start_until_its_end_or_the_stop_step_whichever_comes_first()
    {
        var settings = AdversarySettings.Everything(100, 5000, 1000, withKey: false);
        var adversary = new Adversary(settings, 1, Group, stopAtMs: 300);
        var times = new List<long>();
        for (long? t = adversary.FirstStrike(); t is { } now; t = adversary.NextStrike(now)) times.Add(now);
        Assert.Equal(100_000, times[0]);
        Assert.InRange(times[^1], 290_000, 299_999);
        Assert.InRange(times.Count, 150, 250);
        Assert.Null(new Adversary(settings with { Rate = 0 }, 1, Group, 300).FirstStrike());
    }

    [Fact]
    public void The_adversarys_random_stream_is_another_than_the_runs_and_fixed_by_the_seed()
    {
        Assert.Equal(new DeterministicRandom(1).NextUInt64(), DeterministicRandom.Stream(1, 0).NextUInt64());
        Assert.NotEqual(new DeterministicRandom(1).NextUInt64(), DeterministicRandom.Stream(1, Adversary.RandomStream).NextUInt64());
        Assert.Equal(DeterministicRandom.Stream(1, 1).NextUInt64(), DeterministicRandom.Stream(1, 1).NextUInt64());
        Assert.NotEqual(DeterministicRandom.Stream(1, 1).NextUInt64(), DeterministicRandom.Stream(2, 1).NextUInt64());
    }
}
