// The group layer (src/Evs.Reference/Groups/GroupLayer.cs), rule by rule, over a ring played by
// hand (HandRing): each test drives the one case its rule is about and checks what every process's
// layer says. The property (GroupProperties) judges the same layer under random faults.
using Evs.Reference.Groups;
using Evs.Reference.Model;
using Xunit;

namespace SpecTests.Groups;

public class GroupLayerTests
{
    private const string Kv = "kv";

    /// <summary>A ring of <paramref name="processes"/>, each of which has joined kv, one after another.</summary>
    private static HandRing InKv(params string[] processes) => InKv(processes, processes);

    /// <summary>A ring of <paramref name="processes"/>, of which <paramref name="members"/> have joined kv, one after another.</summary>
    private static HandRing InKv(string[] processes, string[] members)
    {
        var ring = new HandRing(processes);
        foreach (var p in members)
        {
            ring.Join(p, Kv);
            ring.Settle();
        }
        return ring;
    }

    private static Configuration Last(HandRing ring, string process) => ring.Of<GroupViewInstalled>(process).Last(v => v.Group == Kv).View;

    private static string[] Names(Configuration view) => [.. view.Members.Select(p => p.Name)];

    /// <summary>The view as its members must agree on it: its identifier and its members.</summary>
    private static string Agreed(Configuration view) => $"{view.Id} {string.Join(",", Names(view))}";

    [Fact]
    public void Rule2_a_joiner_is_alone_in_a_view_of_its_own_from_the_ring_send_of_its_join()
    {
        var ring = new HandRing("p1", "p2");
        ring.Settle();
        long ticket = ring.Join("p1", Kv);
        ring.Settle();

        var sent = ring.Of<GroupJoined>("p1").Single();
        Assert.Equal(ticket, sent.Ticket);
        Assert.StartsWith("J:", sent.View.Name);
        var first = ring.Of<GroupViewInstalled>("p1")[0];
        Assert.Equal(sent.View, first.View.Id);
        Assert.Equal(["p1"], Names(first.View));
        Assert.Equal(GroupChangeCause.JoinSent, first.Cause);
        Assert.Empty(ring.ViewsOf("p2", Kv));
    }

    [Fact]
    public void Rule1_every_member_installs_the_same_view_where_the_flush_of_a_join_completes()
    {
        var ring = InKv("p1", "p2", "p3");

        var views = new[] { "p1", "p2", "p3" }.Select(p => Agreed(Last(ring, p))).Distinct().ToList();
        Assert.Single(views);
        Assert.Equal(["p1", "p2", "p3"], Names(Last(ring, "p1")));
        var oldMembers = ring.Of<GroupViewInstalled>("p1").Where(v => v.View.Kind == ConfigurationKind.Transitional).Last().View;
        Assert.Equal(["p1", "p2"], Names(oldMembers));
        var joiner = ring.Of<GroupViewInstalled>("p3").Where(v => v.View.Kind == ConfigurationKind.Transitional).Single().View;
        Assert.Equal(["p3"], Names(joiner));
        Assert.StartsWith("J:", joiner.PreviousRegular?.Name);
    }

    [Fact]
    public void Rule1_a_member_holds_its_sends_while_a_flush_is_under_way_and_sends_them_in_the_new_view()
    {
        var ring = InKv(["p1", "p2", "p3"], ["p1", "p2"]);
        ring.Join("p3", Kv);
        ring.Step("p3");
        int before = ring.Outputs[new ProcessId("p1")].Count;
        long ticket = ring.Send("p1", Kv, "held");

        Assert.DoesNotContain(ring.Outputs[new ProcessId("p1")].Skip(before), o => o is RingSendRequested { Service: DeliveryService.Agreed } r && GroupEnvelope.TryDecode(r.Payload)?.Op == GroupOp.Data);
        ring.Settle();
        var sent = ring.Of<GroupMessageSent>("p1").Single();
        Assert.Equal(ticket, sent.Ticket);
        Assert.Equal(Last(ring, "p1").Id, sent.View);
        Assert.Equal(3, Last(ring, "p1").Members.Length);
        Assert.Contains(ring.Of<GroupMessageDelivered>("p3"), d => d.Message == sent.Message && d.View == sent.View);
    }

    [Fact]
    public void Rule2_a_leaver_fails_at_its_own_leave_and_the_others_go_on_without_it()
    {
        var ring = InKv("p1", "p2", "p3");
        var left = Last(ring, "p3");
        long ticket = ring.Leave("p3", Kv);
        ring.Settle();
        ring.Send("p1", Kv, "after the leave");
        ring.Settle();

        Assert.Equal(new GroupFailed(Kv, left.Id, Left: true), ring.Of<GroupFailed>("p3").Single());
        Assert.Equal(new GroupLeft(Kv, left.Id, ticket), ring.Of<GroupLeft>("p3").Single());
        Assert.Empty(ring.Of<GroupMessageDelivered>("p3"));
        Assert.Equal(["p1", "p2"], Names(Last(ring, "p1")));
        var transitional = ring.Of<GroupViewInstalled>("p2").Last(v => v.View.Kind == ConfigurationKind.Transitional).View;
        Assert.Equal(["p1", "p2"], Names(transitional));
        Assert.Equal(left.Id, transitional.PreviousRegular);
    }

    [Fact]
    public void Rule2_a_process_that_leaves_and_joins_again_in_one_flush_fails_in_the_old_view_and_comes_back_through_its_own()
    {
        var ring = InKv("p1", "p2", "p3");
        var old = Last(ring, "p1");
        ring.Leave("p3", Kv);
        ring.Step("p3");
        ring.Join("p3", Kv);
        ring.Step("p3");
        ring.Settle();

        var back = Last(ring, "p1");
        Assert.Equal(Agreed(back), Agreed(Last(ring, "p3")));
        Assert.Equal(["p1", "p2", "p3"], Names(back));
        var others = ring.Of<GroupViewInstalled>("p1").Single(v => v.View.PreviousRegular == old.Id).View;
        Assert.Equal(["p1", "p2"], Names(others));
        var own = ring.Of<GroupViewInstalled>("p3").Last(v => v.View.Kind == ConfigurationKind.Transitional).View;
        Assert.Equal(["p3"], Names(own));
        Assert.StartsWith("J:", own.PreviousRegular?.Name);
    }

    [Fact]
    public void Rule3_a_send_the_ring_makes_after_its_view_ended_is_lost_and_nobody_delivers_it()
    {
        var ring = InKv("p1", "p2");
        long ticket = ring.Send("p1", Kv, "stale");
        ring.Form(["p1", "p2"]);
        ring.Settle();

        var lost = ring.Of<GroupSendLost>("p1").Single();
        Assert.Equal(ticket, lost.Ticket);
        Assert.NotNull(lost.Message);
        Assert.Empty(ring.Of<GroupMessageSent>("p1"));
        Assert.DoesNotContain(ring.Of<GroupMessageDelivered>("p2"), d => d.Message == lost.Message);
    }

    [Fact]
    public void Rule4_a_message_in_flight_at_a_ring_change_is_delivered_in_the_transitional_view_of_those_still_together()
    {
        var ring = InKv("p1", "p2", "p3");
        var before = Last(ring, "p1");
        ring.Send("p3", Kv, "in flight");
        ring.SendOnly("p3");
        ring.Form(["p1", "p2"], ["p3"]);

        var sent = ring.Of<GroupMessageSent>("p3").Single();
        var atP1 = ring.Of<GroupMessageDelivered>("p1").Single(d => d.Message == sent.Message);
        var transitional = ring.Of<GroupViewInstalled>("p1").Single(v => v.View.Id == atP1.View).View;
        Assert.Equal(ConfigurationKind.Transitional, transitional.Kind);
        Assert.Equal(before.Id, transitional.PreviousRegular);
        Assert.Equal(["p1", "p2"], Names(transitional));
        var atP3 = ring.Of<GroupMessageDelivered>("p3").Single(d => d.Message == sent.Message);
        Assert.Equal(["p3"], Names(ring.Of<GroupViewInstalled>("p3").Single(v => v.View.Id == atP3.View).View));
        Assert.Equal(Names(transitional), Names(Last(ring, "p1")));
    }

    [Fact]
    public void Rule5_after_a_merge_the_sync_gives_every_member_one_view_of_all_who_are_in_the_group()
    {
        var ring = InKv("p1", "p2", "p3");
        ring.Form(["p1", "p2"], ["p3"]);
        ring.Settle();
        ring.Form(["p1", "p2", "p3"]);
        ring.Settle();

        var views = new[] { "p1", "p2", "p3" }.Select(p => Agreed(Last(ring, p))).Distinct().ToList();
        Assert.Single(views);
        Assert.StartsWith("S:", Last(ring, "p1").Id.Name);
        Assert.Equal(["p1", "p2", "p3"], Names(Last(ring, "p1")));
        var fromTheSubView = ring.Of<GroupViewInstalled>("p3").Last(v => v.View.Kind == ConfigurationKind.Transitional).View;
        Assert.Equal(["p3"], Names(fromTheSubView));
        Assert.Contains("~", fromTheSubView.PreviousRegular?.Name);
    }

    [Fact]
    public void Rule5_a_ring_without_groups_carries_none_of_their_messages_until_a_process_asks_for_one()
    {
        var ring = new HandRing("p1", "p2");
        ring.Form(["p1", "p2"]);
        ring.Form(["p1", "p2"]);
        Assert.Empty(ring.Outputs.Values.SelectMany(o => o).OfType<RingSendRequested>());

        ring.Join("p1", Kv);
        ring.Settle();

        Assert.Equal(GroupMembership.Member, ring.Layer("p1").StatusOf(Kv));
        Assert.Equal([GroupOp.State], ring.Outputs[new("p2")].OfType<RingSendRequested>().Select(r => GroupEnvelope.TryDecode(r.Payload)!.Op));
    }

    [Fact]
    public void Rule5_a_state_made_for_an_earlier_ring_and_sent_in_a_later_one_does_not_count_there()
    {
        var ring = new HandRing("p1", "p2");
        ring.Form(["p1", "p2"]);
        ring.Join("p1", Kv);
        ring.Settle();
        ring.Form(["p1", "p2"]); // each hands its state for this ring; neither is sent before the ring changes again
        ring.Form(["p1", "p2"]);
        ring.Settle();

        Assert.Equal(GroupMembership.Member, ring.Layer("p1").StatusOf(Kv));
        var view = Last(ring, "p1");
        Assert.Equal(ConfigurationKind.Regular, view.Kind);
        // Synced at p2's state for this ring (its third message here), not at the stale one before it.
        Assert.Equal("S:p2.4.3", view.Id.Name);
        Assert.Equal(["p1"], Names(view));
        Assert.Single(ring.Of<GroupJoined>("p1"));
    }

    [Fact]
    public void Rule6_a_failure_fails_every_view_and_every_request_not_yet_done_is_lost_with_its_ticket()
    {
        var ring = InKv("p1", "p2");
        ring.Join("p1", "chat");
        ring.Settle();
        ring.Form(["p1", "p2"]);
        long held = ring.Send("p1", Kv, "held until the sync");
        long leave = ring.Leave("p1", "chat");
        ring.Crash("p1");

        Assert.Equal([Kv, "chat"], ring.Of<GroupFailed>("p1").Where(f => !f.Left).Select(f => f.Group).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(new GroupSendLost(Kv, null, DeliveryService.Agreed, held), ring.Of<GroupSendLost>("p1").Single());
        Assert.Equal(new GroupRequestLost("chat", GroupRequestKind.Leave, leave), ring.Of<GroupRequestLost>("p1").Single());
        Assert.Null(ring.Layer("p1").ViewOf(Kv));
        Assert.Equal(GroupMembership.Out, ring.Layer("p1").AskedOf(Kv));
    }

    [Fact]
    public void Rule3_a_message_stamped_with_a_view_by_a_process_outside_it_is_delivered_to_no_one()
    {
        var ring = InKv(["p1", "p2", "p3"], ["p1", "p2"]);
        var view = Last(ring, "p1");
        var outputs = new List<GroupOutput>();
        var forged = GroupEnvelope.ForData(Kv, view.Id.Name, [1, 2, 3]);

        ring.Layer("p1").Handle(new RingMessageDelivered(new MessageId("p3.1.99"), new ProcessId("p3"), DeliveryService.Agreed, forged), outputs);
        ring.Layer("p1").Handle(new RingMessageDelivered(new MessageId("p2.1.99"), new ProcessId("p2"), DeliveryService.Agreed, forged), outputs);

        Assert.Equal(["p2.1.99"], outputs.OfType<GroupMessageDelivered>().Select(d => d.Message.Name));
    }

    [Fact]
    public void A_group_name_an_envelope_cannot_carry_as_given_is_refused()
    {
        var ring = new HandRing("p1");
        Assert.Throws<ArgumentException>(() => ring.Join("p1", new string('x', GroupEnvelope.MaxNameBytes + 1)));
        Assert.Throws<ArgumentException>(() => ring.Join("p1", "a\uD800"));
        ring.Join("p1", new string('x', GroupEnvelope.MaxNameBytes));
    }

    [Fact]
    public void A_request_that_does_not_fit_is_refused()
    {
        var ring = InKv("p1");
        Assert.Throws<InvalidOperationException>(() => ring.Join("p1", Kv));
        Assert.Throws<InvalidOperationException>(() => ring.Leave("p1", "chat"));
        Assert.Throws<InvalidOperationException>(() => ring.Send("p1", "chat", "not a member"));
    }
}
