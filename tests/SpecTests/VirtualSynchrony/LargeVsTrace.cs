// The virtual synchrony checker must judge long filtered runs. This generator makes a large legal
// VS history with everything the checker has to follow: views that change, a process that fails
// having missed deliveries (so Extend has work to do) and sent a message nobody else delivered (so
// the revision has), the process's recovery under a new id, and cbcast and abcast traffic.
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;

namespace SpecTests.VirtualSynchrony;

public static class LargeVsTrace
{
    private const int Processes = 5;

    /// <summary>
    /// About <paramref name="events"/> events of five processes in four views, settled at the end:
    /// in R1.p1#0 all five; p5 then misses the last deliveries, sends one message only it delivers,
    /// and stops; R2.p1#0 has p1-p4; R3.p1#0 keeps them and R3.p1#1 merges p5 again as p5~1. Each
    /// message is delivered by every member of its view in one global order; two messages out of
    /// three are abcast.
    /// </summary>
    public static VsTrace Generate(int events)
    {
        var builder = new Builder(events);
        string[] all = ["p1", "p2", "p3", "p4", "p5"], four = ["p1", "p2", "p3", "p4"], again = ["p1", "p2", "p3", "p4", "p5~1"];
        int perPhase = events / (Processes + 1) / 3;

        builder.View("R1.p1#0", all, all);
        builder.Traffic(all, perPhase, missedBy: "p5", missed: 3);
        builder.Send("p5", VsService.Cbcast, deliveredBy: ["p5"]);
        builder.Stop("p5");
        builder.View("R2.p1#0", four, four);
        builder.Traffic(four, perPhase);
        builder.View("R3.p1#0", four, four);
        builder.View("R3.p1#1", four, again);
        builder.View("R3.p1#1", ["p5~1"], again);
        builder.Traffic(again, perPhase);
        return new VsTrace(new VsTraceHeader("generated", null, "large", Quiescent: true), builder.Events);
    }

    private sealed class Builder(int capacity)
    {
        private readonly Dictionary<string, long> _next = [];
        private readonly Dictionary<string, long> _sent = [];
        private double _time;
        private int _messages;

        public List<VsEvent> Events { get; } = new(capacity + 64);

        public void View(string view, string[] installers, string[] members)
        {
            foreach (var p in installers) Events.Add(new ViewChange(p, Next(p), _time += 0.01, view, [.. members]));
        }

        /// <summary><paramref name="count"/> messages sent round-robin, each delivered by all members but <paramref name="missedBy"/> the last <paramref name="missed"/>.</summary>
        public void Traffic(string[] members, int count, string? missedBy = null, int missed = 0)
        {
            for (int k = 0; k < count; k++)
            {
                var service = _messages % 3 == 2 ? VsService.Cbcast : VsService.Abcast;
                var deliveredBy = k >= count - missed ? members.Where(m => m != missedBy).ToArray() : members;
                Send(members[k % members.Length], service, deliveredBy);
            }
        }

        public void Send(string sender, VsService service, string[] deliveredBy)
        {
            _messages++;
            var id = new MessageId($"{sender}.{_sent[sender] = _sent.GetValueOrDefault(sender) + 1}");
            Events.Add(new VsSend(sender, Next(sender), _time += 0.01, id, service));
            foreach (var p in deliveredBy) Events.Add(new VsDeliver(p, Next(p), _time += 0.01, id, service));
        }

        public void Stop(string p) => Events.Add(new Stop(p, Next(p), _time += 0.01));

        private long Next(string p)
        {
            long index = _next.GetValueOrDefault(p);
            _next[p] = index + 1;
            return index;
        }
    }
}
