// Section 2.1, "Causal Delivery", Specification 5: causality is local to one configuration;
// if m is sent before m' in c and a process delivers m', it delivered m first.
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking.Specifications;

/// <summary>
/// Specification 5: "If there exist send_p(m, c), send_q(m', c) and deliver_r(m', com_r(c)) such
/// that send_p(m, c) -> send_q(m', c), then there exists deliver_r(m, com_r(c)) such that
/// deliver_r(m, com_r(c)) -> deliver_r(m', com_r(c))."
/// <para>The paper notes that this precedence "is contained in the transitive closure of the
/// precedes relations established by Specifications 1.1-1.3", so it is read from layer 1 of
/// <see cref="PrecedesRelation"/>, without a transitive closure: the vector clock of send_q(m', c)
/// gives, for every process p, the last event of p that precedes it, so the sends of p in c that
/// precede it are a prefix of p's sends in c. Walking r's deliveries in com_r(c) in local order
/// while tracking, per sender, how long a prefix of its sends in c r has delivered, each
/// delivery of m' needs every such prefix delivered already. Not judged when layer 1 has a
/// cycle (1.1), since -> is then no order.</para>
/// </summary>
internal sealed class Spec5CausalDelivery : Specification
{
    public override string Spec => "5";
    public override string Title => "If m is sent before m' in c, whoever delivers m' delivered m before it";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        if (context.Precedes.Basic.Order is null) return null;
        var clocks = context.SendClocks;
        var sends = new SendsByConfiguration(h);
        var deliveredBy = new int[h.Count]; // for each send event, 1 + the last process found to have delivered it
        for (int r = 0; r < h.Processes.Length; r++)
        {
            var prefixes = new Dictionary<int, DeliveredPrefixes>();
            for (int e = h.ProcessStart[r]; e < h.ProcessStart[r + 1]; e++)
            {
                if (h.Kind[e] != EventKind.Deliver) continue;
                int s = h.SendOf[h.MessageOf[e]], c = h.RegularOf[h.ConfigOf[e]];
                if (s < 0 || h.ConfigOf[s] != c) continue; // not sent in reg(c): 1.3's to report
                if (!prefixes.TryGetValue(c, out var delivered)) prefixes[c] = delivered = new DeliveredPrefixes(sends.Of(c), deliveredBy, r);
                if (delivered.FirstMissingBefore(h, s, clocks.Of(s)) is { } missing)
                    return context.Violation(this, $"send of {h.MessageName(missing)} -> send of {h.MessageName(s)} in {h.Configurations[c]}, but {h.Processes[r]} delivers the latter without having delivered the former", missing, s, e);
                delivered.Add(h, s);
            }
        }
        return null;
    }

    /// <summary>The send events of each configuration, per sending process, in local order.</summary>
    private sealed class SendsByConfiguration(History h)
    {
        private readonly Dictionary<int, List<int>[]> _byConfiguration = Build(h);

        public List<int>[] Of(int c) => _byConfiguration[c];

        private static Dictionary<int, List<int>[]> Build(History h)
        {
            var result = new Dictionary<int, List<int>[]>();
            for (int e = 0; e < h.Count; e++)
            {
                if (h.Kind[e] != EventKind.Send) continue;
                if (!result.TryGetValue(h.ConfigOf[e], out var perProcess))
                {
                    result[h.ConfigOf[e]] = perProcess = new List<int>[h.Processes.Length];
                    for (int p = 0; p < perProcess.Length; p++) perProcess[p] = [];
                }
                perProcess[h.ProcessOf[e]].Add(e);
            }
            return result;
        }
    }

    /// <summary>
    /// What process r has delivered of one configuration's sends: per sender, how long a prefix
    /// without gaps. Which sends r delivered is marked in <c>deliveredBy</c>, shared by all of r's
    /// configurations (a send is of one configuration) and then by the next process's walk.
    /// </summary>
    private sealed class DeliveredPrefixes(List<int>[] sends, int[] deliveredBy, int r)
    {
        private readonly int[] _prefix = new int[sends.Length];

        /// <summary>
        /// The first send that precedes send <paramref name="s"/> (by its vector clock) and is not
        /// delivered yet. A sender's sends are in local order, so those that precede s are a prefix of
        /// them, and one is missing exactly when the first send after the delivered prefix is in it.
        /// </summary>
        public int? FirstMissingBefore(History h, int s, ReadOnlySpan<int> clock)
        {
            for (int p = 0; p < sends.Length; p++)
            {
                // The sender's own earlier sends precede s; for the others the clock says how far.
                int last = p == h.ProcessOf[s] ? s - 1 : clock[p];
                if (_prefix[p] < sends[p].Count && sends[p][_prefix[p]] <= last) return sends[p][_prefix[p]];
            }
            return null;
        }

        public void Add(History h, int s)
        {
            deliveredBy[s] = r + 1;
            int p = h.ProcessOf[s];
            while (_prefix[p] < sends[p].Count && deliveredBy[sends[p][_prefix[p]]] == r + 1) _prefix[p]++;
        }
    }
}
