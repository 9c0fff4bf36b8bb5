// A network driven by hand, for the notebooks that look inside the protocol (01, 04): the real
// TotemNode of each process (the same sans-IO node the simulator and the UDP runtime drive), but
// every packet waits in a queue until the notebook delivers it, and a timer fires only when the
// notebook says so. Nothing is random and nothing happens behind the reader's back, so the state
// of every node can be looked at between any two packets.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Storage;

/// <summary>One packet on its way from one process to another.</summary>
public sealed record InFlight(ProcessId From, ProcessId To, Packet Packet);

/// <summary>What a process told its application: a delivery or a configuration change, in order.</summary>
public sealed record Delivered(ProcessId Process, NodeOutput Output);

/// <summary>TotemNodes joined by a queue of packets that the notebook hands on one at a time.</summary>
public sealed class HandNetwork
{
    private readonly Queue<InFlight> _inFlight = new();
    private readonly HashSet<ProcessId> _cutOff = new();

    /// <summary>The processes' nodes, by identifier, each with its own stable storage in memory.</summary>
    public IReadOnlyDictionary<ProcessId, TotemNode> Nodes { get; }

    /// <summary>Every packet handed on or dropped so far, in order, for looking back.</summary>
    public List<(InFlight Packet, bool Dropped)> History { get; } = new();

    /// <summary>Deliveries and configuration changes, in the order the processes made them.</summary>
    public List<Delivered> Application { get; } = new();

    /// <summary>The timers each process has running now.</summary>
    public Dictionary<ProcessId, HashSet<TimerKind>> Timers { get; } = new();

    /// <summary>A network of the processes <paramref name="names"/>, all connected, none started.</summary>
    public HandNetwork(params string[] names)
    {
        Nodes = names.Select(n => new ProcessId(n)).ToImmutableSortedDictionary(p => p, p => new TotemNode(p, new InMemoryStableStorage()), ProcessId.Ordinal);
        foreach (var p in Nodes.Keys) Timers[p] = new();
    }

    /// <summary>The node of process <paramref name="name"/>.</summary>
    public TotemNode this[string name] => Nodes[new ProcessId(name)];

    /// <summary>The packets waiting to be handed on, oldest first.</summary>
    public IEnumerable<InFlight> Waiting => _inFlight;

    /// <summary>Gives <paramref name="input"/> to process <paramref name="name"/> and carries out what it asks.</summary>
    public void Input(string name, NodeInput input) => Carry(new ProcessId(name), Nodes[new ProcessId(name)].Handle(input));

    /// <summary>Starts every process in one ring formed beforehand (step 1 alone, no membership algorithm).</summary>
    public void StartInRing()
    {
        var ring = new RingId(1, Nodes.Keys.First());
        foreach (var p in Nodes.Keys) Carry(p, Nodes[p].Handle(new StartInRing(ring, Nodes.Keys.ToImmutableArray())));
    }

    /// <summary>From now on, every packet between <paramref name="name"/> and the others is lost, those already on their way too (a packet to itself still arrives).</summary>
    public void CutOff(string name) => _cutOff.Add(new ProcessId(name));

    /// <summary>Loses every waiting packet that <paramref name="which"/> picks, as a lossy network would; returns how many.</summary>
    public int Lose(Func<InFlight, bool> which)
    {
        var kept = _inFlight.Where(f => !which(f)).ToList();
        foreach (var lost in _inFlight.Where(which)) History.Add((lost, true));
        int count = _inFlight.Count - kept.Count;
        _inFlight.Clear();
        foreach (var f in kept) _inFlight.Enqueue(f);
        return count;
    }

    /// <summary>Fires timer <paramref name="timer"/> at <paramref name="name"/>, if it is running there.</summary>
    public void Fire(string name, TimerKind timer)
    {
        var p = new ProcessId(name);
        if (Timers[p].Remove(timer)) Carry(p, Nodes[p].Handle(new TimerExpired(timer)));
    }

    /// <summary>Hands on the oldest packet (or drops it, across a cut); returns it, or null if none waits.</summary>
    public InFlight? Next()
    {
        if (!_inFlight.TryDequeue(out var next)) return null;
        bool dropped = next.From != next.To && (_cutOff.Contains(next.From) || _cutOff.Contains(next.To));
        History.Add((next, dropped));
        if (!dropped) Carry(next.To, Nodes[next.To].Handle(new PacketArrived(next.Packet)));
        return next;
    }

    /// <summary>Hands on packets until <paramref name="done"/> holds (checked before each); false if the queue ran dry first or after <paramref name="limit"/> packets.</summary>
    public bool RunUntil(Func<bool> done, int limit = 10_000)
    {
        for (int i = 0; i < limit; i++)
        {
            if (done()) return true;
            if (Next() is null) return false;
        }
        return done();
    }

    // The driver's job (Node/NodeOutput): send the packets, keep the timers, hand the rest to the application.
    private void Carry(ProcessId p, IReadOnlyList<NodeOutput> outputs)
    {
        foreach (var output in outputs)
        {
            switch (output)
            {
                case Broadcast b:
                    foreach (var to in Nodes.Keys.Where(q => q != p)) _inFlight.Enqueue(new InFlight(p, to, b.Packet));
                    break;
                case Unicast u:
                    _inFlight.Enqueue(new InFlight(p, u.To, u.Packet));
                    break;
                case StartTimer t:
                    Timers[p].Add(t.Timer);
                    break;
                case StopTimer t:
                    Timers[p].Remove(t.Timer);
                    break;
                case MessageDelivered or ConfigurationDelivered:
                    Application.Add(new Delivered(p, output));
                    break;
            }
        }
    }
}
