// Issue #13, item 3: "Bounds on every number a peer claims". Each bound of Node/ClaimBounds is an
// invariant of Totem that correct processes keep; these tests state them one at a time, on
// hand-built packets: what a correct process can send passes, and each way past a bound is dropped.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;
using Xunit;

namespace SpecTests.Node;

public sealed class ClaimBoundsTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");
    private static readonly RingId Ring1 = new(1, P1);
    private static readonly Configuration Three = Configuration.Regular(Ring1, [P1, P2, P3]);
    private static readonly TotemSettings Settings = TotemSettings.Simulation;
    private static readonly long Lead = MembershipSettings.Simulation.RingSequenceLead;

    private static JoinMessage Join(long ring, long highest) =>
        new(P2, new RingId(ring, P2), ImmutableSortedSet.Create(ProcessId.Ordinal, P1, P2), ImmutableSortedSet.Create<ProcessId>(ProcessId.Ordinal), highest);

    [Fact]
    public void A_ring_sequence_number_may_be_ahead_of_the_highest_seen_by_the_membership_changes_a_process_missed_within_2_to_the_32()
    {
        Assert.Equal(1L << 32, Lead);
        Assert.True(ClaimBounds.RingSequencesWithin(Join(ring: 5, highest: 40), highestSeen: 7, Lead));
        Assert.True(ClaimBounds.RingSequencesWithin(Join(ring: 1L << 32, highest: 1L << 32), highestSeen: 0, Lead)); // a new process joins a long-lived cluster
        Assert.False(ClaimBounds.RingSequencesWithin(Join(ring: 5, highest: long.MaxValue - 1), highestSeen: 7, Lead));
        Assert.False(ClaimBounds.RingSequencesWithin(new MergeDetect(P2, new RingId(8 + Lead, P2)), highestSeen: 7, Lead));
        Assert.True(ClaimBounds.RingSequencesWithin(new MergeDetect(P2, new RingId(long.MinValue, P2)), highestSeen: long.MaxValue, Lead));
    }

    private static Token Token(long tokenSeq, long seq, long aru) =>
        new(P3, Ring1, tokenSeq, seq, aru, AruSetter: null, ImmutableArray<long>.Empty, FlowControlCount: 0);

    public static TheoryData<string, Token> BeyondOneRotation => new()
    {
        { "a hop count more than one rotation (three hops) ahead", Token(tokenSeq: 14, seq: 100, aru: 90) },
        { "a highest ordinal below the one passed on last", Token(tokenSeq: 13, seq: 99, aru: 90) },
        { "a highest ordinal more than the outstanding limit and a window ahead", Token(tokenSeq: 13, seq: 100 + 551, aru: 90) },
        { "an aru above the highest ordinal", Token(tokenSeq: 13, seq: 100, aru: 101) },
        { "an aru below zero", Token(tokenSeq: 13, seq: 100, aru: -1) },
        { "a highest rebroadcast above the highest ordinal", Token(tokenSeq: 13, seq: 100, aru: 90) with { RecoverySeq = 101 } },
        { "an aru setter outside the ring", Token(tokenSeq: 13, seq: 100, aru: 90) with { AruSetter = new ProcessId("p9") } },
        { "more members yet to install the ring than it has", Token(tokenSeq: 13, seq: 100, aru: 90) with { PendingInstalls = 4 } },
        { "a negative count of messages broadcast", Token(tokenSeq: 13, seq: 100, aru: 90) with { FlowControlCount = -1 } },
        { "a negative backlog", Token(tokenSeq: 13, seq: 100, aru: 90) with { Backlog = -1 } },
    };

    [Theory]
    [MemberData(nameof(BeyondOneRotation))]
    public void A_token_does_at_most_what_one_rotation_can_after_the_last_one_passed_on(string beyond, Token token)
    {
        Assert.True(ClaimBounds.TokenWithin(Token(tokenSeq: 13, seq: 100 + 550, aru: 90) with { AruSetter = P2, PendingInstalls = 3, RecoverySeq = 95 },
            lastTokenSeq: 10, knownSeq: 100, Three, Settings), "the most a rotation can do");
        Assert.False(ClaimBounds.TokenWithin(token, lastTokenSeq: 10, knownSeq: 100, Three, Settings), beyond);
    }

    private static MemberInfo Info(ProcessId p, long aru = 0, long seen = 0, long receivedByAll = 0, long delivered = 0, Configuration? old = null) =>
        new(p, old ?? Three, aru, seen, receivedByAll, delivered, ObligationSet.Empty);

    private static CommitToken Commit(ImmutableArray<ProcessId> members, params MemberInfo[] infos) =>
        new(members[0], new RingId(2, members[0]), members, [.. infos], Rotation: 1, TokenSeq: infos.Length);

    // p3's part of ring 1, having received up to ordinal 4.
    private static TotemRing OldRingAtP3()
    {
        var ring = new TotemRing(P3, Ring1, Three, Settings);
        for (long seq = 1; seq <= 4; seq++)
            ring.Receive(new RegularMessage(P1, Ring1, seq, new MessageId($"m{seq}"), P1, DeliveryService.Agreed, []), []);
        return ring;
    }

    [Fact]
    public void A_commit_token_as_its_representative_makes_it_and_its_members_fill_it_in_is_within_bounds()
    {
        var filledIn = Commit([P1, P2, P3], Info(P1, aru: 4, seen: 6, receivedByAll: 3, delivered: 4), Info(P2, aru: 4, seen: 4, receivedByAll: 4));
        Assert.True(ClaimBounds.CommitTokenWithin(filledIn, OldRingAtP3()));
        Assert.True(ClaimBounds.CommitTokenWithin(filledIn with { Rotation = 2, TokenSeq = 6, Infos = [.. filledIn.Infos, Info(P3)] }, OldRingAtP3()));
    }

    public static TheoryData<string, CommitToken> BeyondWhatMembersWrite => new()
    {
        { "members out of ring order", Commit([P1, P3, P2]) },
        { "a member twice", Commit([P1, P2, P2]) },
        { "a ring whose representative is not the first member", Commit([P1, P2, P3]) with { Ring = new RingId(2, P2) } },
        { "a third rotation", Commit([P1, P2, P3]) with { Rotation = 3 } },
        { "a hop count beyond two rotations", Commit([P1, P2, P3]) with { TokenSeq = 7 } },
        { "information out of ring order", Commit([P1, P2, P3], Info(P2)) },
        { "more information than members", Commit([P1, P2], Info(P1), Info(P2)) with { Infos = [Info(P1), Info(P2), Info(P3)] } },
        { "an aru above the highest ordinal seen", Commit([P1, P2, P3], Info(P1, aru: 5, seen: 4)) },
        { "delivered beyond the aru", Commit([P1, P2, P3], Info(P1, aru: 2, seen: 4, delivered: 3)) },
        { "received by all beyond the aru", Commit([P1, P2, P3], Info(P1, aru: 2, seen: 4, receivedByAll: 3)) },
        { "received by all in this process's configuration beyond what it has received", Commit([P1, P2, P3], Info(P1, aru: 9, seen: 9, receivedByAll: 5)) },
    };

    [Theory]
    [MemberData(nameof(BeyondWhatMembersWrite))]
    public void A_commit_token_that_no_representative_makes_or_no_member_fills_in_so_is_beyond_bounds(string beyond, CommitToken commit)
    {
        Assert.False(ClaimBounds.CommitTokenWithin(commit, OldRingAtP3()), beyond);
    }

    [Fact]
    public void Received_by_all_in_another_configuration_is_not_bounded_by_what_this_process_received()
    {
        var elsewhere = Configuration.Regular(new RingId(1, P2), [P2]);
        Assert.True(ClaimBounds.InformationWithin(Info(P2, aru: 9, seen: 9, receivedByAll: 5, old: elsewhere), OldRingAtP3()));
    }
}
