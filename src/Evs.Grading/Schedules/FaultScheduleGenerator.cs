// Random scenarios in which the world changes the membership: partitions into up to four
// components, heals, directed link faults (a one-way cut, or loss in one direction between some
// processes: the "links" step), crashes of live processes, graceful leaves (issue 18: the "leave"
// step; a crash or partition may follow 2-30 ms later, while the leave is under way), recoveries of
// crashed or departed ones, and "failures
// during recovery", a second partition or crash 2-30 ms after a fault, while the membership
// algorithm and the recovery are still running. Biased toward the hard cases (issue #15, item 3;
// docs/COVERAGE.md measures how often the runs reach each): most later faults wait for a step of
// the recovery the fault before set off (a scenario step's "when", docs/SCENARIOS.md), a crashed
// process often restarts, a failure often comes just after a burst of safe messages, and one
// schedule in four opens with the shape of Section 3.2. Shrinking moves toward the smallest
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
        /// <summary>
        /// Scenarios with 1-6 faults (some waiting for a step of the recovery algorithm, some crashes
        /// followed by their restart, some failures after a burst of safe messages), shrinking toward a minimal schedule.
        /// </summary>
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
            from opening in Gen.Choose(1, Section32OpeningOutOf)
            from faults in opening == 1 ? Section32Opening(faultCount, World.Of(processes)) : Faults(faultCount, World.Of(processes))
            from settleMs in Gen.Choose(200, 1500)
            from recoverAll in Gen.Elements(false, true, true)
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

    private enum FaultKind { Partition, Heal, Crash, Recover, Links, LinksMended, Leave }

    /// <summary>What the schedule so far has done: who is crashed (or has left), whether the network is split, when the last fault struck.</summary>
    private sealed record World(ImmutableArray<ProcessId> Processes, ImmutableSortedSet<ProcessId> Crashed, bool Partitioned, int LastAt, bool Linked = false)
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
            .. !soon ? [FaultKind.Links] : Array.Empty<FaultKind>(),
            .. !soon && Linked ? [FaultKind.LinksMended] : Array.Empty<FaultKind>(),
            .. !soon && Live.Length > 1 ? [FaultKind.Leave] : Array.Empty<FaultKind>(),
        ];

        public World After(ScenarioStep step) => step switch
        {
            PartitionStep => this with { Partitioned = true, LastAt = (int)step.At },
            HealStep => this with { Partitioned = false, Linked = false, LastAt = (int)step.At },
            LinksStep l => this with { Linked = !l.Faults.IsEmpty, LastAt = (int)step.At },
            CrashStep c => this with { Crashed = Crashed.Add(c.Process), LastAt = (int)step.At },
            LeaveStep l => this with { Crashed = Crashed.Add(l.Process), LastAt = (int)step.At },
            RecoverStep r => this with { Crashed = Crashed.Remove(r.Process), LastAt = (int)step.At },
            _ => this,
        };
    }

    private static Gen<ImmutableList<ScenarioStep>> Faults(int count, World world) =>
        count == 0
            ? Gen.Constant(ImmutableList<ScenarioStep>.Empty)
            : from steps in NextFault(world)
              from rest in Faults(count - 1, steps.Aggregate(world, (w, step) => w.After(step)))
              select rest.InsertRange(0, steps);

    /// <summary>When a fault strikes: some time after the last one, soon after it, or during a step of the recovery it set off.</summary>
    private enum Timing { Later, Soon, DuringRecovery }

    // The next fault: the first one some time after the start, each later one some time after the
    // last, soon after it, or during a step of the recovery it set off (four in seven).
    private static Gen<ImmutableList<ScenarioStep>> NextFault(World world) =>
        from timing in world.HasFaulted
            ? Gen.Elements(Timing.Later, Timing.Later, Timing.Soon, Timing.DuringRecovery, Timing.DuringRecovery, Timing.DuringRecovery, Timing.DuringRecovery)
            : Gen.Constant(Timing.Later)
        from steps in timing switch
        {
            Timing.Later => LaterFault(world),
            Timing.Soon => SoonFault(world),
            _ => FaultDuringRecovery(world),
        }
        select steps;

    // 100-800 ms after the last fault, any fault; a failure half the time just after a burst of safe messages.
    private static Gen<ImmutableList<ScenarioStep>> LaterFault(World world) =>
        from gapMs in Gen.Choose(100, 800)
        from kind in Gen.Elements(world.Kinds(soon: false))
        from step in Fault(kind, world, world.LastAt + gapMs)
        from burst in kind is FaultKind.Partition or FaultKind.Crash ? SafeBurstBefore(world, step.At) : Gen.Constant<SendStep?>(null)
        select burst is null ? ImmutableList.Create(step) : ImmutableList.Create<ScenarioStep>(burst, step);

    // 2-30 ms after the last fault, while the membership algorithm and the recovery may still be running: a partition or a crash.
    private static Gen<ImmutableList<ScenarioStep>> SoonFault(World world) =>
        from gapMs in Gen.Choose(2, 30)
        from kind in Gen.Elements(world.Kinds(soon: true))
        from step in Fault(kind, world, world.LastAt + gapMs)
        select ImmutableList.Create(step);

    // A partition or a crash that waits for a step of the recovery the last fault set off (from 2-30
    // ms after it, for 1-2 s at most: "when", docs/SCENARIOS.md). Half the time a crashed process
    // restarts 100-800 ms later, so that a process that failed during recovery recovers.
    private static Gen<ImmutableList<ScenarioStep>> FaultDuringRecovery(World world) =>
        from gapMs in Gen.Choose(2, 30)
        from kind in Gen.Elements(world.Kinds(soon: true))
        from fault in Fault(kind, world, world.LastAt + gapMs)
        from when in DuringRecovery
        from restarts in Gen.Elements(false, true)
        from restartMs in Gen.Choose(100, 800)
        let step = fault with { When = when }
        select step is CrashStep crash && restarts
            ? ImmutableList.Create<ScenarioStep>(step, new RecoverStep(step.At + restartMs, 0, 0, crash.Process))
            : ImmutableList.Create(step);

    // Half the time, a burst of safe messages just before a failure (SafeBurst).
    private static Gen<SendStep?> SafeBurstBefore(World world, double failureAt) =>
        from burst in Gen.Elements(false, true)
        from step in SafeBurst(world, failureAt)
        select burst ? step : null;

    // A live process asks to send 3-20 safe messages 1-5 ms before a failure: they are still
    // unacknowledged by some member when it strikes, so the recovery has safe messages to deliver
    // in its transitional configuration (step 6.d), the first half of the case of Section 3.2.
    private static Gen<SendStep> SafeBurst(World world, double failureAt) =>
        from sender in Gen.Elements(world.Live.AsEnumerable())
        from count in Gen.Choose(3, 20)
        from leadMs in Gen.Choose(1, 5)
        select new SendStep(failureAt - leadMs, 0, 0, sender, DeliveryService.Safe, count);

    /// <summary>One schedule in this many opens with the shape of Section 3.2 (<see cref="Section32Opening"/>).</summary>
    private const int Section32OpeningOutOf = 4;

    /// <summary>About when the first rings have formed (the first Gather waits for its consensus timeout): a failure before has no configuration to recover from.</summary>
    private const int FirstRingFormedMs = 550;

    // The case of Section 3.2, directed: a failure with safe messages unacknowledged, then, while the
    // ring that recovers from it is in step 6 (some member has installed, relying on the others'
    // acknowledgments, and delivered those safe messages in its transitional configuration), a
    // partition that leaves every process alone, so that the token of the installation reaches no
    // one else and the others restart the recovery algorithm carrying their obligations. Then the
    // rest of the schedule's faults, as usual.
    private static Gen<ImmutableList<ScenarioStep>> Section32Opening(int count, World world) =>
        from atMs in Gen.Choose(FirstRingFormedMs, FirstRingFormedMs + 500)
        from kind in Gen.Elements(world.Kinds(soon: true))
        from failure in Fault(kind, world, atMs)
        from burst in SafeBurst(world, atMs)
        from cutMs in Gen.Choose(2, 30)
        from withinMs in Gen.Choose(1000, 2000)
        let cut = new PartitionStep(atMs + cutMs, 0, 0, []) { When = new StepTrigger(PaperStep.Step6, withinMs) }
        from rest in Faults(Math.Max(0, count - 2), world.After(failure).After(cut))
        select rest.InsertRange(0, [burst, failure, cut]);

    // The recovery step a fault waits for, and for how long at most: steps 3, 4, 5 and 6 weighted
    // 2, 2, 3 and 1 (the opening of Section 3.2 waits for step 6 too; step 2 is any of the others).
    private static readonly Gen<StepTrigger> DuringRecovery =
        from step in Gen.Elements(PaperStep.Step3, PaperStep.Step3, PaperStep.Step4, PaperStep.Step4, PaperStep.Step5, PaperStep.Step5, PaperStep.Step5, PaperStep.Step6)
        from withinMs in Gen.Choose(1000, 2000)
        select new StepTrigger(step, withinMs);

    private static Gen<ScenarioStep> Fault(FaultKind kind, World world, int at) => kind switch
    {
        FaultKind.Partition => PartitionOf(world.Processes).Select(ScenarioStep (c) => new PartitionStep(at, 0, 0, c)),
        FaultKind.Heal => Gen.Constant<ScenarioStep>(new HealStep(at, 0, 0)),
        FaultKind.Crash => Gen.Elements(world.Live.AsEnumerable()).Select(ScenarioStep (p) => new CrashStep(at, 0, 0, p)),
        FaultKind.Links => LinkFaultsOf(world.Processes).Select(ScenarioStep (f) => new LinksStep(at, 0, 0, f)),
        FaultKind.LinksMended => Gen.Constant<ScenarioStep>(new LinksStep(at, 0, 0, [])),
        FaultKind.Leave => Gen.Elements(world.Live.AsEnumerable()).Select(ScenarioStep (p) => new LeaveStep(at, 0, 0, p)),
        _ => Gen.Elements(world.Crashed.AsEnumerable()).Select(ScenarioStep (p) => new RecoverStep(at, 0, 0, p)),
    };

    /// <summary>
    /// One or two directed faults, each from some processes to some others, most of them cuts (loss
    /// 1: the processes in "to" no longer hear those in "from", who still hear them), some lossy.
    /// </summary>
    private static Gen<ImmutableArray<LinkFault>> LinkFaultsOf(ImmutableArray<ProcessId> processes) =>
        from count in Gen.Elements(1, 1, 2)
        from faults in Gen.ListOf(LinkFaultOf(processes), count)
        select faults.ToImmutableArray();

    private static Gen<LinkFault> LinkFaultOf(ImmutableArray<ProcessId> processes) =>
        from order in Gen.Shuffle(processes.AsEnumerable())
        from senders in Gen.Choose(1, processes.Length - 1)
        from receivers in Gen.Choose(1, processes.Length - senders)
        from lossPercent in Gen.Elements(100, 100, 100, 30, 60)
        select new LinkFault([.. order.Take(senders).Order()], [.. order.Skip(senders).Take(receivers).Order()], lossPercent / 100.0);

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

    /// <summary>The steps without a crash or leave of a crashed (or departed) process or a recovery of a live one (what dropping a step can leave).</summary>
    private static ImmutableArray<ScenarioStep> Consistent(ImmutableArray<ScenarioStep> steps)
    {
        var crashed = new HashSet<ProcessId>();
        return [.. steps.Where(step => step switch
        {
            CrashStep c => crashed.Add(c.Process),
            LeaveStep l => crashed.Add(l.Process),
            RecoverStep r => crashed.Remove(r.Process),
            _ => true,
        })];
    }

    private static bool NamedByAStep(Scenario s, ProcessId p) => s.Steps.Any(step => step switch
    {
        PartitionStep partition => partition.Components.Any(c => c.Contains(p)),
        LinksStep links => links.Faults.Any(f => f.From.Contains(p) || f.To.Contains(p)),
        CrashStep c => c.Process == p,
        LeaveStep l => l.Process == p,
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
