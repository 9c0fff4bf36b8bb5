// A cluster for the attacks of issue #13: real TotemNodes on a hand-driven network (Simulation/
// HandNetwork), so that a test can slip a forged packet in between any two real ones, plus what the
// simulator would give: every send, delivery and configuration change recorded as the events of
// docs/TRACE.md, so the specification checker can judge the run once it has settled.
using Evs.Reference.Checking;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;

namespace SpecTests.Node;

/// <summary>Processes p1, p2, ... on a network driven by hand, their outputs recorded as a trace.</summary>
internal sealed class HostileCluster
{
    private readonly Dictionary<ProcessId, EventRecorder> _recorders = new();
    private readonly List<EvsEvent> _events = new();
    private readonly List<MessageId> _sent = new();
    private long _steps;

    /// <summary><paramref name="count"/> processes with these settings (the simulator's by default), none started.</summary>
    public HostileCluster(int count = 3, TotemSettings? settings = null)
    {
        Ids = [.. Enumerable.Range(1, count).Select(i => new ProcessId($"p{i}"))];
        Net = new HandNetwork(Ids.Select(p => new TotemNode(p, settings)));
        foreach (var p in Ids) _recorders[p] = new EventRecorder(p);
    }

    public ProcessId[] Ids { get; }

    public HandNetwork Net { get; }

    /// <summary>Every process starts in the ring of all of them, numbered <paramref name="sequence"/>, formed beforehand.</summary>
    public void StartInRing(long sequence = 1)
    {
        var ring = new RingId(sequence, Ids[0]);
        foreach (var p in Ids) Input(p, new StartInRing(ring, [.. Ids]));
    }

    /// <summary>What process <paramref name="name"/> shows now.</summary>
    public NodeSnapshot this[string name] => Net[name].Snapshot();

    /// <summary>Gives <paramref name="input"/> to <paramref name="process"/> (a packet: as if the network delivered it).</summary>
    public IReadOnlyList<NodeOutput> Input(ProcessId process, NodeInput input) => Record(process, Net.Input(process, input));

    /// <summary>Delivers <paramref name="packet"/> to process <paramref name="name"/>, as a peer holding the cluster key could.</summary>
    public IReadOnlyList<NodeOutput> Forge(string name, Packet packet) => Input(new ProcessId(name), new PacketArrived(packet));

    /// <summary>Each process asks to send <paramref name="each"/> messages of <paramref name="service"/>.</summary>
    public void SendFromEveryone(int each, DeliveryService service = DeliveryService.Agreed)
    {
        foreach (var p in Ids)
            for (int n = 0; n < each; n++)
                Input(p, new SendRequested([(byte)n], service));
    }

    /// <summary>Fires <paramref name="timer"/> at <paramref name="name"/>.</summary>
    public void Fire(string name, TimerKind timer) => Record(new ProcessId(name), Net.Fire(name, timer));

    /// <summary>Hands on the oldest packet in flight, if any.</summary>
    public bool Step()
    {
        if (Net.Waiting.Count == 0) return false;
        var (packet, outputs) = Net.HandOn(0);
        Record(packet.To, outputs);
        return true;
    }

    /// <summary>Hands on packets, oldest first, until <paramref name="done"/> holds; false if the network fell silent or <paramref name="limit"/> packets went first.</summary>
    public bool RunUntil(Func<bool> done, int limit = 100_000)
    {
        for (int n = 0; n < limit; n++)
        {
            if (done()) return true;
            if (!Step()) return done();
        }
        return done();
    }

    /// <summary>Whether every process is operational in one ring, has sent every message it was given, and has delivered every message sent.</summary>
    public bool Settled() =>
        Ids.Select(p => Net.Nodes[p].Snapshot()).ToList() is var all
        && all.All(s => s.State == MembershipState.Operational && s.Regular!.Ring == all[0].Regular!.Ring && s.PendingSends == 0)
        && Ids.All(p => Delivered(p).Count == _sent.Count);

    /// <summary>The ring every process is in, once <see cref="Settled"/>.</summary>
    public RingSnapshot Ring(string name = "p1") => this[name].Regular!;

    /// <summary>The members of that ring.</summary>
    public ProcessId[] Members(string name = "p1") => [.. Ring(name).Configuration.Members];

    /// <summary>The messages <paramref name="process"/> has delivered, in order.</summary>
    public List<MessageId> Delivered(ProcessId process) =>
        _events.OfType<Deliver>().Where(d => d.Process == process).Select(d => d.Message).ToList();

    /// <summary>The messages sent so far.</summary>
    public IReadOnlyList<MessageId> Sent => _sent;

    /// <summary>The tokens on their way now.</summary>
    public int TokensInFlight => Net.Waiting.Count(f => f.Packet is Token);

    /// <summary>The run so far, judged by the specification checker as a run that has settled.</summary>
    public CheckReport Check() => SpecificationChecker.Check(new EvsTrace(new TraceHeader("hand", null, "hostile", Quiescent: true), _events));

    private IReadOnlyList<NodeOutput> Record(ProcessId process, IReadOnlyList<NodeOutput> outputs)
    {
        _steps++;
        foreach (var output in outputs)
        {
            if (_recorders[process].Record(output, _steps, out _) is not { } e) continue;
            _events.Add(e);
            if (e is Send send) _sent.Add(send.Message);
        }
        return outputs;
    }
}
