// The case that decides what the filter does with the deliveries Rule 1 holds, built by hand for
// lab 4: random fault schedules reach it about once in two hundred (a message of the side that
// carries on must be lost towards the side that leaves, while a later message of the side that
// leaves reaches it, just before the partition), too rarely to grade by. It is an extended
// virtual synchrony history of three processes, legal by Specifications 1-7, that each process's
// filter (the student's Rules) turns into a virtual synchrony history, judged by C1-C3 and L1-L5.
using System.Collections.Immutable;
using Evs.Reference.Checking;
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Grading.Labs;

/// <summary>
/// p, q and r form the primary component R1.p. q sends y, then p sends x; y never reaches p, x
/// reaches everyone, and the network splits p from q and r before either is safe. q and r, in
/// their transitional configuration {q, r}, deliver y and x; p, alone in {p}, delivers x (its own
/// message, which follows the gap at y). q and r go on as the primary component R2.q; p is alone in
/// the non-primary R2.p.
/// <para>
/// What the filter must make of it. q and r continue (Rule 3): they release y and x into the view
/// R1.p#0, where they were sent, before the view R2.q#0 — otherwise L4 fails. p leaves the primary
/// component (Rule 2): its identity stops, and what Rule 1 held is dropped. Were p to show x in
/// R1.p#0, Extend would have to impute y to p after it (C3 asks every member of R1.p#0 to deliver
/// y, which q, a process that does not fail, sent; a failed process's missing deliveries go after
/// its last event), so p would deliver x before y and q and r y before x: no time gives each of
/// these abcast messages one time, and L5 fails.
/// </para>
/// </summary>
public static class PartitionCase
{
    /// <summary>How a report introduces a failure found in this case.</summary>
    public const string Story =
        "In the case played by hand (src/Evs.Grading/Labs/PartitionCase.cs): p, q, r are in the primary R1.p; q sends y (q.1.1), then p sends x (p.1.1), " +
        "which reaches everyone while y never reaches p; the network splits p from q and r. q and r deliver y and x in their transitional " +
        "configuration {q, r} and go on as the primary R2.q; p delivers only x in its transitional configuration {p} and is alone in the non-primary R2.p.";

    private static readonly ProcessId P = new("p"), Q = new("q"), R = new("r");
    private static readonly ConfigurationId R1 = new("R1.p"), TransitionalQ = new("T2.q/R1.p"), TransitionalP = new("T2.p/R1.p"), R2Q = new("R2.q"), R2P = new("R2.p");
    private static readonly MessageId Y = new("q.1.1"), X = new("p.1.1");

    /// <summary>The extended virtual synchrony history of the case, as a quiescent trace (its primary configurations marked).</summary>
    public static EvsTrace Trace => new(new TraceHeader("lab 4", null, "partition case", true), [.. Inputs.SelectMany(i => i.Value).Select(i => i.Event)]);

    /// <summary>Each process's inputs to its filter: its events in local order, and the primary view information with each primary configuration.</summary>
    public static ImmutableSortedDictionary<ProcessId, ImmutableArray<FilterInput>> Inputs { get; } = new Dictionary<ProcessId, ImmutableArray<FilterInput>>
    {
        [P] = Numbered(P,
        [
            (10, FirstPrimary(P)),
            (21, Send(P, X)),
            (40, Change(new DeliverConf(P, 0, 0, TransitionalP, ConfigurationKind.Transitional, [P], R1))),
            (40, Deliver(P, X, TransitionalP)),
            (40, Change(new DeliverConf(P, 0, 0, R2P, ConfigurationKind.Regular, [P], Primary: false))),
        ]),
        [Q] = Numbered(Q,
        [
            (10, FirstPrimary(Q)),
            (20, Send(Q, Y)),
            (50, Change(new DeliverConf(Q, 0, 0, TransitionalQ, ConfigurationKind.Transitional, [Q, R], R1))),
            (50, Deliver(Q, Y, TransitionalQ)),
            (50, Deliver(Q, X, TransitionalQ)),
            (50, SecondPrimary(Q)),
        ]),
        [R] = Numbered(R,
        [
            (10, FirstPrimary(R)),
            (50, Change(new DeliverConf(R, 0, 0, TransitionalQ, ConfigurationKind.Transitional, [Q, R], R1))),
            (50, Deliver(R, Y, TransitionalQ)),
            (50, Deliver(R, X, TransitionalQ)),
            (50, SecondPrimary(R)),
        ]),
    }.ToImmutableSortedDictionary(ProcessId.Ordinal);

    /// <summary>
    /// Runs every process's inputs through its filter and judges the virtual synchrony history they
    /// make: the verdict on each condition, and the history as the filters gave it, one event a line.
    /// </summary>
    /// <exception cref="InvalidOperationException">A filter gave an event out of the order of its numbers (<see cref="GivenInOrder"/>).</exception>
    public static (CheckReport Report, IReadOnlyList<string> History) Check()
    {
        var order = new GivenInOrder();
        var events = Inputs.SelectMany(i => VirtualSynchronyFilter.FilterHistory(i.Key, i.Value).Select(order.Accept)).ToList();
        var report = VirtualSynchronyChecker.Check(new VsTrace(new VsTraceHeader("lab 4", null, "partition case", true), events));
        return (report, [.. events.Select(Show)]);
    }

    private static FilterInput FirstPrimary(ProcessId process) =>
        new(new DeliverConf(process, 0, 0, R1, ConfigurationKind.Regular, [P, Q, R], Primary: true),
            new PrimaryViewInfo([], Names(P, Q, R)));

    private static FilterInput SecondPrimary(ProcessId process) =>
        new(new DeliverConf(process, 0, 0, R2Q, ConfigurationKind.Regular, [Q, R], Primary: true),
            new PrimaryViewInfo([Q, R], Names(Q, R)));

    private static ImmutableSortedDictionary<ProcessId, string> Names(params ProcessId[] members) =>
        members.ToImmutableSortedDictionary(m => m, m => m.Name, ProcessId.Ordinal);

    private static FilterInput Change(DeliverConf change) => new(change);

    private static FilterInput Send(ProcessId process, MessageId message) => new(new Send(process, 0, 0, message, R1, DeliveryService.Safe));

    private static FilterInput Deliver(ProcessId process, MessageId message, ConfigurationId conf) => new(new Deliver(process, 0, 0, message, conf, DeliveryService.Safe));

    // The events of one process numbered 0, 1, 2… in the order written, each at its time.
    private static ImmutableArray<FilterInput> Numbered(ProcessId process, (double Time, FilterInput Input)[] events) =>
        [.. events.Select((e, k) => e.Input with { Event = e.Input.Event with { Index = k, Time = e.Time } })];

    private static string Show(VsEvent e) => e switch
    {
        ViewChange v => $"{e.Witness} view {v.View} [{string.Join(", ", v.Members)}]",
        VsSend s => $"{e.Witness} send {s.Message} ({s.Service.ToName()})",
        VsDeliver d => $"{e.Witness} deliver {d.Message} ({d.Service.ToName()})",
        _ => $"{e.Witness} stop",
    };
}
