// Named groups, judged: the paper's specifications hold per group when each group's views are
// taken as its configurations and its data messages as its messages. The ring's trace is the
// contract (docs/TRACE.md, "Groups"): its send and deliver lines carry each message's group
// envelope, so replaying every process's ring events through the same GroupLayer that ran gives
// back each group's history, which the same checker then judges.
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Reference.Groups;

/// <summary>One group's history: its views, sends, deliveries and failures, as an evs-trace.</summary>
/// <param name="Group">The group's name.</param>
/// <param name="Trace">Its history, under the ring trace's header; events are numbered per process within the group.</param>
public sealed record GroupHistory(string Group, EvsTrace Trace);

/// <summary>The verdicts on one group's history.</summary>
public sealed record GroupReport(string Group, CheckReport Report);

/// <summary>Projects a ring's trace onto its groups, and judges them.</summary>
public static class GroupHistories
{
    /// <summary>
    /// The history of every group the trace's messages name, in ordinal order of the names. Each
    /// process's ring events, in its own order, go through a <see cref="GroupLayer"/> of its own (a
    /// new one after each ring failure: groups are volatile); the layer's group events, stamped with
    /// the time of the ring event that caused them and carrying its payload digest, are the group's.
    /// </summary>
    public static IReadOnlyList<GroupHistory> Project(EvsTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var senders = new Dictionary<MessageId, ProcessId>();
        foreach (var e in trace.Events)
            if (e is Send s) senders.TryAdd(s.Message, s.Process);
        var byGroup = new SortedDictionary<string, List<EvsEvent>>(StringComparer.Ordinal);
        foreach (var process in trace.Events.GroupBy(e => e.Process).OrderBy(g => g.Key, ProcessId.Ordinal))
            Replay(process.Key, [.. process.OrderBy(e => e.Index)], senders, byGroup);
        return [.. byGroup.Select(kv => new GroupHistory(kv.Key, new EvsTrace(trace.Header, kv.Value)))];
    }

    /// <summary>The verdict on every specification for each group of <paramref name="trace"/> (none when it has no group messages).</summary>
    public static IReadOnlyList<GroupReport> Check(EvsTrace trace) =>
        [.. Project(trace).Select(h => new GroupReport(h.Group, SpecificationChecker.Check(h.Trace)))];

    private static void Replay(ProcessId process, List<EvsEvent> events, Dictionary<MessageId, ProcessId> senders, SortedDictionary<string, List<EvsEvent>> byGroup)
    {
        var layer = new GroupLayer(process);
        var outputs = new List<GroupOutput>();
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            outputs.Clear();
            layer.Handle(InputOf(e, senders), outputs);
            string? hash = e switch { Send s => s.Hash, Deliver d => d.Hash, _ => null };
            foreach (var output in outputs)
                if (GroupEvent(output, process, e.Time, hash, next) is var (group, groupEvent))
                    (byGroup.TryGetValue(group, out var list) ? list : byGroup[group] = []).Add(groupEvent);
        }
    }

    // Who sent a message: its send line, or, for a trace without it, the sender its identifier names (this project's ids do).
    private static ProcessId SenderOf(MessageId message, Dictionary<MessageId, ProcessId> senders) =>
        senders.TryGetValue(message, out var sender) ? sender : message.Sender ?? new ProcessId(message.Name);

    // The ring event as the layer's input: the group envelope rebuilt from the trace's tag, without
    // the application's payload, which no specification reads.
    private static GroupInput InputOf(EvsEvent e, Dictionary<MessageId, ProcessId> senders) => e switch
    {
        DeliverConf c => new RingConfigurationInstalled(new Configuration(c.Conf, c.Kind, c.Members, c.PreviousRegular, c.Primary)),
        Send s => new RingMessageSent(s.Message, s.Service, EnvelopeOf(s.Group)),
        Deliver d => new RingMessageDelivered(d.Message, SenderOf(d.Message, senders), d.Service, EnvelopeOf(d.Group)),
        _ => new RingFailed(),
    };

    private static GroupEnvelope? EnvelopeOf(GroupTag? tag) => tag is null ? null : new(tag.Op, tag.Group, tag.Stamp, tag.Groups, []);

    // A group event of the paper's model, numbered in its process's order within the group.
    private static (string Group, EvsEvent Event)? GroupEvent(GroupOutput output, ProcessId p, double time, string? hash, Dictionary<string, long> next)
    {
        long Index(string group)
        {
            long i = next.GetValueOrDefault(group);
            next[group] = i + 1;
            return i;
        }
        return output switch
        {
            GroupViewInstalled v => (v.Group, new DeliverConf(p, Index(v.Group), time, v.View.Id, v.View.Kind, v.View.Members, v.View.PreviousRegular)),
            GroupMessageSent s => (s.Group, new Send(p, Index(s.Group), time, s.Message, s.View, s.Service, hash)),
            GroupMessageDelivered d => (d.Group, new Deliver(p, Index(d.Group), time, d.Message, d.View, d.Service, hash)),
            GroupFailed f => (f.Group, new Fail(p, Index(f.Group), time, f.View)),
            _ => null,
        };
    }
}
