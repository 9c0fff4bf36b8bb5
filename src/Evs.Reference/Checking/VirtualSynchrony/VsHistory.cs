// The paper, Section 4: a virtual synchrony history H is a set of events local to processes
// (send, deliver, stop) and group events (view). Every condition C1-L5 asks questions like "the
// events of i in order", "every delivery of m", "the view a delivery belongs to", "the members of
// g^x". This file answers them once, with dense integer numbers and flat arrays, as History does
// for the EVS checker, so that 10^6 events are checked in seconds.
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// A virtual synchrony history indexed for checking. Events are numbered 0..N-1 after a stable
/// sort by (process, index), so the events of one process are a contiguous run in local order and
/// an event's number doubles as its position in that order. Views and messages are numbered in
/// the order they first appear. "A delivery belongs to the most recent view before it at that
/// process" (VS-TRACE.md): <see cref="ViewOf"/> says which, for every event.
/// </summary>
internal sealed class VsHistory : NumberedEvents<VsEvent, string>
{
    private readonly int[] _deliveryStart, _deliveries, _viewEventStart, _viewEvents;
    private readonly Func<VsEvent, EventRef> _witness;
    private readonly Lazy<(HashSet<string>[] Members, Dictionary<string, List<int>> Listing)> _membership;

    /// <summary>Whether the run ended settled, so that C2 and C3 may judge its end.</summary>
    public bool Quiescent { get; }

    /// <summary>Whether each event was imputed by Extend rather than recorded.</summary>
    public bool[] Imputed { get; }

    /// <summary>The view identifiers, by number.</summary>
    public string[] Views { get; }

    /// <summary>For each view, its first view event: the members it declares.</summary>
    public ViewChange[] Declaration { get; }

    /// <summary>For each event, the number of its view (the latest view event of its process at or before it), or -1 before any.</summary>
    public int[] ViewOf { get; }

    /// <summary>The messages, by number.</summary>
    public MessageId[] Messages { get; }

    /// <summary>For each send or deliver event, the number of its message; -1 for the others.</summary>
    public int[] MessageOf { get; }

    /// <summary>For each message, its first send event, or -1 when it was never sent.</summary>
    public int[] SendOf { get; }

    /// <summary>For each message, its multicast: as sent, or as first delivered when it was never sent.</summary>
    public VsService[] ServiceOf { get; }

    /// <summary>Indexes <paramref name="events"/>; <paramref name="witness"/> names an event in a report, <paramref name="imputed"/> marks events Extend added.</summary>
    public VsHistory(IReadOnlyList<VsEvent> events, bool quiescent, Func<VsEvent, EventRef> witness, Func<VsEvent, bool> imputed)
        : base(events, e => e.Process, e => e.Index, StringComparer.Ordinal, StringComparer.Ordinal)
    {
        Quiescent = quiescent;
        _witness = witness;
        int n = Events.Length;
        Imputed = Array.ConvertAll(Events, e => imputed(e));

        var viewNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var declarations = new List<ViewChange>();
        var messageNumbers = new Dictionary<MessageId, int>();
        var messages = new List<MessageId>();
        var services = new List<VsService>();
        ViewOf = new int[n];
        MessageOf = new int[n];
        for (int e = 0; e < n; e++)
        {
            if (Events[e] is ViewChange view && !viewNumbers.ContainsKey(view.View))
            {
                viewNumbers[view.View] = declarations.Count;
                declarations.Add(view);
            }
            ViewOf[e] = Events[e] is ViewChange v ? viewNumbers[v.View]
                : e > ProcessStart[ProcessOf[e]] ? ViewOf[e - 1] : -1;
            MessageOf[e] = -1;
            (MessageId Id, VsService Service)? message = Events[e] switch
            {
                VsSend s => (s.Message, s.Service),
                VsDeliver d => (d.Message, d.Service),
                _ => null,
            };
            if (message is not { } m) continue;
            if (!messageNumbers.TryGetValue(m.Id, out int k))
            {
                k = messages.Count;
                messageNumbers[m.Id] = k;
                messages.Add(m.Id);
                services.Add(m.Service);
            }
            MessageOf[e] = k;
        }
        Declaration = [.. declarations];
        Views = Array.ConvertAll(Declaration, d => d.View);
        Messages = [.. messages];
        ServiceOf = [.. services];

        SendOf = new int[Messages.Length];
        Array.Fill(SendOf, -1);
        for (int e = 0; e < n; e++)
        {
            if (Events[e] is not VsSend send || SendOf[MessageOf[e]] >= 0) continue;
            SendOf[MessageOf[e]] = e;
            ServiceOf[MessageOf[e]] = send.Service;
        }
        (_deliveryStart, _deliveries) = Bucket(Messages.Length, e => Events[e] is VsDeliver ? MessageOf[e] : -1);
        (_viewEventStart, _viewEvents) = Bucket(Views.Length, e => Events[e] is ViewChange ? ViewOf[e] : -1);
        _membership = new(Membership);
    }

    /// <summary>Indexes a trace as recorded: every event named by its own process and index.</summary>
    public static VsHistory Recorded(VsTrace trace) => new(trace.Events, trace.Header.Quiescent, Witness, _ => false);

    /// <summary>How a report names a recorded event: its process and index (<c>q~1#4</c>).</summary>
    public static EventRef Witness(VsEvent e) => new(new ProcessId(e.Process), e.Index);

    /// <summary>How a report names event e.</summary>
    public EventRef Ref(int e) => _witness(Events[e]);

    /// <summary>Section 4: "Failure of a process is modeled by the distinguished final event, stop": process p's history ends with stop.</summary>
    public bool Failed(int p) => Events[ProcessStart[p + 1] - 1] is Stop;

    /// <summary>The deliver events of message m, in event order.</summary>
    public ReadOnlySpan<int> DeliveriesOf(int m) => _deliveries.AsSpan(_deliveryStart[m], _deliveryStart[m + 1] - _deliveryStart[m]);

    /// <summary>The view events of view v, in event order.</summary>
    public ReadOnlySpan<int> ViewEventsOf(int v) => _viewEvents.AsSpan(_viewEventStart[v], _viewEventStart[v + 1] - _viewEventStart[v]);

    /// <summary>The members of view v, as its first view event declares them.</summary>
    public IReadOnlyList<string> MembersOf(int v) => Declaration[v].Members;

    /// <summary>Whether view v lists <paramref name="process"/> among its members.</summary>
    public bool IsMember(int v, string process) => _membership.Value.Members[v].Contains(process);

    /// <summary>The views that list <paramref name="process"/> among their members, by number.</summary>
    public IReadOnlyList<int> ViewsListing(string process) => _membership.Value.Listing.GetValueOrDefault(process) ?? [];

    /// <summary>The name of message m.</summary>
    public string MessageName(int m) => Messages[m].Name;

    /// <summary>The events numbered <paramref name="events"/>, as a report names them, each once.</summary>
    public IReadOnlyList<EventRef> Refs(IEnumerable<int> events) => events.Select(Ref).Distinct().ToList();

    private (HashSet<string>[], Dictionary<string, List<int>>) Membership()
    {
        var members = Array.ConvertAll(Declaration, d => d.Members.ToHashSet(StringComparer.Ordinal));
        var listing = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int v = 0; v < Views.Length; v++)
            foreach (var member in members[v])
            {
                if (!listing.TryGetValue(member, out var views)) listing[member] = views = [];
                views.Add(v);
            }
        return (members, listing);
    }
}
