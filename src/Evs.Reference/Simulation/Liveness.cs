// The paper's Termination Property (Section 3.2): "the termination of the recovery algorithm
// is dependent on the termination of the membership algorithm", which terminates because an
// unfinished proposal is reduced within a bounded time. This measures it on a run: after each
// change of the world (partition, heal, crash, recovery, the stop), how long until every live
// process has installed a regular configuration holding exactly the live processes it can reach.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Reference.Simulation;

/// <summary>
/// One change of the world at <see cref="At"/> ms and what followed: the virtual time until the
/// membership matched the world again (null when the next change came first), and how many
/// regular configurations were installed on the way (membership rounds that completed).
/// </summary>
public sealed record ConvergenceSample(double At, string Change, double? ConvergedAfterMs, int RegularConfigurations);

/// <summary>Measures how the membership follows the world in one simulated run.</summary>
public static class Liveness
{
    /// <summary>
    /// The samples of a run of <paramref name="scenario"/> whose trace is <paramref name="trace"/>; each
    /// change is measured from when it happened (<paramref name="stepsHappenedAt"/>, the run's
    /// <see cref="SimulationResult.StepsHappenedAt"/>), or from its <c>at</c> when that is not given.
    /// </summary>
    public static IReadOnlyList<ConvergenceSample> Measure(Scenario scenario, Trace trace, IReadOnlyList<double>? stepsHappenedAt = null)
    {
        var installs = trace.Events.OfType<DeliverConf>().Where(c => c.Kind == ConfigurationKind.Regular)
            .OrderBy(c => c.Time).ToList();
        var world = new World(scenario);
        var changes = scenario.Steps.Select((step, i) => (Step: step, At: stepsHappenedAt is { } times && i < times.Count ? times[i] : step.At))
            .Where(c => c.Step is PartitionStep or HealStep or CrashStep or RecoverStep or StopStep).ToList();
        var samples = new List<ConvergenceSample>();
        for (int k = 0; k < changes.Count; k++)
        {
            var (step, at) = changes[k];
            world.Apply(step);
            double until = k + 1 < changes.Count ? changes[k + 1].At : double.PositiveInfinity;
            var converged = ConvergedAt(world.Targets(), installs, at, until);
            int rounds = installs.Where(c => c.Time >= at && c.Time <= (converged ?? until)).Select(c => c.Conf).Distinct().Count();
            samples.Add(new ConvergenceSample(at, Describe(step), converged - at, rounds));
        }
        return samples;
    }

    // The first time by which every live process's latest regular configuration holds exactly
    // its target members, between `from` and `until`; null if that does not happen.
    private static double? ConvergedAt(IReadOnlyDictionary<ProcessId, ImmutableSortedSet<ProcessId>> targets,
        List<DeliverConf> installs, double from, double until)
    {
        var current = new Dictionary<ProcessId, ImmutableArray<ProcessId>>();
        foreach (var c in installs.TakeWhile(c => c.Time < from)) current[c.Process] = c.Members;
        bool Matches() => targets.All(t => current.TryGetValue(t.Key, out var m) && t.Value.SetEquals(m));
        if (Matches()) return from;
        foreach (var c in installs.SkipWhile(c => c.Time < from).TakeWhile(c => c.Time < until))
        {
            current[c.Process] = c.Members;
            if (Matches()) return c.Time;
        }
        return null;
    }

    private static string Describe(ScenarioStep step) => step switch
    {
        PartitionStep p => "partition " + string.Join(" | ", p.Components.Select(c => string.Join(",", c))),
        HealStep => "heal",
        CrashStep c => $"crash {c.Process}",
        RecoverStep r => $"recover {r.Process}",
        StopStep { RecoverAll: true } => "stop (heal, recover all)",
        _ => "stop (heal)",
    };

    /// <summary>The world as the scenario makes it: who is alive and who can reach whom.</summary>
    private sealed class World(Scenario scenario)
    {
        private readonly HashSet<ProcessId> _crashed = new();
        private ImmutableArray<ImmutableArray<ProcessId>> _components = scenario.Start;

        public void Apply(ScenarioStep step)
        {
            switch (step)
            {
                case PartitionStep p: _components = p.Components; break;
                case HealStep: _components = [scenario.Processes]; break;
                case CrashStep c: _crashed.Add(c.Process); break;
                case RecoverStep r: _crashed.Remove(r.Process); break;
                case StopStep s:
                    _components = [scenario.Processes];
                    if (s.RecoverAll) _crashed.Clear();
                    break;
            }
        }

        // Each live process should end in a configuration of exactly the live processes of its component.
        public IReadOnlyDictionary<ProcessId, ImmutableSortedSet<ProcessId>> Targets()
        {
            var targets = new Dictionary<ProcessId, ImmutableSortedSet<ProcessId>>();
            var listed = _components.SelectMany(c => c).ToHashSet();
            var components = _components.Concat(scenario.Processes.Where(p => !listed.Contains(p)).Select(p => ImmutableArray.Create(p)));
            foreach (var component in components)
            {
                var live = component.Where(p => !_crashed.Contains(p)).ToImmutableSortedSet(ProcessId.Ordinal);
                foreach (var p in live) targets[p] = live;
            }
            return targets;
        }
    }
}
