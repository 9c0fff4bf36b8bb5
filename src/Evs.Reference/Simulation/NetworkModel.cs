// The simulated network (docs/SCENARIOS.md "network"): one-way delay drawn uniformly, loss and
// duplication per packet, components that no packet crosses, and directed link faults (the
// "links" step) on top of them: a one-way cut, or loss between some processes only. Reordering
// follows from the random delays. All randomness comes from the simulator's one seeded source.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.Simulation;

/// <summary>Decides, for each packet sent, whether and when copies of it arrive.</summary>
public sealed class NetworkModel
{
    private readonly DeterministicRandom _random;
    private readonly IReadOnlyList<ProcessId> _processes;
    private readonly Dictionary<ProcessId, int> _componentOf = new();

    /// <summary>A network of <paramref name="processes"/> with the given starting conditions, all in one component.</summary>
    public NetworkModel(DeterministicRandom random, NetworkConditions conditions, IReadOnlyList<ProcessId> processes)
    {
        _random = random;
        Conditions = conditions;
        _processes = processes;
        Heal();
    }

    /// <summary>Delay, loss and duplication now in force.</summary>
    public NetworkConditions Conditions { get; set; }

    /// <summary>Packets handed to the network.</summary>
    public long PacketsSent { get; private set; }

    /// <summary>Packets lost (by the loss probability or a partition).</summary>
    public long PacketsLost { get; private set; }

    /// <summary>Extra copies delivered.</summary>
    public long PacketsDuplicated { get; private set; }

    /// <summary>Splits the processes into components; a process in none is alone.</summary>
    public void Partition(ImmutableArray<ImmutableArray<ProcessId>> components)
    {
        _componentOf.Clear();
        int index = 0;
        foreach (var component in components)
        {
            foreach (var p in component) _componentOf[p] = index;
            index++;
        }
        foreach (var p in _processes)
            if (!_componentOf.ContainsKey(p)) _componentOf[p] = index++;
    }

    /// <summary>Everybody in one component again, and no directed fault left.</summary>
    public void Heal()
    {
        foreach (var p in _processes) _componentOf[p] = 0;
        Links = [];
    }

    /// <summary>The directed faults now in force (a links step replaces them all).</summary>
    public ImmutableArray<LinkFault> Links { get; set; } = [];

    /// <summary>
    /// Whether a packet from <paramref name="from"/> can reach <paramref name="to"/> now: the same
    /// component, and no directed fault cutting that way (one that only loses some packets leaves
    /// the two connected). A process outside the scenario (a ghost an adversary made up) is reached
    /// by nothing.
    /// </summary>
    public bool Connected(ProcessId from, ProcessId to) =>
        from == to || _componentOf.TryGetValue(from, out int a) && _componentOf.TryGetValue(to, out int b) && a == b && !Cut(from, to);

    private bool Cut(ProcessId from, ProcessId to)
    {
        foreach (var fault in Links)
            if (fault.Loss >= 1 && fault.Covers(from, to)) return true;
        return false;
    }

    /// <summary>
    /// Sends one packet from <paramref name="from"/> to <paramref name="to"/>: how many copies of it
    /// arrive (none if it is lost, two if it is duplicated), and after which delays, in microseconds.
    /// </summary>
    public int Transmit(ProcessId from, ProcessId to, out long firstDelay, out long secondDelay)
    {
        PacketsSent++;
        firstDelay = secondDelay = 0;
        if (!Connected(from, to) || LostOnLink(from, to) || _random.Chance(Conditions.Loss))
        {
            PacketsLost++;
            return 0;
        }
        firstDelay = Delay();
        if (!_random.Chance(Conditions.Duplicate)) return 1;
        PacketsDuplicated++;
        secondDelay = Delay();
        return 2;
    }

    // Each lossy fault across the link may lose the packet, independently (a cut is not Connected);
    // a link no fault crosses draws nothing from the random source, so a run without links draws
    // what it drew before links existed.
    private bool LostOnLink(ProcessId from, ProcessId to)
    {
        foreach (var fault in Links)
            if (fault.Loss is > 0 and < 1 && fault.Covers(from, to) && _random.Chance(fault.Loss)) return true;
        return false;
    }

    private long Delay() => (long)Math.Round(_random.Uniform(Conditions.MinDelayMs, Conditions.MaxDelayMs) * 1000);
}
