// Random scenarios in which the world changes the membership: partitions into up to four
// components, heals, crashes of live processes, recoveries of crashed ones, and "failures
// during recovery", a second partition or crash 2-30 ms after a fault, while the membership
// algorithm and the recovery are still running. Shrinking moves toward the smallest
// schedule that still fails: one fault step fewer, a kinder network, a process fewer, a
// shorter run, always with the same seed. The specification properties and the labs' grader
// both draw their schedules from here.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using FsCheck;
using FsCheck.Fluent;

namespace Evs.Grading.Schedules;

public static partial class FaultSchedules
{
    /// <summary>
    /// Scenarios with fault schedules. A class of its own because FsCheck registers every
    /// Arbitrary a class offers, and <see cref="FaultSchedules"/> already offers the fixed-ring
    /// one; a property switches with <c>Arbitrary = [typeof(FaultSchedules.WithFaults)]</c>.
    /// </summary>
    public static class WithFaults
    {
        /// <summary>Scenarios with 1-6 fault steps, shrinking toward a minimal schedule.</summary>
        public static Arbitrary<GeneratedScenario> Scenarios() => Arb.From(Generator, Shrink);

        /// <summary>The generator alone, for sampling.</summary>
        public static Gen<GeneratedScenario> Generator { get; } =
            from seed in Gen.Choose(1, int.MaxValue)
            from count in Gen.Choose(3, 7)
            let processes = Enumerable.Range(1, count).Select(i => new ProcessId($"p{i}")).ToImmutableArray()
            from start in StartOf(processes)
            from traffic in TrafficOfAllServices
            from network in LossyNetwork
            from faultCount in Gen.Choose(1, 6)
            from faults in Faults(faultCount, World.Of(processes))
            from settleMs in Gen.Choose(200, 1500)
            from recoverAll in Gen.Elements(false, true)
            let stop = new StopStep(faults[^1].At + settleMs, 0, 0, recoverAll)
            let scenario = new Scenario("generated", processes, start, traffic, network, [.. faults, stop])
            select new GeneratedScenario(ScenarioJson.Write(scenario), seed);

        /// <summary>Smaller scenarios with the same seed, each smaller in one way and larger in none.</summary>
        public static IEnumerable<GeneratedScenario> Shrink(GeneratedScenario failing) =>
            Smaller(failing.Scenario).Select(s => new GeneratedScenario(ScenarioJson.Write(s), failing.Seed));
    }

    private static Gen<ImmutableArray<ImmutableArray<ProcessId>>> StartOf(ImmutableArray<ProcessId> processes) =>
        from components in Gen.Elements(1, 1, 2)
        from order in Gen.Shuffle(processes.AsEnumerable())
        from cut in Gen.Choose(1, processes.Length - 1)
        select components == 1 ? [processes] : Cut(order, [cut]);

    private static readonly Gen<Traffic> TrafficOfAllServices =
        from rate in Gen.Choose(5, 80)
        from causal in Gen.Choose(1, 3)
        from agreed in Gen.Choose(1, 3)
        from safe in Gen.Choose(1, 3)
        select new Traffic(rate, 16, causal, agreed, safe);

    private static readonly Gen<NetworkConditions> LossyNetwork =
        from lossPercent in Gen.Elements(0, 0, 1, 5, 10, 20)
        from duplicatePercent in Gen.Elements(0, 0, 2, 5, 10)
        from maxDelayTenths in Gen.Choose(3, 50)
        select new NetworkConditions(0.1, maxDelayTenths / 10.0, lossPercent / 100.0, duplicatePercent / 100.0);

    private enum FaultKind { Partition, Heal, Crash, Recover }

    /// <summary>What the schedule so far has done: who is crashed, whether the network is split, when the last fault struck.</summary>
    private sealed record World(ImmutableArray<ProcessId> Processes, ImmutableSortedSet<ProcessId> Crashed, bool Partitioned, int LastAt)
    {
        public static World Of(ImmutableArray<ProcessId> processes) => new(processes, [], false, 0);

        public ImmutableArray<ProcessId> Live => [.. Processes.Where(p => !Crashed.Contains(p))];

        public bool HasFaulted => LastAt > 0;

        /// <summary>The faults that may strike now; soon after a fault, only a second partition or crash.</summary>
        public FaultKind[] Kinds(bool soon) =>
        [
            FaultKind.Partition,
            .. Live.Length > 1 ? [FaultKind.Crash] : Array.Empty<FaultKind>(),
            .. !soon && Partitioned ? [FaultKind.Heal] : Array.Empty<FaultKind>(),
            .. !soon && Crashed.Count > 0 ? [FaultKind.Recover] : Array.Empty<FaultKind>(),
        ];

        public World After(ScenarioStep step) => step switch
        {
            PartitionStep => this with { Partitioned = true, LastAt = (int)step.At },
            HealStep => this with { Partitioned = false, LastAt = (int)step.At },
            CrashStep c => this with { Crashed = Crashed.Add(c.Process), LastAt = (int)step.At },
            RecoverStep r => this with { Crashed = Crashed.Remove(r.Process), LastAt = (int)step.At },
            _ => this,
        };
    }

    private static Gen<ImmutableList<ScenarioStep>> Faults(int count, World world) =>
        count == 0
            ? Gen.Constant(ImmutableList<ScenarioStep>.Empty)
            : from step in NextFault(world)
              from rest in Faults(count - 1, world.After(step))
              select rest.Insert(0, step);

    private static Gen<ScenarioStep> NextFault(World world) =>
        from soon in world.HasFaulted ? Gen.Elements(false, false, true) : Gen.Constant(false)
        from gapMs in soon ? Gen.Choose(2, 30) : Gen.Choose(100, 800)
        from kind in Gen.Elements(world.Kinds(soon))
        from step in Fault(kind, world, world.LastAt + gapMs)
        select step;

    private static Gen<ScenarioStep> Fault(FaultKind kind, World world, int at) => kind switch
    {
        FaultKind.Partition => PartitionOf(world.Processes).Select(ScenarioStep (c) => new PartitionStep(at, 0, 0, c)),
        FaultKind.Heal => Gen.Constant<ScenarioStep>(new HealStep(at, 0, 0)),
        FaultKind.Crash => Gen.Elements(world.Live.AsEnumerable()).Select(ScenarioStep (p) => new CrashStep(at, 0, 0, p)),
        _ => Gen.Elements(world.Crashed.AsEnumerable()).Select(ScenarioStep (p) => new RecoverStep(at, 0, 0, p)),
    };

    /// <summary>Up to four disjoint components covering a random subset; a lone component never covers everyone (that would be a heal).</summary>
    private static Gen<ImmutableArray<ImmutableArray<ProcessId>>> PartitionOf(ImmutableArray<ProcessId> processes) =>
        from components in Gen.Choose(1, Math.Min(4, processes.Length))
        from covered in components == 1 ? Gen.Choose(1, processes.Length - 1) : Gen.Choose(components, processes.Length)
        from order in Gen.Shuffle(processes.AsEnumerable())
        from cuts in Gen.Shuffle(Enumerable.Range(1, covered - 1))
        select Cut(order.Take(covered), [.. cuts.Take(components - 1).Order()]);

    /// <summary>The processes split before each cut position, each component in name order.</summary>
    private static ImmutableArray<ImmutableArray<ProcessId>> Cut(IEnumerable<ProcessId> processes, int[] cuts)
    {
        var list = processes.ToList();
        int[] bounds = [0, .. cuts, list.Count];
        return bounds.Zip(bounds.Skip(1), (from, to) => list[from..to].Order().ToImmutableArray()).ToImmutableArray();
    }

    private static IEnumerable<Scenario> Smaller(Scenario s)
    {
        for (int i = 0; i < s.Steps.Length - 1; i++) yield return s with { Steps = Consistent(s.Steps.RemoveAt(i)) };
        if (s.Network.Loss > 0) yield return s with { Network = s.Network with { Loss = 0 } };
        if (s.Network.Duplicate > 0) yield return s with { Network = s.Network with { Duplicate = 0 } };
        foreach (var p in s.Processes.Where(p => s.Processes.Length > 1 && !NamedByAStep(s, p))) yield return Without(s, p);
        if (ShorterStop(s) is { } stop) yield return s with { Steps = s.Steps.SetItem(s.Steps.Length - 1, stop) };
    }

    /// <summary>The steps without a crash of a crashed process or a recovery of a live one (what dropping a step can leave).</summary>
    private static ImmutableArray<ScenarioStep> Consistent(ImmutableArray<ScenarioStep> steps)
    {
        var crashed = new HashSet<ProcessId>();
        return [.. steps.Where(step => step switch
        {
            CrashStep c => crashed.Add(c.Process),
            RecoverStep r => crashed.Remove(r.Process),
            _ => true,
        })];
    }

    private static bool NamedByAStep(Scenario s, ProcessId p) => s.Steps.Any(step => step switch
    {
        PartitionStep partition => partition.Components.Any(c => c.Contains(p)),
        CrashStep c => c.Process == p,
        RecoverStep r => r.Process == p,
        SendStep b => b.From == p,
        _ => false,
    });

    private static Scenario Without(Scenario s, ProcessId p) => s with
    {
        Processes = s.Processes.Remove(p),
        Start = [.. s.Start.Select(c => c.Remove(p)).Where(c => c.Length > 0)],
    };

    /// <summary>The stop halfway between the last fault and the current stop, when that saves at least 50 ms.</summary>
    private static StopStep? ShorterStop(Scenario s)
    {
        double lastFault = s.Steps.Length > 1 ? s.Steps[^2].At : 0;
        double halfway = Math.Floor((lastFault + s.Stop.At) / 2);
        return s.Stop.At - halfway >= 50 ? s.Stop with { At = halfway } : null;
    }
}
