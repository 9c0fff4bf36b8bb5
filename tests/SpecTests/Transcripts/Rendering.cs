// How a transcript spells what the protocol does: packets, a node's outputs, and its snapshot, each
// on one compact line (or a few, for a snapshot), always the same way for the same thing, so that a
// story can be read as a conversation and a change in behaviour shows as a changed line. The
// paper's words are kept where it has them: deliver, deliver_conf, regular and transitional
// configurations, obligation set, rebroadcast; Totem's where it does not (token, join, commit,
// proc and fail sets). A message is called by the label its application gave it (its payload),
// with its identifier and service in parentheses where it is sent, carried or delivered.
using System.Text;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;

namespace SpecTests.Transcripts;

/// <summary>The one-line spellings of a transcript.</summary>
public static class Rendering
{
    /// <summary>A set of processes: <c>{p,q,r}</c>.</summary>
    public static string Set(IEnumerable<ProcessId> processes) =>
        "{" + string.Join(",", processes.Order(ProcessId.Ordinal)) + "}";

    /// <summary>A list of processes in the order given: <c>[q,r]</c>.</summary>
    public static string List(IEnumerable<ProcessId> processes) => "[" + string.Join(",", processes) + "]";

    /// <summary>The label the application gave a message: its payload, as text.</summary>
    public static string Label(byte[] payload) => Encoding.UTF8.GetString(payload);

    /// <summary>A message as its application knows it: <c>l (p.1.1 safe)</c>.</summary>
    public static string Message(byte[] payload, MessageId id, DeliveryService service) =>
        $"{Label(payload)} ({id} {service.ToName()})";

    /// <summary>A packet on the wire.</summary>
    public static string Packet(Packet packet) => packet switch
    {
        JoinMessage j => $"join proc={Set(j.ProcSet)} fail={Set(j.FailSet)} last={j.Ring} max-seq={j.HighestRingSequence}",
        CommitToken c => $"commit {c.Ring} members={Set(c.Members)} rotation={c.Rotation} written={List(c.Infos.Select(i => i.Process))}",
        Token t => Token(t),
        RegularMessage m => $"msg {m.Ring} seq={m.Seq} {Message(m.Payload, m.Id, m.Service)}",
        RecoveredMessage r => $"rebroadcast {r.Ring} seq={r.Seq} of {r.Original.Ring} seq={r.Original.Seq} {Message(r.Original.Payload, r.Original.Id, r.Original.Service)}",
        MergeDetect d => $"merge-detect {d.Ring}",
        TokenHoldCancel h => $"hold-cancel {h.Ring}",
        HearingReport h => $"hearing {h.Ring} members={Set(h.Members)} heard={Set(h.Heard)}",
        _ => packet.ToString(),
    };

    // The token's fields that matter at this moment: the ordering ones always, the others when set.
    private static string Token(Token t)
    {
        var text = new StringBuilder($"token {t.Ring} hop={t.TokenSeq} seq={t.Seq} aru={t.Aru}");
        if (!t.RetransmissionRequests.IsEmpty) text.Append($" retransmit=[{string.Join(",", t.RetransmissionRequests)}]");
        if (t.FlowControlCount != 0) text.Append($" fcc={t.FlowControlCount}");
        if (t.SendBacklog != 0) text.Append($" send-backlog={t.SendBacklog}");
        if (t.RecoverySeq != 0) text.Append($" recovery-seq={t.RecoverySeq}");
        if (t.Backlog != 0) text.Append($" backlog={t.Backlog}");
        if (t.PendingInstalls != 0) text.Append($" not-installed={t.PendingInstalls}");
        if (t.LeaderInstalled) text.Append(" leader-installed");
        return text.ToString();
    }

    /// <summary>One output of a node, or null for a timer (timers are shown as what changes in the set running, <see cref="Timers"/>).</summary>
    public static string? Output(NodeOutput output) => output switch
    {
        PersistState s => $"persist max-seq={s.State.HighestRingSequence} last={s.State.LastConfiguration?.ToString() ?? "none"}",
        Broadcast b => $"to all: {Packet(b.Packet)}",
        Unicast u => $"to {u.To}: {Packet(u.Packet)}",
        MessageSent s => $"sent {Message(s.Payload, s.Message, s.Service)} in {s.Configuration}",
        MessageDelivered d => $"deliver {Message(d.Payload, d.Message, d.Service)} in {d.Configuration}",
        ConfigurationDelivered c => $"deliver_conf {Configuration(c.Configuration)}",
        PrimaryComponentInstalled p => $"primary component {p.Configuration}",
        StartTimer or StopTimer => null,
        _ => output.ToString(),
    };

    /// <summary>A configuration as a configuration change message announces it: <c>transitional T2.q/R1.p {q,r}</c>.</summary>
    public static string Configuration(Configuration c)
    {
        string kind = c.Kind == ConfigurationKind.Regular ? "regular" : "transitional";
        string primary = c.Primary switch { true => " primary", false => " non-primary", null => "" };
        return $"{kind} {c.Id} {Set(c.Members)}{primary}";
    }

    /// <summary>What changed in the set of timers running: <c>+join +consensus -token-loss</c>, or null if nothing did.</summary>
    public static string? Timers(IReadOnlySet<TimerKind> before, IReadOnlySet<TimerKind> after)
    {
        var changes = Enum.GetValues<TimerKind>()
            .Where(t => before.Contains(t) != after.Contains(t))
            .Select(t => (after.Contains(t) ? "+" : "-") + TimerName(t))
            .ToList();
        return changes.Count == 0 ? null : "timers " + string.Join(" ", changes);
    }

    /// <summary>A timer's name in a transcript: <c>token-loss</c>.</summary>
    public static string TimerName(TimerKind timer) => timer switch
    {
        TimerKind.TokenRetransmit => "token-retransmit",
        TimerKind.TokenLoss => "token-loss",
        TimerKind.Join => "join",
        TimerKind.Consensus => "consensus",
        TimerKind.MergeDetect => "merge-detect",
        TimerKind.TokenHold => "token-hold",
        TimerKind.HearingReport => "hearing-report",
        _ => timer.ToString(),
    };

    /// <summary>Why a process gathers, in words.</summary>
    public static string Reason(GatherReason? reason) => reason switch
    {
        GatherReason.Start => "start",
        GatherReason.TokenLoss => "token loss",
        GatherReason.ForeignProcess => "foreign process",
        GatherReason.JoinReceived => "join received",
        GatherReason.RecoveryInterrupted => "recovery interrupted",
        GatherReason.Recovered => "recovered",
        GatherReason.FailedToReceive => "failed to receive",
        _ => "?",
    };

    /// <summary>
    /// A node's snapshot, a few lines: its state, its regular ring, its round of Gather or its
    /// recovery attempt (the exchanged information, the transitional members, what it still has to
    /// rebroadcast, the proposed ring), its obligation set, what waits to be sent, its timers.
    /// <paramref name="labels"/> names the messages the attempt still has to rebroadcast.
    /// </summary>
    public static IEnumerable<string> Snapshot(NodeSnapshot s, IReadOnlySet<TimerKind> timers, IReadOnlyDictionary<MessageId, string> labels)
    {
        yield return $"{s.Id}: {s.State}" + (s.State == MembershipState.Gather ? $" ({Reason(s.LastGatherReason)})" : "");
        if (s.Regular is { } regular) yield return "  regular " + Ring(regular);
        if (s.Gather is { } gather)
            yield return $"  gather proc={Set(gather.ProcSet)} fail={Set(gather.FailSet)} consensus={(gather.Consensus ? "yes" : "no")}";
        if (s.Recovery is { } attempt)
            foreach (var line in Attempt(attempt, labels)) yield return "  " + line;
        yield return $"  obligations {s.Obligations}";
        if (s.PendingSends > 0) yield return $"  waiting to be sent: {s.PendingSends}";
        if (s.IgnoredPackets > 0) yield return $"  packets ignored: {s.IgnoredPackets}";
        yield return "  timers " + (timers.Count == 0 ? "none" : string.Join(" ", Enum.GetValues<TimerKind>().Where(timers.Contains).Select(TimerName)));
    }

    private static IEnumerable<string> Attempt(RecoverySnapshot a, IReadOnlyDictionary<MessageId, string> labels)
    {
        string step = a.Step switch
        {
            RecoveryStep.Exchanging => "step 3 (exchanging)",
            RecoveryStep.Rebroadcasting => "step 5 (rebroadcasting)",
            _ => "step 6 done (installed)",
        };
        yield return $"attempt {a.ProposedRing} members={Set(a.Members)} {step} install-leader={a.InstallLeader}";
        foreach (var info in a.Exchanged) yield return "  exchanged " + Info(info);
        if (a.Step != RecoveryStep.Exchanging)
            yield return $"  transitional {Set(a.Transitional)}, to rebroadcast [{string.Join(" ", a.ToRebroadcast.Select(id => labels.GetValueOrDefault(id, id.Name)))}]";
        if (a.Ring is { } ring) yield return "  proposed " + Ring(ring);
    }

    /// <summary>What one member supplied in step 3.</summary>
    public static string Info(MemberInfo i) =>
        $"{i.Process}: last={i.OldConfiguration?.Id.ToString() ?? "none"} aru={i.MyAru} seen={i.HighestSeen} safe={i.ReceivedByAll} delivered={i.DeliveredUpTo} obligations={i.Obligations}";

    // One ring as a process holds it: its configuration, the messages it holds, its counters.
    private static string Ring(RingSnapshot r)
    {
        var text = new StringBuilder($"{r.Ring} {Set(r.Configuration.Members)}");
        if (!r.Installed) text.Append(" not installed");
        text.Append($" held=[{string.Join(" ", r.Held.Select(Held))}] aru={r.MyAru} seen={r.HighestSeen} delivered={r.DeliveredUpTo} safe={r.ReceivedByAll}");
        if (r.TokenHeld) text.Append(" token held");
        return text.ToString();
    }

    private static string Held(RingMessage m) => m switch
    {
        RegularMessage r => $"{r.Seq}:{Label(r.Payload)}",
        RecoveredMessage r => $"{r.Seq}:rebroadcast({Label(r.Original.Payload)})",
        _ => m.Seq.ToString(),
    };

    /// <summary>The labels of messages, from what their senders' applications gave.</summary>
    public static IEnumerable<KeyValuePair<MessageId, string>> LabelsOf(IEnumerable<NodeOutput> outputs) =>
        outputs.OfType<MessageSent>().Select(s => KeyValuePair.Create(s.Message, Label(s.Payload)));
}
