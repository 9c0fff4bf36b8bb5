// Section 2.1, "Self-Delivery" (Specification 3) and "Failure Atomicity" (Specification 4):
// a process delivers what it sends unless it fails, and two processes that proceed together
// from one configuration to the next delivered the same messages in it.
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking.Specifications;

/// <summary>
/// Specification 3: "If there exist send_p(m, c) and deliver_conf_p(c') such that send_p(m, c)
/// -> deliver_conf_p(c'), where c' != trans_p(c), and there does not exist fail_p(com_p(c)),
/// then there exists deliver_p(m, com_p(c))."
/// <para>Walks each process through its regular configurations c. Each ends when the process
/// installs a configuration other than trans_p(c) (a transitional one whose reg is c); if it did
/// not fail in c or trans_p(c), each message it sent in c must be delivered by it in c or
/// trans_p(c). The configuration a process is in when the trace ends has no such
/// deliver_conf_p(c'); it is judged only on a quiescent trace, where nothing is left in flight,
/// so the end of the run stands for that configuration change. A send before the process's first
/// configuration is in none of its configurations: Specification 2.2's to report, not this one's.</para>
/// </summary>
internal sealed class Spec3SelfDelivery : Specification
{
    public override string Spec => "3";
    public override string Title => "A process delivers every message it sends, unless it fails";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int regular = -1, end = h.ProcessStart[p + 1];
            bool failed = false;
            var sends = new List<int>();
            for (int e = h.ProcessStart[p]; e < end; e++)
            {
                int c = h.ConfigOf[e];
                switch (h.Kind[e])
                {
                    case EventKind.DeliverConf when h.IsTransitional(c) && h.RegularOf[c] == regular:
                        break;
                    case EventKind.DeliverConf:
                        if (!failed && Undelivered(context, p, regular, sends, e) is { } violation) return violation;
                        (regular, failed) = (h.RegularOf[c], false);
                        sends.Clear();
                        break;
                    case EventKind.Send when regular >= 0:
                        sends.Add(e);
                        break;
                    case EventKind.Fail when h.RegularOf[c] == regular:
                        failed = true;
                        break;
                }
            }
            if (h.Quiescent && !failed && Undelivered(context, p, regular, sends, end - 1) is { } atEnd) return atEnd;
        }
        return null;
    }

    /// <summary>The first of <paramref name="sends"/> (made in <paramref name="regular"/>) that p did not deliver in com_p(regular).</summary>
    private Violation? Undelivered(CheckContext context, int p, int regular, List<int> sends, int leaving)
    {
        var h = context.History;
        foreach (int s in sends)
        {
            bool delivered = false;
            foreach (int d in h.DeliveriesOf(h.MessageOf[s]))
                delivered |= h.ProcessOf[d] == p && h.RegularOf[h.ConfigOf[d]] == regular;
            if (!delivered)
                return context.Violation(this, $"{h.Processes[p]} sends {h.Messages[h.MessageOf[s]]} in {h.Configurations[regular]} and moves on without delivering it or failing", s, leaving);
        }
        return null;
    }
}

/// <summary>
/// Specification 4: "If there exist deliver_conf_p(c), deliver_conf_p(c'''), deliver_conf_q(c),
/// deliver_conf_q(c''') and deliver_p(m, c) such that deliver_conf_p(c) -> deliver_conf_p(c'''),
/// where c != c''', and there does not exist deliver_conf_p(c') such that deliver_conf_p(c) ->
/// deliver_conf_p(c') -> deliver_conf_p(c'''), where c != c' and c' != c''', and there does not
/// exist deliver_conf_q(c'') such that deliver_conf_q(c) -> deliver_conf_q(c'') ->
/// deliver_conf_q(c'''), where c != c'' and c'' != c''', then there exists deliver_q(m, c)."
/// <para>Groups the processes by each pair of consecutive configurations (c, c''') they install;
/// within a group every process must have delivered the same set of messages in c. On a
/// quiescent trace the processes that end in c without failing count as proceeding together
/// to one final step, since the run settled with nothing in flight.</para>
/// </summary>
internal sealed class Spec4FailureAtomicity : Specification
{
    private const int EndOfRun = -1;

    public override string Spec => "4";
    public override string Title => "Processes that proceed together from c to c''' deliver the same messages in c";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        var (first, other) = (new DeliveredMessages(h.Messages.Length), new DeliveredMessages(h.Messages.Length));
        foreach (var together in Steps(h).Values.Where(g => g.Count > 1))
        {
            first.Take(h, together[0]);
            for (int i = 1; i < together.Count; i++)
            {
                other.Take(h, together[i]);
                if (first.FirstNotIn(h, other) is { } onlyFirst)
                    return Missing(context, onlyFirst, together[i]);
                if (other.FirstNotIn(h, first) is { } onlyOther)
                    return Missing(context, onlyOther, together[0]);
            }
        }
        return null;
    }

    /// <summary>For each pair (c, c''') of consecutive configurations, the steps (deliver_conf_p(c), the next event) of the processes taking it.</summary>
    private static Dictionary<(int C, int Next), List<(int From, int To)>> Steps(History h)
    {
        var steps = new Dictionary<(int, int), List<(int, int)>>();
        void Add(int c, int next, int from, int to)
        {
            if (!steps.TryGetValue((c, next), out var list)) steps[(c, next)] = list = [];
            list.Add((from, to));
        }
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int previous = -1;
            bool failedSince = false;
            for (int e = h.ProcessStart[p]; e < h.ProcessStart[p + 1]; e++)
            {
                if (h.Kind[e] == EventKind.Fail) failedSince = true;
                if (h.Kind[e] != EventKind.DeliverConf) continue;
                if (previous >= 0) Add(h.ConfigOf[previous], h.ConfigOf[e], previous, e);
                (previous, failedSince) = (e, false);
            }
            if (h.Quiescent && previous >= 0 && !failedSince) Add(h.ConfigOf[previous], EndOfRun, previous, h.ProcessStart[p + 1]);
        }
        return steps;
    }

    /// <summary>
    /// The messages a process delivers in one step's configuration, between the step's deliver_conf
    /// and its next event: the first delivery of each, in local order, and a mark per message that says
    /// which are in. The marks of a step taken before are left behind by counting steps, not cleared.
    /// </summary>
    private sealed class DeliveredMessages(int messages)
    {
        private readonly List<int> _deliveries = [];
        private readonly int[] _takenIn = new int[messages]; // for each message, the last step it was delivered in
        private int _step;

        /// <summary>Takes the deliveries of the step from <paramref name="step"/>.From to .To, in From's configuration.</summary>
        public void Take(History h, (int From, int To) step)
        {
            _step++;
            _deliveries.Clear();
            for (int e = step.From + 1; e < step.To; e++)
            {
                if (h.Kind[e] != EventKind.Deliver || h.ConfigOf[e] != h.ConfigOf[step.From] || Contains(h.MessageOf[e])) continue;
                _takenIn[h.MessageOf[e]] = _step;
                _deliveries.Add(e);
            }
        }

        /// <summary>Whether message m is delivered in the step.</summary>
        public bool Contains(int m) => _takenIn[m] == _step;

        /// <summary>The first delivery of a message that <paramref name="other"/> does not deliver, or null when there is none.</summary>
        public int? FirstNotIn(History h, DeliveredMessages other)
        {
            foreach (int e in _deliveries) if (!other.Contains(h.MessageOf[e])) return e;
            return null;
        }
    }

    private Violation Missing(CheckContext context, int delivery, (int From, int To) other)
    {
        var h = context.History;
        var witnesses = new List<int> { delivery, other.From };
        if (other.To < h.Count && h.ProcessOf[other.To] == h.ProcessOf[other.From]) witnesses.Add(other.To);
        return context.Violation(this, $"{h.ProcessName(delivery)} and {h.ProcessName(other.From)} proceed together from {h.ConfigName(other.From)}, but only {h.ProcessName(delivery)} delivers {h.MessageName(delivery)} in it", witnesses);
    }
}
