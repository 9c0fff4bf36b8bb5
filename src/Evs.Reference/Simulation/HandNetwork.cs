// A network driven by hand, for the notebooks that look inside the protocol and for unit tests
// that play a story packet by packet: the real nodes (the same sans-IO TotemNode the simulator and
// the UDP runtime drive), but every packet waits until the reader hands it on, and a timer fires
// only when the reader says so. Nothing is random and nothing happens behind the reader's back,
// so every node can be looked at (IProtocolNode.Snapshot) between any two packets.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Storage;

namespace Evs.Reference.Simulation;

/// <summary>One packet on its way from one process to another.</summary>
public sealed record InFlight(ProcessId From, ProcessId To, Packet Packet);

/// <summary>What a process told its application (a delivery or a configuration change), in order.</summary>
public sealed record ApplicationEvent(ProcessId Process, NodeOutput Output);

/// <summary>Protocol nodes joined by packets in flight that the caller hands on one at a time.</summary>
public sealed class HandNetwork
{
    private readonly List<InFlight> _inFlight = new();
    private readonly HashSet<ProcessId> _cutOff = new();
    private readonly Dictionary<ProcessId, StableState?> _stored = new();

    /// <summary>A network of TotemNodes named <paramref name="names"/>, with the simulator's settings, all connected, none started.</summary>
    public HandNetwork(params string[] names) : this(names.Select(n => new TotemNode(new ProcessId(n))))
    {
    }

    /// <summary>A network of <paramref name="nodes"/>, all connected, none started.</summary>
    public HandNetwork(IEnumerable<IProtocolNode> nodes)
    {
        Nodes = nodes.ToImmutableSortedDictionary(n => n.Id, n => n, ProcessId.Ordinal);
        foreach (var p in Nodes.Keys)
        {
            Timers[p] = new();
            _stored[p] = null;
        }
    }

    /// <summary>The processes' nodes, by identifier.</summary>
    public IReadOnlyDictionary<ProcessId, IProtocolNode> Nodes { get; }

    /// <summary>The node of process <paramref name="name"/>.</summary>
    public IProtocolNode this[string name] => Nodes[new ProcessId(name)];

    /// <summary>The packets waiting to be handed on, oldest first.</summary>
    public IReadOnlyList<InFlight> Waiting => _inFlight;

    /// <summary>Every packet handed on or dropped so far, in order, for looking back.</summary>
    public List<(InFlight Packet, bool Dropped)> History { get; } = new();

    /// <summary>Deliveries and configuration changes, in the order the processes made them.</summary>
    public List<ApplicationEvent> Application { get; } = new();

    /// <summary>The timers each process has running now.</summary>
    public Dictionary<ProcessId, HashSet<TimerKind>> Timers { get; } = new();

    /// <summary>What each process last wrote to stable storage (<see cref="PersistState"/>): what it restarts from.</summary>
    public IReadOnlyDictionary<ProcessId, StableState?> Stored => _stored;

    /// <summary>Gives <paramref name="input"/> to process <paramref name="name"/>, carries out what it asks, and returns it.</summary>
    public IReadOnlyList<NodeOutput> Input(string name, NodeInput input) => Input(new ProcessId(name), input);

    /// <summary>Gives <paramref name="input"/> to process <paramref name="process"/>, carries out what it asks, and returns it.</summary>
    public IReadOnlyList<NodeOutput> Input(ProcessId process, NodeInput input) => Carry(process, Nodes[process].Handle(input));

    /// <summary>Starts every process in one ring formed beforehand (step 1 alone, no membership algorithm).</summary>
    public void StartInRing()
    {
        var members = Nodes.Keys.ToImmutableArray();
        var ring = new RingId(1, members[0]);
        foreach (var p in members) Input(p, new StartInRing(ring, members));
    }

    /// <summary>From now on, every packet between <paramref name="name"/> and the others is lost, those already on their way too (a packet to itself still arrives).</summary>
    public void CutOff(string name) => _cutOff.Add(new ProcessId(name));

    /// <summary>Loses every waiting packet that <paramref name="which"/> picks, as a lossy network would; returns how many.</summary>
    public int Lose(Func<InFlight, bool> which) =>
        _inFlight.RemoveAll(f =>
        {
            if (!which(f)) return false;
            History.Add((f, true));
            return true;
        });

    /// <summary>Loses the waiting packet at <paramref name="index"/>.</summary>
    public void Lose(int index)
    {
        History.Add((_inFlight[index], true));
        _inFlight.RemoveAt(index);
    }

    /// <summary>Puts a second copy of the waiting packet at <paramref name="index"/> on the wire, as a network that duplicates would.</summary>
    public void Duplicate(int index) => _inFlight.Add(_inFlight[index]);

    /// <summary>Fires timer <paramref name="timer"/> at <paramref name="name"/>, if it is running there; returns what the process did.</summary>
    public IReadOnlyList<NodeOutput> Fire(string name, TimerKind timer) => Fire(new ProcessId(name), timer);

    /// <summary>Fires timer <paramref name="timer"/> at <paramref name="process"/>, if it is running there; returns what the process did.</summary>
    public IReadOnlyList<NodeOutput> Fire(ProcessId process, TimerKind timer) =>
        Timers[process].Remove(timer) ? Input(process, new TimerExpired(timer)) : [];

    /// <summary>Hands on the oldest packet (or drops it, across a cut); returns it, or null if none waits.</summary>
    public InFlight? Next() => _inFlight.Count == 0 ? null : HandOn(0).Packet;

    /// <summary>Hands on the waiting packet at <paramref name="index"/> (or drops it, across a cut): the packet, and what its receiver did.</summary>
    public (InFlight Packet, IReadOnlyList<NodeOutput> Outputs) HandOn(int index)
    {
        var next = _inFlight[index];
        _inFlight.RemoveAt(index);
        bool dropped = next.From != next.To && (_cutOff.Contains(next.From) || _cutOff.Contains(next.To));
        History.Add((next, dropped));
        return (next, dropped ? [] : Input(next.To, new PacketArrived(next.Packet)));
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

    // The driver's job (Node/NodeOutput): keep what must survive, send the packets, keep the
    // timers, hand the rest to the application.
    private IReadOnlyList<NodeOutput> Carry(ProcessId p, IReadOnlyList<NodeOutput> outputs)
    {
        foreach (var output in outputs)
        {
            switch (output)
            {
                case PersistState persist:
                    _stored[p] = persist.State;
                    break;
                case Broadcast b:
                    foreach (var to in Nodes.Keys.Where(q => q != p)) _inFlight.Add(new InFlight(p, to, b.Packet));
                    break;
                case Unicast u:
                    _inFlight.Add(new InFlight(p, u.To, u.Packet));
                    break;
                case StartTimer t:
                    Timers[p].Add(t.Timer);
                    break;
                case StopTimer t:
                    Timers[p].Remove(t.Timer);
                    break;
                case MessageDelivered or ConfigurationDelivered:
                    Application.Add(new ApplicationEvent(p, output));
                    break;
            }
        }
        return outputs;
    }
}
