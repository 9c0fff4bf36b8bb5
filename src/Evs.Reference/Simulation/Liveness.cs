// The paper's Termination Property (Section 3.2): "the termination of the recovery algorithm
// is dependent on the termination of the membership algorithm", which terminates because an
// unfinished proposal is reduced within a bounded time. This measures it on a run: after each
// change of the world (partition, heal, directed link faults, loss and delay, crash, recovery,
// the stop), how long until the membership has settled: every live process in a regular
// configuration that all its members share, whose members all hear each other both ways, and no
// two of which could be one (their members would all hear each other), and nothing installed
// after that until the next change. With symmetric faults that is one configuration per component
// of exactly its live processes; with a one-way link it leaves the choice of side to the protocol.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Reference.Simulation;

/// <summary>
/// One change of the world at <see cref="At"/> ms and what followed: the virtual time until the
/// membership was where it should rest and stayed there, installing nothing more, until the next
/// change (null when the next change, or the end of the run, came first); how many regular
/// configurations were installed on the way (membership rounds that completed); and how many rings
/// of the same members as the one before were formed after the membership first got where it should
/// rest: a round that failed, or, again and again, a membership that gathers without getting anywhere.
/// </summary>
public sealed record ConvergenceSample(double At, string Change, double? ConvergedAfterMs, int RegularConfigurations, int Reformations = 0)
{
    /// <summary>Virtual ms until the next change of the world (infinity after the last one).</summary>
    public double NextChangeAfterMs { get; init; } = double.PositiveInfinity;
}

/// <summary>Measures how the membership follows the world in one simulated run.</summary>
public static class Liveness
{
    /// <summary>
    /// The samples of a run of <paramref name="scenario"/> whose trace is <paramref name="trace"/>; each
    /// change is measured from when it happened (<paramref name="stepsHappenedAt"/>, the run's
    /// <see cref="SimulationResult.StepsHappenedAt"/>), or from its <c>at</c> when that is not given.
    /// </summary>
    public static IReadOnlyList<ConvergenceSample> Measure(Scenario scenario, EvsTrace trace, IReadOnlyList<double>? stepsHappenedAt = null)
    {
        var installs = trace.Events.OfType<DeliverConf>().Where(c => c.Kind == ConfigurationKind.Regular)
            .OrderBy(c => c.Time).ToList();
        var world = new World(scenario);
        var changes = scenario.Steps.Select((step, i) => (Step: step, At: stepsHappenedAt is { } times && i < times.Count ? times[i] : step.At))
            .Where(c => c.Step is PartitionStep or HealStep or LinksStep or NetworkStep or CrashStep or RecoverStep or StopStep).ToList();
        var samples = new List<ConvergenceSample>();
        for (int k = 0; k < changes.Count; k++)
        {
            var (step, at) = changes[k];
            world.Apply(step);
            double until = k + 1 < changes.Count ? changes[k + 1].At : double.PositiveInfinity;
            var converged = ConvergedAt(world, installs, at, until);
            int rounds = installs.Where(c => c.Time >= at && c.Time <= (converged ?? until)).Select(c => c.Conf).Distinct().Count();
            samples.Add(new ConvergenceSample(at, Describe(step), converged - at, rounds, Reformations(world, installs, at, until)) { NextChangeAfterMs = until - at });
        }
        return samples;
    }

    // The time from which, up to `until`, the membership is where it should rest (World.Settled) and
    // installs nothing more: the last install of the window, or `from` if there was none; null if the
    // window ends with it elsewhere.
    private static double? ConvergedAt(World world, List<DeliverConf> installs, double from, double until)
    {
        var current = new Dictionary<ProcessId, DeliverConf>();
        double last = from;
        foreach (var c in installs.TakeWhile(c => c.Time < until))
        {
            current[c.Process] = c;
            if (c.Time >= from) last = c.Time;
        }
        return world.Settled(current) ? last : null;
    }

    // The rings formed between `from` and `until`, after the membership was first where it should
    // rest, with the same members as the regular configuration their process had before.
    private static int Reformations(World world, List<DeliverConf> installs, double from, double until)
    {
        var current = new Dictionary<ProcessId, DeliverConf>();
        foreach (var c in installs.TakeWhile(c => c.Time < from)) current[c.Process] = c;
        bool reached = world.Settled(current);
        var reformed = new HashSet<ConfigurationId>();
        foreach (var c in installs.SkipWhile(c => c.Time < from).TakeWhile(c => c.Time < until))
        {
            if (reached && current.TryGetValue(c.Process, out var before) && before.Members.SequenceEqual(c.Members)) reformed.Add(c.Conf);
            current[c.Process] = c;
            reached = reached || world.Settled(current);
        }
        return reformed.Count;
    }

    private static string Describe(ScenarioStep step) => step switch
    {
        PartitionStep p => "partition " + string.Join(" | ", p.Components.Select(c => string.Join(",", c))),
        HealStep => "heal",
        LinksStep { Faults.IsEmpty: true } => "links [] (mended)",
        LinksStep l => "links " + string.Join("; ", l.Faults.Select(f => $"{string.Join(",", f.From)} > {string.Join(",", f.To)}{(f.Loss >= 1 ? "" : $" loss {f.Loss}")}")),
        NetworkStep n => "network" + (n.Loss is { } loss ? $" loss {loss}" : "") + (n.MinDelayMs is { } min ? $" delay {min}-{n.MaxDelayMs} ms" : "") + (n.Duplicate is { } d ? $" duplicate {d}" : ""),
        CrashStep c => $"crash {c.Process}",
        RecoverStep r => $"recover {r.Process}",
        StopStep { RecoverAll: true } => "stop (heal, recover all)",
        _ => "stop (heal)",
    };

    /// <summary>The world as the scenario makes it: who is alive and who hears whom.</summary>
    private sealed class World(Scenario scenario)
    {
        private readonly HashSet<ProcessId> _crashed = new();
        private ImmutableArray<ImmutableArray<ProcessId>> _components = scenario.Start;
        private ImmutableArray<LinkFault> _links = [];

        public void Apply(ScenarioStep step)
        {
            switch (step)
            {
                case PartitionStep p: _components = p.Components; break;
                case HealStep: _components = [scenario.Processes]; _links = []; break;
                case LinksStep l: _links = l.Faults; break;
                case CrashStep c: _crashed.Add(c.Process); break;
                case RecoverStep r: _crashed.Remove(r.Process); break;
                case StopStep s:
                    _components = [scenario.Processes];
                    _links = [];
                    if (s.RecoverAll) _crashed.Clear();
                    break;
            }
        }

        /// <summary>
        /// Whether the processes' latest regular configurations are where the membership should rest:
        /// each live process has one, shared by all its members, who are alive and all hear each
        /// other both ways; and no two of them could be merged into one whose members all would.
        /// </summary>
        public bool Settled(IReadOnlyDictionary<ProcessId, DeliverConf> latest)
        {
            var live = scenario.Processes.Where(p => !_crashed.Contains(p)).ToList();
            var configurations = new Dictionary<ConfigurationId, ImmutableArray<ProcessId>>();
            foreach (var p in live)
            {
                if (!latest.TryGetValue(p, out var conf)) return false;
                foreach (var q in conf.Members)
                    if (_crashed.Contains(q) || !latest.TryGetValue(q, out var theirs) || theirs.Conf != conf.Conf) return false;
                if (!AllHearEachOther(conf.Members)) return false;
                configurations[conf.Conf] = conf.Members;
            }
            var groups = configurations.Values.ToList();
            for (int i = 0; i < groups.Count; i++)
                for (int j = i + 1; j < groups.Count; j++)
                    if (AllHearEachOther([.. groups[i], .. groups[j]])) return false;
            return true;
        }

        private bool AllHearEachOther(ImmutableArray<ProcessId> members) =>
            members.All(a => members.All(b => Reaches(a, b)));

        // Whether packets from `from` reach `to`: the same component, and no directed fault cuts the
        // link (a fault that only loses some packets leaves it; the protocol retransmits).
        private bool Reaches(ProcessId from, ProcessId to) =>
            from == to || ComponentOf(from) == ComponentOf(to) && !_links.Any(f => f.Loss >= 1 && f.Covers(from, to));

        private int ComponentOf(ProcessId p)
        {
            for (int i = 0; i < _components.Length; i++)
                if (_components[i].Contains(p)) return i;
            return -1 - scenario.Processes.IndexOf(p);
        }
    }
}
