// Section 2.1, "Totally Ordered Delivery", Specifications 6.1-6.3: a logical total order ord,
// consistent with ->, at which every change to one configuration and every delivery of one
// message happen at one logical time, and along which processes deliver without gaps.
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking.Specifications;

/// <summary>
/// Specification 6.1: "If there exist events e and e' such that e -> e', where e != e', then
/// ord(e) &lt; ord(e')."
/// <para>An ord consistent with -> exists exactly when -> (layer 2 of <see cref="PrecedesRelation"/>:
/// local order, send -> deliver, and the precedences Specifications 2.3 and 2.4 add) has no
/// cycle: then <see cref="Ord"/> numbers the events. So 6.1 fails with every cycle that
/// 1.1 or 2.3/2.4 report, and never alone; the cycle is the witness. Equal logical times for
/// the deliveries of one message are 6.2's, judged separately.</para>
/// </summary>
internal sealed class Spec6_1OrdConsistentWithPrecedes : Specification
{
    public override string Spec => "6.1";
    public override string Title => "ord is consistent with ->";

    public override Violation? Check(CheckContext context) =>
        (context.Precedes.Basic.Cycle ?? context.Precedes.WithConfigurationChanges.Cycle) is { } cycle
            ? new Violation(Spec, "-> has a cycle, so no ord can increase along it", cycle)
            : null;
}

/// <summary>
/// Specification 6.2: "If there exist events e and e' that are either deliver_conf_p(c) and
/// deliver_conf_q(c) or deliver_p(m, c) and deliver_q(m, c'), then ord(e) = ord(e')."
/// <para>Equal logical times merge the events into one node; the deliver_conf events already are
/// (layer 2), and layer 3 of <see cref="PrecedesRelation"/> merges the deliveries of each message
/// too. An ord satisfying 6.1 and 6.2 exists exactly when layer 3 has no cycle. A cycle that
/// appears only in layer 3 passes through the merged deliveries of some message: for example p
/// delivers m1 then m2 while q delivers m2 then m1. It is reported here, the cycle as witnesses.</para>
/// </summary>
internal sealed class Spec6_2SameLogicalTime : Specification
{
    public override string Spec => "6.2";
    public override string Title => "Changes to one configuration, and deliveries of one message, are at one logical time";

    public override Violation? Check(CheckContext context) =>
        context.Precedes.WithConfigurationChanges.Order is not null && context.Precedes.WithMessageDeliveries.Cycle is { } cycle
            ? new Violation(Spec, "no ord gives every delivery of a message one logical time: the deliveries are ordered inconsistently", cycle)
            : null;
}

/// <summary>
/// Specification 6.3: "If there exist deliver_p(m, com_p(c)), deliver_p(m', com_p(c)),
/// deliver_q(m', c'), send_r(m, reg_r(c')) such that ord(deliver_p(m, com_p(c))) &lt;
/// ord(deliver_p(m', com_p(c))) and r is a member of c', then there exists deliver_q(m, com_q(c'))."
/// <para>By 6.1 and the local order, ord(deliver_p(m)) &lt; ord(deliver_p(m')) is "p delivers m
/// before m'", so no ord needs to be built. Deliveries are grouped by their regular
/// configuration R (the c of com_p(c) and the reg of c'). For each process q and configuration
/// c' in which q delivers, take for every process p the latest delivery by p of a message that q
/// delivers in c'; any message m that p delivered before that, whose sender is a member of c',
/// must be among q's deliveries in com_q(R).</para>
/// </summary>
internal sealed class Spec6_3DeliveryWithoutGaps : Specification
{
    public override string Spec => "6.3";
    public override string Title => "Processes deliver in order, except messages of senders outside a transitional configuration";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        var inRegular = new Dictionary<int, List<int>>();
        for (int e = 0; e < h.Count; e++)
        {
            if (h.Kind[e] != EventKind.Deliver) continue;
            int r = h.RegularOf[h.ConfigOf[e]];
            if (!inRegular.TryGetValue(r, out var list)) inRegular[r] = list = [];
            list.Add(e);
        }
        var marks = new MessageMarks(h.Messages.Length);
        foreach (var (regular, deliveries) in inRegular)
            if (CheckRegular(context, regular, deliveries, marks) is { } violation) return violation;
        return null;
    }

    /// <summary>Judges the deliveries (in event order) of one regular configuration and its transitional ones.</summary>
    private Violation? CheckRegular(CheckContext context, int regular, List<int> deliveries, MessageMarks marks)
    {
        var h = context.History;
        var messages = new List<int>(); // the messages delivered, in the order first delivered
        marks.Next();
        foreach (int d in deliveries)
            if (marks.Mark(h.MessageOf[d])) messages.Add(h.MessageOf[d]);
        // Deliveries in event order are grouped by process: q's are one run of them.
        for (int run = 0, end; run < deliveries.Count; run = end)
        {
            int q = h.ProcessOf[deliveries[run]];
            for (end = run + 1; end < deliveries.Count && h.ProcessOf[deliveries[end]] == q; end++) { }
            var byQ = deliveries.GetRange(run, end - run);
            marks.Next();
            foreach (int d in byQ) marks.Mark(h.MessageOf[d]);
            var missing = messages.Where(m => !marks.IsMarked(m) && h.SendOf[m] >= 0).ToList();
            if (missing.Count == 0) continue;
            foreach (var inConfiguration in byQ.GroupBy(d => h.ConfigOf[d]))
            {
                var latest = LatestDeliveries(h, regular, inConfiguration);
                var members = h.MembersOf(inConfiguration.Key).ToHashSet();
                foreach (int m in missing.Where(m => members.Contains(h.ProcessName(h.SendOf[m]))))
                {
                    foreach (int d in h.DeliveriesOf(m))
                    {
                        int p = h.ProcessOf[d];
                        if (h.RegularOf[h.ConfigOf[d]] == regular && latest.TryGetValue(p, out var later) && d < later.AtP)
                            return context.Violation(this, $"{h.ProcessName(d)} delivers {h.Messages[m]} before {h.MessageName(later.AtP)}; {h.Processes[q]} delivers the latter in {h.Configurations[inConfiguration.Key]}, which includes the sender of the former, but never the former", d, later.AtP, later.AtQ);
                    }
                }
            }
        }
        return null;
    }

    /// <summary>A set of messages, emptied in constant time: a message is in when its mark is the current round's.</summary>
    private sealed class MessageMarks(int messages)
    {
        private readonly int[] _markedIn = new int[messages];
        private int _round;

        /// <summary>Empties the set.</summary>
        public void Next() => _round++;

        /// <summary>Puts message m in; false when it was in already.</summary>
        public bool Mark(int m)
        {
            if (_markedIn[m] == _round) return false;
            _markedIn[m] = _round;
            return true;
        }

        /// <summary>Whether message m is in.</summary>
        public bool IsMarked(int m) => _markedIn[m] == _round;
    }

    /// <summary>For each process p, its latest delivery (in com_p(regular)) of a message that q delivers in c', with q's delivery of it.</summary>
    private static Dictionary<int, (int AtP, int AtQ)> LatestDeliveries(History h, int regular, IEnumerable<int> deliveriesByQ)
    {
        var latest = new Dictionary<int, (int AtP, int AtQ)>();
        foreach (int atQ in deliveriesByQ)
        {
            foreach (int d in h.DeliveriesOf(h.MessageOf[atQ]))
            {
                int p = h.ProcessOf[d];
                if (h.RegularOf[h.ConfigOf[d]] != regular) continue;
                if (!latest.TryGetValue(p, out var known) || d > known.AtP) latest[p] = (d, atQ);
            }
        }
        return latest;
    }
}
