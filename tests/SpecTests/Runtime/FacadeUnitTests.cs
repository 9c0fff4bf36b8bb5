// The prototyper's API without a network: the typed parts of configuration and message
// identifiers (docs/TRACE.md's spelling, and none for another writer's), the timeouts in
// Corosync's proportions, and the causes of configuration changes, graceful leaves included.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Runtime;
using Xunit;

namespace SpecTests.Runtime;

public sealed class FacadeUnitTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    [Fact]
    public void A_configuration_identifier_gives_its_ring_and_a_transitional_one_the_regular_configuration_it_follows()
    {
        var regular = ConfigurationId.Regular(new RingId(8, P2));
        var transitional = ConfigurationId.Transitional(new RingId(12, P1), regular);

        Assert.Equal((8L, P2, null), (regular.RingSequence, regular.Representative, regular.FollowsRegular));
        Assert.Equal((12L, P1, "R8.p2"), (transitional.RingSequence, transitional.Representative, transitional.FollowsRegular));
        Assert.Equal("T12.p1/R8.p2", transitional.Name);
        Assert.Equal(regular, new ConfigurationId("R8.p2"));
        Assert.Null(new ConfigurationId("view-7").Ring);
        Assert.Null(new ConfigurationId("T8.p2").Ring);
    }

    [Fact]
    public void A_message_identifier_gives_its_sender_ring_and_counter_and_none_when_another_writer_spelled_it()
    {
        var id = MessageId.Of(P3, 42, 7);

        Assert.Equal((P3, 42L, 7L), (id.Sender, id.RingSequence, id.Counter));
        Assert.Equal("p3.42.7", id.Name);
        Assert.Null(new MessageId("m-1").Sender);
        Assert.Null(new MessageId("p3.x.7").RingSequence);
    }

    [Fact]
    public void The_token_loss_timeout_alone_sets_the_others_in_Corosync_s_proportions_and_the_default_is_Corosync_s()
    {
        var options = new EvsNodeOptions { Id = P1, Timeouts = new Timeouts { TokenLoss = TimeSpan.FromSeconds(1) } };

        var m = options.Membership;
        Assert.Equal((1000.0, 1200.0), (m.TokenLossTimeoutMs, m.ConsensusTimeoutMs));
        Assert.Equal(1000.0 / 60, m.JoinTimeoutMs, 3);
        Assert.Equal(1000.0 / 15, m.MergeDetectTimeoutMs, 3);
        Assert.Equal(1000 / 4.2, options.Totem.TokenRetransmitTimeoutMs, 3);
        Assert.Equal(MembershipSettings.Corosync, new EvsNodeOptions { Id = P1 }.Membership);
        Assert.Equal(TotemSettings.Default.TokenRetransmitTimeoutMs, new EvsNodeOptions { Id = P1 }.Totem.TokenRetransmitTimeoutMs, 0);
        Assert.Equal(4000, (options with { Timeouts = options.Timeouts with { Consensus = TimeSpan.FromSeconds(4) } }).Membership.ConsensusTimeoutMs);
    }

    [Fact]
    public void A_change_is_caused_by_this_process_s_start_or_recovery_then_by_who_is_gone_who_came_or_who_left_gracefully()
    {
        var none = new HashSet<ProcessId>();
        var history = new ViewHistory(RunStart.Recovery, new ConfigurationId("R5.p1"));

        var recovered = history.Next(Regular(6, P2), none);
        Assert.Equal((ChangeCause.Recovered, new ConfigurationId("R5.p1")), (recovered.Cause, recovered.FailedIn));
        Assert.Equal(ChangeCause.Merged, history.Next(Regular(7, P1, P2, P3), none).Cause);
        var leaving = history.Next(Regular(8, P2), new HashSet<ProcessId> { P1 });
        Assert.Equal(ChangeCause.Unreachable, leaving.Cause);
        Assert.Equal<ProcessId>([P1], leaving.LeftGracefully);
        Assert.Equal(ChangeCause.Merged, history.Next(Regular(9, P1, P2), none).Cause);
        Assert.Equal(ChangeCause.GracefulLeave, history.Next(Regular(10, P2), new HashSet<ProcessId> { P1 }).Cause);
        Assert.Equal(ChangeCause.Reformed, history.Next(Regular(11, P2), none).Cause);
    }

    [Fact]
    public void A_first_start_is_the_cause_of_the_first_configuration_and_one_change_can_both_lose_and_gain_members()
    {
        var none = new HashSet<ProcessId>();
        var history = new ViewHistory(RunStart.First, null);

        var started = history.Next(Regular(1, P1, P2), none);
        Assert.Equal((ChangeCause.Started, null), (started.Cause, started.FailedIn));
        Assert.Equal<ProcessId>([P1, P2], started.Joined);
        var swapped = history.Next(Regular(2, P1, P3), none);
        Assert.Equal(ChangeCause.UnreachableAndMerged, swapped.Cause);
        Assert.Equal<ProcessId>([P2], swapped.Left);
        Assert.Equal<ProcessId>([P3], swapped.Joined);
    }

    private static Configuration Regular(long sequence, params ProcessId[] members) =>
        Configuration.Regular(new RingId(sequence, members.Min()), members.ToImmutableArray());
}
