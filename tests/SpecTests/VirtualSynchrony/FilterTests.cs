// The paper, Section 5: the filter that reduces extended virtual synchrony to virtual synchrony,
// one rule per class. Each test feeds one process's hand-built EVS history to the filter and
// checks the virtual synchrony history it makes: one test per rule and per case, the paper's
// Figure 6 seen from q, and the agreement of all members on the views of one primary
// configuration, which Birman's L3 needs.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;
using Xunit;

namespace SpecTests.VirtualSynchrony;

public class FilterTests
{
    // One process's EVS history, written event by event. Event k happens at time 10k, so a test can
    // say when an event happened by its position.
    private sealed class History(string process)
    {
        private readonly List<FilterInput> _inputs = [];

        public ProcessId Process { get; } = new(process);

        public IReadOnlyList<FilterInput> Inputs => _inputs;

        private long Next => _inputs.Count;

        private double Now => 10.0 * _inputs.Count;

        // A primary regular configuration; every member is named after itself unless renamed ("q=q~1").
        public History Primary(string conf, string members, string continuing = "", string renamed = "")
        {
            var ids = Ids(members);
            var names = ids.ToImmutableSortedDictionary(p => p, p => p.Name, ProcessId.Ordinal)
                .SetItems(Words(renamed).Select(w => w.Split('=')).Select(kv => KeyValuePair.Create(new ProcessId(kv[0]), kv[1])));
            var info = new PrimaryViewInfo(Ids(continuing).ToImmutableSortedSet(ProcessId.Ordinal), names);
            return Add(new DeliverConf(Process, Next, Now, new(conf), ConfigurationKind.Regular, ids, Primary: true), info);
        }

        public History NonPrimary(string conf, string members, bool? primary = false) =>
            Add(new DeliverConf(Process, Next, Now, new(conf), ConfigurationKind.Regular, Ids(members), Primary: primary));

        public History Transitional(string conf, string previous, string members) =>
            Add(new DeliverConf(Process, Next, Now, new(conf), ConfigurationKind.Transitional, Ids(members), new(previous)));

        public History Send(string message, string conf, DeliveryService service = DeliveryService.Agreed) =>
            Add(new Send(Process, Next, Now, new(message), new(conf), service));

        public History Deliver(string message, string conf, DeliveryService service = DeliveryService.Agreed) =>
            Add(new Deliver(Process, Next, Now, new(message), new(conf), service));

        public History Fail(string conf) => Add(new Fail(Process, Next, Now, new(conf)));

        public History Add(EvsEvent e, PrimaryViewInfo? info = null)
        {
            _inputs.Add(new FilterInput(e, info));
            return this;
        }

        public IReadOnlyList<VsEvent> Filtered() => VirtualSynchronyFilter.FilterHistory(Process, _inputs);
    }

    private static IEnumerable<string> Words(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static ImmutableArray<ProcessId> Ids(string s) => [.. Words(s).Select(w => new ProcessId(w))];

    // A compact spelling of a virtual synchrony history: "q#0 view R1.p#0 [p,q,r] @0", "q#1 send m abcast @10".
    private static string Show(VsEvent e) => e switch
    {
        ViewChange v => $"{v.Witness} view {v.View} [{string.Join(",", v.Members)}] @{v.Time}",
        VsSend s => $"{s.Witness} send {s.Message} {s.Service.ToName()} @{s.Time}",
        VsDeliver d => $"{d.Witness} deliver {d.Message} {d.Service.ToName()} @{d.Time}",
        Stop s => $"{s.Witness} stop @{s.Time}",
        _ => throw new ArgumentException(e.ToString()),
    };

    private static string[] Shown(IEnumerable<VsEvent> events) => [.. events.Select(Show)];

    private static IReadOnlyList<VsEvent> ApplyAll(VirtualSynchronyFilter filter, History history) =>
        [.. history.Inputs.SelectMany(filter.Apply)];

    // q in the first primary {p,q,r}, alone: a new group, one view.
    private static History QInPqr() => new History("q").Primary("R1.p", "p q r");

    [Fact]
    public void Rule1_the_change_to_a_transitional_configuration_is_masked()
    {
        var history = QInPqr();
        var filter = new VirtualSynchronyFilter(history.Process);
        ApplyAll(filter, history);

        var produced = filter.Apply(history.Transitional("T2.q/R1.p", "R1.p", "q r").Inputs[^1]);

        Assert.Empty(produced);
        Assert.False(filter.Blocked);
        Assert.IsType<FilterState.InTransitional>(filter.State);
    }

    [Fact]
    public void Rule1_a_delivery_in_a_transitional_configuration_becomes_a_delivery_in_the_view_before_it()
    {
        var history = QInPqr().Deliver("p.1.1", "R1.p").Transitional("T2.q/R1.p", "R1.p", "q r").Deliver("r.1.1", "T2.q/R1.p", DeliveryService.Safe);
        var filter = new VirtualSynchronyFilter(history.Process);

        Assert.Equal(["q#0 view R1.p#0 [p,q,r] @0", "q#1 deliver p.1.1 abcast @10"], Shown(ApplyAll(filter, history)));

        var next = filter.Apply(history.Primary("R2.q", "q r", continuing: "q r").Inputs[^1]);
        Assert.Equal(["q#2 deliver r.1.1 abcast @30", "q#3 view R2.q#0 [q,r] @40"], Shown(next));
    }

    [Fact]
    public void Rule1_held_deliveries_are_released_in_their_order_with_their_own_times_before_the_new_views()
    {
        var history = QInPqr().Transitional("T2.q/R1.p", "R1.p", "q r")
            .Deliver("p.1.1", "T2.q/R1.p", DeliveryService.Causal).Deliver("r.1.1", "T2.q/R1.p")
            .Primary("R2.q", "q r s", continuing: "q r");

        Assert.Equal(
            [
                "q#0 view R1.p#0 [p,q,r] @0",
                "q#1 deliver p.1.1 cbcast @20", "q#2 deliver r.1.1 abcast @30",
                "q#3 view R2.q#0 [q,r] @40", "q#4 view R2.q#1 [q,r,s] @40",
            ],
            Shown(history.Filtered()));
    }

    [Fact]
    public void Rule2_a_process_is_blocked_and_silent_until_it_is_merged_into_a_primary_view()
    {
        var history = new History("q").NonPrimary("R1.q", "q").Send("q.1.1", "R1.q").Deliver("q.1.1", "R1.q")
            .Transitional("T2.q/R1.q", "R1.q", "q").Deliver("q.1.2", "T2.q/R1.q");
        var filter = new VirtualSynchronyFilter(history.Process);

        Assert.True(filter.Blocked);
        Assert.Empty(ApplyAll(filter, history));
        Assert.True(filter.Blocked);

        Assert.Equal(["q#0 view R2.p#0 [p,q] @50"], Shown(filter.Apply(history.Primary("R2.p", "p q").Inputs[^1])));
        Assert.False(filter.Blocked);
    }

    [Fact]
    public void Rule2_a_non_primary_configuration_stops_the_identity_and_blocks_sends()
    {
        var history = QInPqr().Transitional("T2.q/R1.p", "R1.p", "q").NonPrimary("R2.q", "q");
        var filter = new VirtualSynchronyFilter(history.Process);

        Assert.Equal(["q#0 view R1.p#0 [p,q,r] @0", "q#1 stop @20"], Shown(ApplyAll(filter, history)));
        Assert.True(filter.Blocked);
        Assert.Empty(filter.Apply(history.Send("q.2.1", "R2.q").Inputs[^1]));
        Assert.Empty(filter.Apply(history.Deliver("q.2.1", "R2.q").Inputs[^1]));
    }

    [Fact]
    public void Rule2_leaving_the_primary_component_drops_the_held_transitional_deliveries()
    {
        var history = QInPqr().Transitional("T2.q/R1.p", "R1.p", "q").Deliver("q.1.1", "T2.q/R1.p").NonPrimary("R2.q", "q");

        Assert.Equal(["q#0 view R1.p#0 [p,q,r] @0", "q#1 stop @30"], Shown(history.Filtered()));
    }

    [Fact]
    public void Rule2_a_regular_configuration_without_a_primary_decision_is_not_primary()
    {
        var history = QInPqr().NonPrimary("R2.q", "q r", primary: null);

        Assert.Equal(["q#0 view R1.p#0 [p,q,r] @0", "q#1 stop @10"], Shown(history.Filtered()));
    }

    [Fact]
    public void Rule2_sends_and_deliveries_in_the_primary_views_configuration_pass_with_their_service()
    {
        var history = QInPqr().Send("q.1.1", "R1.p", DeliveryService.Causal).Send("q.1.2", "R1.p", DeliveryService.Safe)
            .Deliver("q.1.1", "R1.p", DeliveryService.Causal).Deliver("q.1.2", "R1.p", DeliveryService.Safe);

        Assert.Equal(
            [
                "q#0 view R1.p#0 [p,q,r] @0",
                "q#1 send q.1.1 cbcast @10", "q#2 send q.1.2 abcast @20",
                "q#3 deliver q.1.1 cbcast @30", "q#4 deliver q.1.2 abcast @40",
            ],
            Shown(history.Filtered()));
    }

    [Fact]
    public void Rule2_a_send_or_delivery_in_another_configuration_than_the_views_is_discarded()
    {
        var history = QInPqr().Send("q.9.1", "R9.q").Deliver("q.9.1", "R9.q").Send("q.1.1", "R1.p");

        Assert.Equal(["q#0 view R1.p#0 [p,q,r] @0", "q#1 send q.1.1 abcast @30"], Shown(history.Filtered()));
    }

    [Fact]
    public void A_failure_stops_the_identity_and_drops_the_held_deliveries()
    {
        var history = QInPqr().Transitional("T2.q/R1.p", "R1.p", "q r").Deliver("r.1.1", "T2.q/R1.p").Fail("T2.q/R1.p");
        var filter = new VirtualSynchronyFilter(history.Process);

        Assert.Equal(["q#0 view R1.p#0 [p,q,r] @0", "q#1 stop @30"], Shown(ApplyAll(filter, history)));
        Assert.True(filter.Blocked);
    }

    [Fact]
    public void Rule3_a_merge_of_three_processes_is_three_views_in_lexicographic_order()
    {
        var history = new History("q").Primary("R1.q", "q").Primary("R2.q", "t s q r", continuing: "q");

        Assert.Equal(
            [
                "q#0 view R1.q#0 [q] @0",
                "q#1 view R2.q#1 [q,r] @10", "q#2 view R2.q#2 [q,r,s] @10", "q#3 view R2.q#3 [q,r,s,t] @10",
            ],
            Shown(history.Filtered()));
    }

    [Fact]
    public void Rule3_a_merge_into_a_view_nobody_left_installs_no_view_that_repeats_it_and_names_the_views_by_the_processes_merged()
    {
        // R2.q#0 would be {q,r} again, a view change that merges nobody: skipped. The view that adds s keeps the name R2.q#1.
        var history = new History("q").Primary("R1.q", "q r").Transitional("T2.q/R1.q", "R1.q", "q r").Primary("R2.q", "q r s", continuing: "q r");

        Assert.Equal(["q#0 view R1.q#0 [q,r] @0", "q#1 view R2.q#1 [q,r,s] @20"], Shown(history.Filtered()));
    }

    [Fact]
    public void Rule3_a_new_ring_of_the_same_members_that_merges_nobody_is_still_one_view()
    {
        var history = QInPqr().Transitional("T2.q/R1.p", "R1.p", "p q r").Primary("R2.q", "p q r", continuing: "p q r");

        Assert.Equal(["q#0 view R1.p#0 [p,q,r] @0", "q#1 view R2.q#0 [p,q,r] @20"], Shown(history.Filtered()));
    }

    [Fact]
    public void Rule3_a_primary_configuration_that_only_loses_members_is_one_view()
    {
        var history = QInPqr().Transitional("T2.q/R1.p", "R1.p", "q r").Primary("R2.q", "q r", continuing: "q r");

        Assert.Equal(["q#0 view R1.p#0 [p,q,r] @0", "q#1 view R2.q#0 [q,r] @20"], Shown(history.Filtered()));
    }

    [Fact]
    public void Rule3_view_members_are_the_virtual_synchrony_names_sorted_and_the_merge_order_is_by_evs_id()
    {
        // r joins under r~1, which sorts after rb ('~' comes after the letters); the merge order
        // still follows the EVS ids: r before rb.
        var history = new History("q").Primary("R1.q", "q").Primary("R2.q", "q r rb", continuing: "q", renamed: "r=r~1");

        Assert.Equal(
            ["q#0 view R1.q#0 [q] @0", "q#1 view R2.q#1 [q,r~1] @10", "q#2 view R2.q#2 [q,rb,r~1] @10"],
            Shown(history.Filtered()));
    }

    [Fact]
    public void Rule3_after_the_split_sends_and_deliveries_belong_to_the_last_view()
    {
        var history = new History("q").Primary("R1.q", "q").Primary("R2.q", "q r", continuing: "q").Deliver("r.2.1", "R2.q");
        var filter = new VirtualSynchronyFilter(history.Process);

        var events = ApplyAll(filter, history);

        Assert.Equal("q#2 deliver r.2.1 abcast @20", Show(events[^1]));
        var current = Assert.IsType<FilterState.InPrimaryView>(filter.State).Identity.View;
        Assert.Equal(("R2.q#1", "q,r"), (current.Id, string.Join(",", current.Members)));
    }

    [Fact]
    public void Rule3_a_continuing_member_without_a_live_identity_is_an_upstream_inconsistency()
    {
        var history = new History("q").NonPrimary("R1.q", "q").Primary("R2.q", "q r", continuing: "q");

        var error = Assert.Throws<InvalidOperationException>(() => history.Filtered());
        Assert.Contains("no live virtual synchrony identity", error.Message);
    }

    [Fact]
    public void Rule3_a_continuing_member_renamed_by_the_primary_information_is_an_upstream_inconsistency()
    {
        var history = QInPqr().Primary("R2.q", "q r", continuing: "q r", renamed: "q=q~1");

        var error = Assert.Throws<InvalidOperationException>(() => history.Filtered());
        Assert.Contains("names it q~1", error.Message);
    }

    [Fact]
    public void Rule4_a_new_group_is_one_view_holding_every_member()
    {
        var history = new History("s").Primary("R1.p", "r q p s");

        Assert.Equal(["s#0 view R1.p#0 [p,q,r,s] @0"], Shown(history.Filtered()));
    }

    [Fact]
    public void Rule4_a_merged_process_installs_the_views_from_the_one_that_adds_it()
    {
        var history = new History("s").NonPrimary("R1.s", "s").Primary("R2.q", "q r s t", continuing: "q");

        Assert.Equal(["s#0 view R2.q#2 [q,r,s] @10", "s#1 view R2.q#3 [q,r,s,t] @10"], Shown(history.Filtered()));
    }

    [Fact]
    public void Rule4_a_recovered_process_is_merged_under_its_new_identifier()
    {
        var history = QInPqr().Send("q.1.1", "R1.p").Fail("R1.p")
            .NonPrimary("R5.q", "q").Send("q.5.1", "R5.q")
            .Primary("R6.p", "p q r", continuing: "p r", renamed: "q=q~1").Send("q.6.1", "R6.p").Deliver("q.6.1", "R6.p");

        Assert.Equal(
            [
                "q#0 view R1.p#0 [p,q,r] @0", "q#1 send q.1.1 abcast @10", "q#2 stop @20",
                "q~1#0 view R6.p#1 [p,q~1,r] @50", "q~1#1 send q.6.1 abcast @60", "q~1#2 deliver q.6.1 abcast @70",
            ],
            Shown(history.Filtered()));
    }

    [Fact]
    public void Rule4_a_process_still_live_in_an_older_primary_view_is_stopped_before_it_is_merged()
    {
        // p and r formed the primary R2.p without q while q was slow; q comes back straight from R1.p.
        var history = QInPqr().Transitional("T3.p/R1.p", "R1.p", "q").Deliver("q.1.1", "T3.p/R1.p")
            .Primary("R3.p", "p q r", continuing: "p r", renamed: "q=q~1");
        var filter = new VirtualSynchronyFilter(history.Process);

        Assert.Equal(
            ["q#0 view R1.p#0 [p,q,r] @0", "q#1 stop @30", "q~1#0 view R3.p#1 [p,q~1,r] @30"],
            Shown(ApplyAll(filter, history)));
        Assert.False(filter.Blocked);
    }

    [Fact]
    public void Rule4_a_merge_under_the_name_of_the_live_identity_is_an_upstream_inconsistency()
    {
        var history = QInPqr().Primary("R3.p", "p q r", continuing: "p r");

        var error = Assert.Throws<InvalidOperationException>(() => history.Filtered());
        Assert.Contains("needs a new identifier", error.Message);
    }

    [Fact]
    public void Figure6_q_delivers_in_the_transitional_configuration_then_sees_s_and_t_merged_one_at_a_time()
    {
        // Figure 6: {p,q,r} partitions; q and r pass through the transitional configuration {q,r},
        // where q delivers r's message n, and merge with s and t into {q,r,s,t}.
        var history = new History("q").Primary("R1.p", "p q r").Send("q.1.1", "R1.p").Deliver("q.1.1", "R1.p", DeliveryService.Safe)
            .Transitional("T2.q/R1.p", "R1.p", "q r").Deliver("r.1.1", "T2.q/R1.p", DeliveryService.Safe)
            .Primary("R2.q", "q r s t", continuing: "q r");

        Assert.Equal(
            [
                "q#0 view R1.p#0 [p,q,r] @0", "q#1 send q.1.1 abcast @10", "q#2 deliver q.1.1 abcast @20",
                "q#3 deliver r.1.1 abcast @40",
                "q#4 view R2.q#0 [q,r] @50", "q#5 view R2.q#1 [q,r,s] @50", "q#6 view R2.q#2 [q,r,s,t] @50",
            ],
            Shown(history.Filtered()));
    }

    [Fact]
    public void All_members_of_one_primary_configuration_emit_identical_view_ids_and_member_lists()
    {
        // R3.p = {p,q,r,s,t,u}: p and q continue from the primary R2.p they formed out of R1.p; r
        // comes from a non-primary component, s was never in a primary, t failed in R1.p and
        // recovers under t~1, u was slow and is still live in R1.p, so it rejoins as u~1.
        const string Members = "u t s r q p";
        History Ending(History h) => h.Primary("R3.p", Members, continuing: "p q", renamed: "t=t~1 u=u~1");
        History PQ(string process) => new History(process).Primary("R1.p", "p q t u")
            .Transitional("T2.p/R1.p", "R1.p", "p q").Primary("R2.p", "p q", continuing: "p q").Transitional("T3.p/R2.p", "R2.p", "p q");
        History[] all =
        [
            Ending(PQ("p")),
            Ending(PQ("q")),
            Ending(new History("r").NonPrimary("R2.r", "r").Transitional("T3.p/R2.r", "R2.r", "r")),
            Ending(new History("s")),
            Ending(new History("t").Primary("R1.p", "p q t u").Fail("R1.p").NonPrimary("R2.t", "t")),
            Ending(new History("u").Primary("R1.p", "p q t u").Transitional("T3.p/R1.p", "R1.p", "u")),
        ];

        var views = all.SelectMany(h => h.Filtered().OfType<ViewChange>()).Where(v => v.View.StartsWith("R3.p#", StringComparison.Ordinal)).ToList();
        var byId = views.GroupBy(v => v.View).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();

        // Nobody left R2.p's view {p,q}: R3.p#0 would repeat it, and no member installs it.
        Assert.Equal(["R3.p#1", "R3.p#2", "R3.p#3", "R3.p#4"], byId.Select(g => g.Key));
        foreach (var view in byId)
        {
            var lists = view.Select(v => string.Join(",", v.Members)).Distinct().ToList();
            Assert.Single(lists);
            // Exactly the members of the view install it, each under the name the view lists.
            Assert.Equal(view.First().Members.Order(StringComparer.Ordinal), view.Select(v => v.Process).Order(StringComparer.Ordinal));
        }
        Assert.Equal("p,q,r,s,t~1,u~1", string.Join(",", byId[^1].First().Members));
    }

    [Fact]
    public void A_driver_takes_the_filters_events_in_the_order_of_their_numbers_and_refuses_one_given_out_of_it_naming_both()
    {
        var order = new GivenInOrder();
        foreach (var e in QInPqr().Deliver("p.1.1", "R1.p").Filtered()) order.Accept(e);
        order.Accept(new Stop("q~1", 0, 30));

        var error = Assert.Throws<InvalidOperationException>(() => order.Accept(new ViewChange("q", 3, 40, "R2.q#0", ["q", "r"])));
        Assert.Contains("gave q#3 (view R2.q#0) right after q#1 (deliver p.1.1)", error.Message);
        Assert.Contains("the next is q#2", error.Message);
        Assert.Throws<InvalidOperationException>(() => order.Accept(new Stop("r", 1, 40)));
    }

    [Fact]
    public void A_primary_configuration_without_its_view_information_is_rejected()
    {
        var history = new History("q").Add(new DeliverConf(new("q"), 0, 0, new("R1.q"), ConfigurationKind.Regular, [new("q")], Primary: true));

        Assert.Throws<ArgumentException>(() => history.Filtered());
    }

    [Fact]
    public void Primary_view_information_on_a_non_primary_configuration_is_rejected()
    {
        var info = new PrimaryViewInfo([], ImmutableSortedDictionary.CreateRange(ProcessId.Ordinal, [KeyValuePair.Create(new ProcessId("q"), "q")]));
        var history = new History("q").Add(new DeliverConf(new("q"), 0, 0, new("R1.q"), ConfigurationKind.Regular, [new("q")], Primary: false), info);

        Assert.Throws<ArgumentException>(() => history.Filtered());
    }

    [Fact]
    public void Primary_view_information_that_names_not_every_member_is_rejected()
    {
        var info = new PrimaryViewInfo([], ImmutableSortedDictionary.CreateRange(ProcessId.Ordinal, [KeyValuePair.Create(new ProcessId("q"), "q")]));
        var history = new History("q").Add(new DeliverConf(new("q"), 0, 0, new("R1.q"), ConfigurationKind.Regular, [new("p"), new("q")], Primary: true), info);

        var error = Assert.Throws<ArgumentException>(() => history.Filtered());
        Assert.Contains("for p", error.Message);
    }

    [Fact]
    public void An_event_of_another_process_is_rejected()
    {
        var filter = new VirtualSynchronyFilter(new("p"));

        Assert.Throws<ArgumentException>(() => filter.Apply(QInPqr().Inputs[0]));
    }

    [Fact]
    public void The_filter_is_a_function_of_its_inputs()
    {
        var history = QInPqr().Send("q.1.1", "R1.p").Transitional("T2.q/R1.p", "R1.p", "q r").Deliver("q.1.1", "T2.q/R1.p")
            .Primary("R2.q", "q r s", continuing: "q r");

        Assert.Equal(Shown(history.Filtered()), Shown(history.Filtered()));
        var state = FilterState.Initial;
        var stepped = new List<VsEvent>();
        foreach (var input in history.Inputs)
        {
            var step = VirtualSynchronyFilter.Next(state, history.Process, input);
            (state, stepped) = (step.State, [.. stepped, .. step.Events]);
        }
        Assert.Equal(Shown(history.Filtered()), Shown(stepped));
    }
}
