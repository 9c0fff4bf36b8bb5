// The commands of a transcript, carried out on real protocol nodes (the same sans-IO TotemNode the
// simulator and the UDP runtime drive) joined by the library's HandNetwork: every packet waits until
// a command hands it on, every timer fires only when a command says so. So a story of the paper's
// Section 3 (a join during Gather, a token lost in Commit, a failure during step 5, the case of
// Section 3.2) can be told one packet at a time, and what each process does in answer is written
// under the command that caused it. README.md in this folder lists the commands.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Simulation;

namespace SpecTests.Transcripts;

/// <summary>A command of a transcript that cannot be carried out as written.</summary>
public sealed class StoryException(string message) : Exception(message);

/// <summary>The processes of one transcript, and the commands that drive them.</summary>
public sealed class Story
{
    // Enough packets for any story of a few processes to settle; a story that goes on longer is
    // one whose ring never becomes idle, which is worth an error rather than a hang.
    private const int StabilizeLimit = 5_000;

    private HandNetwork? _net;
    private readonly Dictionary<ProcessId, CrashableNode> _nodes = new();
    private readonly Dictionary<MessageId, string> _labels = new();
    private readonly HashSet<ProcessId> _cut = new();

    /// <summary>Carries out one command; returns what happened, line by line.</summary>
    public IReadOnlyList<string> Run(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var args = words[1..];
        if (words[0] != "nodes" && _net is null) throw new StoryException("the story must begin with \"nodes p q r\"");
        return words[0] switch
        {
            "nodes" => Nodes(args),
            "start" => Start(args),
            "start-in-ring" => StartInRing(args),
            "send" => Send(args),
            "deliver" => Deliver(Select(args)),
            "deliver-all" => Deliver(Everything(args)),
            "lose" => Lose(Select(args)),
            "cut" => Cut(args),
            "heal" => Heal(args),
            "crash" => Crash(args),
            "restart" => Restart(args),
            "fire" => Fire(args),
            "stabilize" => Stabilize(args),
            "state" => State(args),
            "waiting" => Waiting(Everything(args)),
            _ => throw new StoryException($"unknown command \"{words[0]}\""),
        };
    }

    private HandNetwork Net => _net!;

    // ---- the commands ----

    // nodes p q r [hold-after=N]: the processes, none started; the simulator's settings, with the
    // token held at the representative after N idle rotations when given.
    private List<string> Nodes(string[] args)
    {
        if (_net is not null) throw new StoryException("\"nodes\" comes once, first");
        var settings = TotemSettings.Simulation;
        var names = new List<ProcessId>();
        foreach (var arg in args)
        {
            if (arg.StartsWith("hold-after=", StringComparison.Ordinal))
                settings = settings with { IdleRotationsBeforeHold = Number(arg["hold-after=".Length..]) };
            else
                names.Add(Process(arg, known: false));
        }
        if (names.Count == 0) throw new StoryException("\"nodes\" names at least one process");
        foreach (var p in names) _nodes[p] = new CrashableNode(p, () => new TotemNode(p, settings));
        _net = new HandNetwork(_nodes.Values);
        return [];
    }

    // start p q r: a first start, each expecting the others named (the first Gather waits for them).
    private List<string> Start(string[] args)
    {
        var processes = Processes(args);
        var expected = processes.ToHashSet();
        return [.. processes.SelectMany(p => Step(p, () => Net.Input(p, new Start(expected))))];
    }

    // start-in-ring p q r: the ring R1.<lowest> formed beforehand, skipping membership.
    private List<string> StartInRing(string[] args)
    {
        var processes = Processes(args);
        var members = processes.Order(ProcessId.Ordinal).ToArray();
        var ring = new RingId(1, members[0]);
        return [.. processes.SelectMany(p => Step(p, () => Net.Input(p, new StartInRing(ring, [.. members]))))];
    }

    // send p safe l: p's application sends a message labelled l (its payload) with that service.
    private List<string> Send(string[] args)
    {
        if (args.Length != 3 || !DeliveryServiceNames.TryParse(args[1], out var service))
            throw new StoryException("usage: send <process> causal|agreed|safe <label>");
        var p = Process(args[0]);
        return Step(p, () => Net.Input(p, new SendRequested(System.Text.Encoding.UTF8.GetBytes(args[2]), service)));
    }

    // deliver <selection>: hands on, oldest first, the packets waiting now that the selection picks.
    private List<string> Deliver(Func<InFlight, bool> which)
    {
        var chosen = Net.Waiting.Where(which).ToList();
        if (chosen.Count == 0) return ["(no such packet is waiting)"];
        var lines = new List<string>();
        foreach (var packet in chosen) lines.AddRange(HandOn(IndexOf(packet), brief: false));
        return lines;
    }

    // lose <selection>: the packets waiting now that the selection picks are lost.
    private List<string> Lose(Func<InFlight, bool> which)
    {
        var lost = Net.Waiting.Where(which).ToList();
        if (lost.Count == 0) return ["(no such packet is waiting)"];
        Net.Lose(f => lost.Any(l => ReferenceEquals(l, f)));
        return [.. lost.Select(f => $"{Header(f)}  (lost)")];
    }

    // cut p: from now on every packet between p and the others is lost, until "heal". (Not
    // HandNetwork.CutOff, which is for good: a story of a merge needs the components to hear each
    // other again.)
    private List<string> Cut(string[] args)
    {
        foreach (var p in Processes(args)) _cut.Add(p);
        return [];
    }

    // heal: every process hears every other again.
    private List<string> Heal(string[] args)
    {
        Everything(args);
        _cut.Clear();
        return [];
    }

    // crash p: p loses everything but its stable storage; its timers die with it.
    private List<string> Crash(string[] args)
    {
        foreach (var p in Processes(args))
        {
            _nodes[p].Crash();
            Net.Timers[p].Clear();
        }
        return [];
    }

    // restart p: a new incarnation of p, from what its last one stored.
    private List<string> Restart(string[] args)
    {
        var lines = new List<string>();
        foreach (var p in Processes(args))
        {
            if (!_nodes[p].Down) throw new StoryException($"{p} has not crashed");
            _nodes[p].Revive();
            var saved = Net.Stored[p];
            lines.Add($"{p}: restarts from stable storage: " + (saved is null ? "nothing" : $"max-seq={saved.HighestRingSequence} last={saved.LastConfiguration?.ToString() ?? "none"}"));
            lines.AddRange(Step(p, () => Net.Input(p, new Restart(saved))));
        }
        return lines;
    }

    // fire p <timer>: p's timer expires, if it is running.
    private List<string> Fire(string[] args)
    {
        if (args.Length != 2) throw new StoryException("usage: fire <process> <timer>");
        var p = Process(args[0]);
        var timer = Enum.GetValues<TimerKind>().Where(t => Rendering.TimerName(t) == args[1]).Cast<TimerKind?>().FirstOrDefault()
            ?? throw new StoryException($"no timer is called \"{args[1]}\" (token-loss, token-retransmit, join, consensus, merge-detect, token-hold)");
        if (!Net.Timers[p].Contains(timer)) return [$"{p}: no {args[1]} timer is running"];
        return Step(p, () => Net.Fire(p, timer));
    }

    // stabilize [brief] [until <process> <state>]: hands on the oldest waiting packet until the
    // network is quiet, or until the process named is in the state named; brief shows only what
    // the applications saw and where the processes went.
    private List<string> Stabilize(string[] args)
    {
        bool brief = args.Length > 0 && args[0] == "brief";
        var until = Until(args[(brief ? 1 : 0)..]);
        var lines = new List<string>();
        for (int n = 0; !until() && !Quiet(); n++)
        {
            if (n == StabilizeLimit) throw new StoryException($"the network is still busy after {StabilizeLimit} packets");
            lines.AddRange(HandOn(0, brief));
        }
        return lines;
    }

    private Func<bool> Until(string[] args)
    {
        if (args.Length == 0) return () => false;
        var states = Enum.GetValues<MembershipState>().Where(s => args.Length == 3 && s.ToString() == args[2]).ToList();
        if (args[0] != "until" || states.Count != 1)
            throw new StoryException("usage: stabilize [brief] [until <process> Operational|Gather|Commit|Recovery]");
        var (node, state) = (_nodes[Process(args[1])], states[0]);
        return () => node.Running && node.State == state;
    }

    // state [p ...]: what each process shows of itself (IProtocolNode.Snapshot).
    private List<string> State(string[] args)
    {
        var processes = args.Length == 0 ? _nodes.Keys.Order(ProcessId.Ordinal).ToList() : Processes(args);
        var lines = new List<string>();
        foreach (var p in processes)
        {
            var node = _nodes[p];
            if (node.Running) lines.AddRange(Rendering.Snapshot(node.Snapshot(), Net.Timers[p], _labels));
            else lines.Add($"{p}: {(node.Down ? "down" : "not started")}");
        }
        return lines;
    }

    // waiting: the packets on their way, oldest first.
    private List<string> Waiting(Func<InFlight, bool> which)
    {
        var waiting = Net.Waiting.Where(which).Select(Header).ToList();
        return waiting.Count == 0 ? ["(nothing is waiting)"] : waiting;
    }

    // ---- one step of one process, as lines ----

    // Hands on the packet at <index>, or loses it across a cut; the lines say what it was and
    // what its receiver did.
    private List<string> HandOn(int index, bool brief)
    {
        var packet = Net.Waiting[index];
        if (AcrossACut(packet))
        {
            Net.Lose(index);
            return brief ? [] : [$"{Header(packet)}  (lost: cut off)"];
        }
        bool running = _nodes[packet.To].Running;
        var reaction = Step(packet.To, () => Net.HandOn(index).Outputs, brief);
        if (brief) return reaction;
        string header = Header(packet) + (running ? "" : $"  (lost: {packet.To} is not running)");
        return [header, .. reaction.Select(line => "  " + line)];
    }

    // A packet to itself always arrives: a process is never cut off from itself.
    private bool AcrossACut(InFlight packet) => packet.From != packet.To && (_cut.Contains(packet.From) || _cut.Contains(packet.To));

    private static string Header(InFlight f) => $"{f.From} -> {f.To}  {Rendering.Packet(f.Packet)}";

    // What process <p> did in one step: where it went (its state), what it output, how its
    // obligation set and its running timers changed. Brief: where it went and what its
    // application saw, nothing of the network's or the timers'.
    private List<string> Step(ProcessId p, Func<IReadOnlyList<NodeOutput>> act, bool brief = false)
    {
        var node = _nodes[p];
        var before = node.Running ? node.Snapshot() : null;
        var timersBefore = Net.Timers[p].ToHashSet();
        var outputs = act();
        foreach (var (id, label) in Rendering.LabelsOf(outputs)) _labels[id] = label;
        var lines = new List<string>();
        if (!node.Running) return lines;
        var after = node.Snapshot();
        if (before?.State != after.State) lines.Add($"{p}: {Transition(before, after)}");
        if (before is not null && !brief && Dropped(before, after) is { } dropped) lines.Add($"{p}: {dropped}");
        foreach (var output in outputs)
            if (Rendering.Output(output) is { } line && (!brief || SeenByApplication(output))) lines.Add($"{p}: {line}");
        if (before is not null && !before.Obligations.Equals(after.Obligations)) lines.Add($"{p}: obligations {after.Obligations}");
        if (!brief && Rendering.Timers(timersBefore, Net.Timers[p]) is { } timers) lines.Add($"{p}: {timers}");
        return lines;
    }

    // A packet the node took no notice of: of no ring or round it is in, a token it had seen, a
    // message it held already. Said, so that a packet with no answer does not look lost.
    private static string? Dropped(NodeSnapshot before, NodeSnapshot after) =>
        after.IgnoredPackets > before.IgnoredPackets ? "ignored"
        : after.Counters.StaleTokens > before.Counters.StaleTokens ? "dropped as stale"
        : after.Counters.DuplicateMessages > before.Counters.DuplicateMessages ? "dropped as a duplicate"
        : null;

    private static bool SeenByApplication(NodeOutput output) =>
        output is MessageSent or MessageDelivered or ConfigurationDelivered or PrimaryComponentInstalled;

    // "Operational -> Gather (token loss)", with what the new state is about: the reason to gather,
    // the proposed ring, step 4's transitional members and rebroadcasts, the ring installed.
    private string Transition(NodeSnapshot? before, NodeSnapshot after)
    {
        string from = before is null ? "" : $"{before.State} -> ";
        string about = after.State switch
        {
            MembershipState.Gather => Rendering.Reason(after.LastGatherReason),
            MembershipState.Commit => $"proposed {after.Recovery!.ProposedRing} {Rendering.Set(after.Recovery.Members)}",
            MembershipState.Recovery => $"transitional {Rendering.Set(after.Recovery!.Transitional)}, to rebroadcast [{string.Join(" ", after.Recovery.ToRebroadcast.Select(id => _labels.GetValueOrDefault(id, id.Name)))}]",
            _ => $"{after.Regular!.Ring} {Rendering.Set(after.Regular.Configuration.Members)}",
        };
        return $"{from}{after.State} ({about})";
    }

    // ---- quiet: nothing left to do but pass an idle token round ----

    // Totem's token never stops, so "nothing moves" cannot mean "nothing waits": the network is
    // quiet when what waits is only idle tokens (TokenHold.LooksIdle), each of a ring whose running
    // members have nothing to send and have delivered everything the token has seen.
    private bool Quiet() => Net.Waiting.All(f => f.Packet is Token token && TokenHold.LooksIdle(token) && Settled(token));

    private bool Settled(Token token) => _nodes.Values
        .Where(n => n.Running && n.State == MembershipState.Operational)
        .Select(n => n.Snapshot())
        .Where(s => s.Regular?.Ring == token.Ring)
        .All(s => s.PendingSends == 0 && s.Regular!.DeliveredUpTo == token.Seq);

    // ---- reading the arguments ----

    private int IndexOf(InFlight packet)
    {
        for (int i = 0; i < Net.Waiting.Count; i++)
            if (ReferenceEquals(Net.Waiting[i], packet)) return i;
        throw new InvalidOperationException("the packet is no longer waiting");
    }

    // <to> | <from>-><to> | <from>->* | *-><to>, then optionally the kind of packet (join, commit,
    // token, msg, rebroadcast, merge-detect, hold-cancel), and for msg or rebroadcast a label.
    private Func<InFlight, bool> Select(string[] args)
    {
        if (args.Length is 0 or > 3) throw new StoryException("a selection is <to>, <from>-><to>, <from>->* or *-><to>, then optionally a kind of packet and a message's label");
        var ends = args[0].Split("->");
        Func<ProcessId, bool> from = ends.Length == 2 ? End(ends[0]) : _ => true;
        Func<ProcessId, bool> to = End(ends[^1]);
        Func<Packet, bool> kind = args.Length >= 2 ? Kind(args[1]) : _ => true;
        Func<Packet, bool> label = args.Length == 3 ? Labelled(args[1], args[2]) : _ => true;
        return f => from(f.From) && to(f.To) && kind(f.Packet) && label(f.Packet);
    }

    private static Func<Packet, bool> Labelled(string kind, string label) => kind switch
    {
        "msg" => p => p is RegularMessage m && Rendering.Label(m.Payload) == label,
        "rebroadcast" => p => p is RecoveredMessage r && Rendering.Label(r.Original.Payload) == label,
        _ => throw new StoryException("only a msg or a rebroadcast is picked by its label"),
    };

    private Func<ProcessId, bool> End(string name)
    {
        if (name == "*") return _ => true;
        var p = Process(name);
        return q => q == p;
    }

    private static Func<Packet, bool> Kind(string kind) => kind switch
    {
        "join" => p => p is JoinMessage,
        "commit" => p => p is CommitToken,
        "token" => p => p is Token,
        "msg" => p => p is RegularMessage,
        "rebroadcast" => p => p is RecoveredMessage,
        "merge-detect" => p => p is MergeDetect,
        "hold-cancel" => p => p is TokenHoldCancel,
        _ => throw new StoryException($"no kind of packet is called \"{kind}\" (join, commit, token, msg, rebroadcast, merge-detect, hold-cancel)"),
    };

    // A command without arguments concerns every packet (deliver-all, waiting) or every process (heal).
    private static Func<InFlight, bool> Everything(string[] args) =>
        args.Length == 0 ? _ => true : throw new StoryException("this command takes no arguments");

    private List<ProcessId> Processes(string[] args)
    {
        if (args.Length == 0) throw new StoryException("name at least one process");
        return [.. args.Select(a => Process(a))];
    }

    private ProcessId Process(string name, bool known = true)
    {
        if (!ProcessId.IsValid(name)) throw new StoryException($"\"{name}\" is not a process identifier");
        var p = new ProcessId(name);
        if (known && !_nodes.ContainsKey(p)) throw new StoryException($"no process is called {name} (see \"nodes\")");
        return p;
    }

    private static int Number(string text) =>
        int.TryParse(text, out int n) && n > 0 ? n : throw new StoryException($"\"{text}\" is not a positive number");
}
