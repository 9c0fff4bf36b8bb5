// A violation is only useful if it points at the right events: these tests name them.
using Evs.Reference.Checking;
using Xunit;

namespace SpecTests.Checking;

public class WitnessTests
{
    private static IEnumerable<string> Witnesses(string file, string spec) =>
        TraceFiles.Witnesses(TraceFiles.Check("illegal", file), spec);

    [Fact]
    public void Spec_1_1_is_violated_when_a_process_delivers_a_message_before_sending_it()
    {
        Assert.Equal(["p#1", "p#2"], Witnesses("spec-1.1-delivers-before-sending.jsonl", "1.1").Order());
    }

    [Fact]
    public void Spec_1_3_is_violated_when_the_delivered_payload_digest_differs_from_the_sent_one()
    {
        Assert.Equal(["p#1", "q#1"], Witnesses("spec-1.3-delivered-payload-differs-from-sent.jsonl", "1.3"));
    }

    [Fact]
    public void Spec_2_2_is_violated_when_two_members_install_one_configuration_identifier_with_different_members()
    {
        Assert.Equal(["p#0", "q#0"], Witnesses("spec-2.2-one-identifier-two-memberships.jsonl", "2.2"));
    }

    [Fact]
    public void Spec_2_2_is_violated_when_a_process_sends_after_failing_and_before_recovering()
    {
        Assert.Equal(["p#0", "p#2"], Witnesses("spec-2.2-sends-after-failing.jsonl", "2.2"));
    }

    [Fact]
    public void Spec_2_3_is_violated_when_members_install_two_configurations_in_opposite_orders()
    {
        Assert.Equal(["p#0", "p#1", "q#0", "q#1"], Witnesses("spec-2.3-members-change-configurations-in-opposite-orders.jsonl", "2.3").Order());
    }

    [Fact]
    public void Spec_2_4_is_violated_when_an_event_precedes_one_members_change_but_follows_anothers()
    {
        // p installs R1.p (p#0) and sends m (p#1); q delivers m (q#1) before installing R1.p (q#2).
        Assert.Equal(["p#0", "p#1", "q#1", "q#2"], Witnesses("spec-2.4-event-precedes-one-members-change-but-follows-anothers.jsonl", "2.4").Order());
    }

    [Fact]
    public void Spec_3_is_violated_when_a_sender_moves_on_without_delivering_its_message()
    {
        Assert.Equal(["p#1", "p#2"], Witnesses("spec-3-sender-moves-on-without-delivering-its-message.jsonl", "3"));
    }

    [Fact]
    public void Spec_4_is_violated_when_members_proceed_together_having_delivered_different_messages()
    {
        Assert.Equal(["p#2", "q#0", "q#1"], Witnesses("spec-4-members-proceed-together-with-different-messages.jsonl", "4"));
    }

    [Fact]
    public void Spec_5_is_violated_when_a_process_delivers_a_message_without_its_causal_predecessor()
    {
        // send_p(m1) p#1 -> send_p(m2) p#2, and r delivers m2 (r#1) without m1.
        Assert.Equal(["p#1", "p#2", "r#1"], Witnesses("spec-5-causal-predecessor-not-delivered.jsonl", "5"));
    }

    [Fact]
    public void Spec_6_2_is_violated_when_two_members_deliver_two_messages_in_opposite_orders()
    {
        Assert.Equal(["p#2", "p#3", "q#2", "q#3"], Witnesses("spec-6.2-members-deliver-two-messages-in-opposite-orders.jsonl", "6.2").Order());
    }

    [Fact]
    public void Spec_6_3_is_violated_when_a_member_skips_a_message_ordered_before_one_it_delivers()
    {
        Assert.Equal(["p#2", "p#3", "q#1"], Witnesses("spec-6.3-member-skips-a-message-ordered-before-one-it-delivers.jsonl", "6.3"));
    }

    [Fact]
    public void Spec_7_1_is_violated_when_a_member_never_delivers_a_safe_message()
    {
        Assert.Equal(["p#2", "r#0"], Witnesses("spec-7.1-safe-not-delivered-by-member.jsonl", "7.1"));
    }

    [Fact]
    public void Spec_7_2_is_violated_when_a_safe_message_is_delivered_in_a_configuration_a_member_never_installs()
    {
        Assert.Equal(["p#2"], Witnesses("spec-7.2-safe-delivered-but-member-never-installs-the-configuration.jsonl", "7.2"));
    }

    [Fact]
    public void Uniqueness_is_violated_by_two_concurrent_primary_components()
    {
        Assert.Equal(["p#0", "q#0"], Witnesses("spec-PC.1-two-concurrent-primary-components.jsonl", "PC.1"));
    }

    [Fact]
    public void Continuity_is_violated_when_consecutive_primary_components_share_no_member()
    {
        Assert.Equal(["p#0", "q#4"], Witnesses("spec-PC.2-consecutive-primary-components-share-no-member.jsonl", "PC.2"));
    }
}
