// The primary component lab's liveness row. Uniqueness and Continuity (PC.1, PC.2) are safety
// properties: an algorithm that never calls a configuration primary satisfies both, vacuously, and
// blocks every process for ever — the risk Section 5 names ("an algorithm that has a greater
// probability of finding a primary component and thereby reduces the risk that all processes will
// be blocked"). Neither majority nor dynamic linear voting may block when every process has come
// back together: all of them hold a majority of the fixed set, and of every earlier primary.
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.Simulation;

namespace Evs.Grading.Labs;

/// <summary>A run that ends with every process of the scenario in one ring ends in a primary component.</summary>
public static class PrimaryProgress
{
    /// <summary>The row's name in a lab's report.</summary>
    public const string Spec = "primary";

    /// <summary>The row's title.</summary>
    public const string Title = "a run that ends with every process in one ring ends in a primary component";

    /// <summary>
    /// Null when <paramref name="result"/> does not end with every one of <paramref name="processes"/>
    /// in one ring, or when that ring was installed as primary; otherwise the installation that was not.
    /// </summary>
    public static Violation? Check(SimulationResult result, IReadOnlyCollection<ProcessId> processes)
    {
        var lastEvents = result.Trace.Events.GroupBy(e => e.Process).ToDictionary(g => g.Key, g => g.Last());
        var lastRegular = result.Trace.Events.OfType<DeliverConf>().Where(c => c.Kind == ConfigurationKind.Regular)
            .GroupBy(c => c.Process).ToDictionary(g => g.Key, g => g.Last());
        bool allTogether = processes.All(p => lastEvents.TryGetValue(p, out var last) && last is not Fail
                                              && lastRegular.TryGetValue(p, out var conf) && conf.Members.Length == processes.Count);
        if (!allTogether) return null;
        var notPrimary = processes.Select(p => lastRegular[p]).FirstOrDefault(c => c.Primary != true);
        return notPrimary is null ? null
            : new Violation(Spec,
                $"the run ends with every process in {notPrimary.Conf}, which holds a majority of any set of these processes, " +
                $"yet {notPrimary.Process} installed it as not primary: an algorithm that never decides primary satisfies " +
                "Uniqueness and Continuity, and blocks every process for ever",
                [EventRef.Of(notPrimary)]);
    }
}
