// The checker must judge long runs. This generator makes a large legal trace of the simplest
// shape: a few processes in one regular configuration, each message sent by one of them, in
// turn, and delivered by all in one order.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace SpecTests.Checking;

public static class LargeTrace
{
    /// <summary>About <paramref name="events"/> events of <paramref name="processes"/> processes in one regular configuration, settled at the end.</summary>
    public static EvsTrace Steady(int processes, int events)
    {
        var members = Enumerable.Range(1, processes).Select(k => new ProcessId($"p{k}")).ToImmutableArray();
        var conf = new ConfigurationId("R1.p1");
        var next = new long[processes];
        var list = new List<EvsEvent>(events + processes * 2);
        double time = 0;
        for (int k = 0; k < processes; k++)
            list.Add(new DeliverConf(members[k], next[k]++, time, conf, ConfigurationKind.Regular, members, null, true));
        for (int m = 0; list.Count + processes + 1 <= events; m++)
        {
            int sender = m % processes;
            var id = MessageId.Of(members[sender], 1, m / processes);
            var service = m % 2 == 0 ? DeliveryService.Agreed : DeliveryService.Safe;
            string hash = (m * 2654435761u).ToString("x8");
            list.Add(new Send(members[sender], next[sender]++, time += 0.01, id, conf, service, hash));
            for (int k = 0; k < processes; k++)
                list.Add(new Deliver(members[k], next[k]++, time += 0.01, id, conf, service, hash));
        }
        return new EvsTrace(new TraceHeader("sim", 1, "large-steady", Quiescent: true), list);
    }
}
