// The paper, Section 3, Step 4:
//   "4.a. Determine the members of the proposed transitional configuration of this process,
//    i.e. the members of the new regular configuration whose previous regular configuration is
//    the same as the previous regular configuration of this process.
//    b. Determine the messages to be rebroadcast because some process in the proposed
//    transitional configuration of this process has not acknowledged receipt of those messages."
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;
using Xunit;
using static SpecTests.Recovery.Inputs;

namespace SpecTests.Recovery;

public class Step4TransitionalConfigurationTests
{
    // Figure 6: q and r come from {p,q,r}, s and t from {s,t}; together they propose {q,r,s,t}.
    private static readonly MemberInfo[] Figure6 = [Info(T, St), Info(R, Pqr), Info(S, St), Info(Q, Pqr)];

    private static ReceiveBuffer Holding(params long[] ordinals)
    {
        var buffer = new ReceiveBuffer(lead: 1000);
        foreach (long seq in ordinals) buffer.Add(Message(seq, P, DeliveryService.Agreed, $"m{seq}"));
        return buffer;
    }

    private static long[] Rebroadcast(ProcessId me, IReadOnlyList<MemberInfo> transitional, ReceiveBuffer held) =>
        Step4TransitionalConfiguration.MessagesToRebroadcast(me, transitional, held).Select(m => m.Seq).ToArray();

    [Fact]
    public void Step4a_Figure6_the_transitional_configuration_of_q_is_q_and_r()
    {
        var members = Step4TransitionalConfiguration.Members(Figure6, Pqr);
        Assert.Equal([Q, R], members.Select(i => i.Process));
    }

    [Fact]
    public void Step4a_Figure6_the_transitional_configuration_of_s_is_s_and_t()
    {
        var members = Step4TransitionalConfiguration.Members(Figure6, St);
        Assert.Equal([S, T], members.Select(i => i.Process));
    }

    [Fact]
    public void Step4a_a_process_that_was_never_in_a_configuration_is_in_no_one_s_transitional_configuration_and_has_none()
    {
        MemberInfo[] exchanged = [Info(Q, Pqr), Info(R, Pqr), Step3Exchange.InfoOf(S, null, ObligationSet.Empty)];
        Assert.Equal([Q, R], Step4TransitionalConfiguration.Members(exchanged, Pqr).Select(i => i.Process));
        Assert.Empty(Step4TransitionalConfiguration.Members(exchanged, myOld: null));
    }

    [Fact]
    public void Step4a_the_same_members_under_another_ring_are_another_configuration()
    {
        var pqrAgain = Configuration.Regular(new RingId(3, P), [P, Q, R]);
        MemberInfo[] exchanged = [Info(Q, Pqr), Info(R, pqrAgain)];
        Assert.Equal([Q], Step4TransitionalConfiguration.Members(exchanged, Pqr).Select(i => i.Process));
    }

    [Fact]
    public void Step4b_only_ordinals_above_the_lowest_aru_up_to_the_highest_seen_are_rebroadcast_each_by_one_member()
    {
        // a lacks 3..7 but has seen 8; b holds up to 5; c up to 7.
        ProcessId a = new("a"), b = new("b"), c = new("c");
        MemberInfo[] transitional = [Info(a, aru: 2, seen: 8), Info(b, aru: 5, seen: 5), Info(c, aru: 7, seen: 7)];

        var all = Rebroadcast(a, transitional, Holding(1, 2, 8))
            .Concat(Rebroadcast(b, transitional, Holding(1, 2, 3, 4, 5)))
            .Concat(Rebroadcast(c, transitional, Holding(1, 2, 3, 4, 5, 6, 7)));

        Assert.Equal([3, 4, 5, 6, 7, 8], all.Order());
    }

    [Fact]
    public void Step4b_each_message_is_rebroadcast_by_the_first_member_whose_aru_covers_it()
    {
        ProcessId a = new("a"), b = new("b"), c = new("c");
        MemberInfo[] transitional = [Info(a, aru: 2, seen: 8), Info(b, aru: 5, seen: 5), Info(c, aru: 7, seen: 7)];

        Assert.Equal([3, 4, 5], Rebroadcast(b, transitional, Holding(1, 2, 3, 4, 5)));
        Assert.Equal([6, 7], Rebroadcast(c, transitional, Holding(1, 2, 3, 4, 5, 6, 7)));
        Assert.Equal([8], Rebroadcast(a, transitional, Holding(1, 2, 8)));
    }

    [Fact]
    public void Step4b_when_no_member_s_aru_covers_a_message_every_holder_rebroadcasts_it()
    {
        // Neither q nor r received 3; both received 4.
        MemberInfo[] transitional = [Info(Q, aru: 2, seen: 4), Info(R, aru: 2, seen: 4)];
        Assert.Equal([4], Rebroadcast(Q, transitional, Holding(1, 2, 4)));
        Assert.Equal([4], Rebroadcast(R, transitional, Holding(1, 2, 4)));
    }

    [Fact]
    public void Step4b_a_process_alone_in_its_transitional_configuration_rebroadcasts_nothing()
    {
        Assert.Empty(Rebroadcast(Q, [Info(Q, aru: 2, seen: 4)], Holding(1, 2, 4)));
    }

    [Fact]
    public void Step4b_looks_only_at_the_messages_held_whatever_ordinals_the_others_claim()
    {
        // A forged or corrupted commit token may claim any ordinal; walking the claimed range one
        // ordinal at a time would not end in this age. Only what q holds is considered.
        MemberInfo[] transitional = [Info(Q, aru: 2, seen: 4), Info(R, aru: long.MinValue / 2, seen: long.MaxValue / 2)];
        Assert.Equal([1, 2, 4], Rebroadcast(Q, transitional, Holding(1, 2, 4)));
    }
}
