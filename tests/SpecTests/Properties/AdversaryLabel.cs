// What a failing property says about the adversary of its run, when it had one: how many packets
// of which attack and kind it injected, and the last few that reached a process before the first
// event that witnesses the violation — most often the packet that did it, which is what the one
// who hardens the protocol core needs to know first.
using Evs.Reference.Checking;
using Evs.Reference.Simulation;

namespace SpecTests.Properties;

public static class AdversaryLabel
{
    private const int LastShown = 5;

    /// <summary>Nothing without an adversary; otherwise its injections, and those just before <paramref name="violation"/>.</summary>
    public static string Of(SimulationResult result, Violation? violation)
    {
        if (result.Injected is not { } injected) return "";
        var counts = injected.GroupBy(i => (i.Attack, i.Kind)).OrderByDescending(g => g.Count())
            .Select(g => $"{AdversaryNames.ToName(g.Key.Attack)} of {AdversaryNames.ToName(g.Key.Kind)} {g.Count()}");
        var text = $"the adversary injected {injected.Count} packets ({string.Join(", ", counts)})\n";
        if (violation is null || WitnessTime(result, violation) is not { } time) return text;
        var before = injected.Where(i => i.AtMs <= time).TakeLast(LastShown).ToList();
        return text + $"the last {before.Count} before the violation's first witness at {time} ms:\n" + string.Concat(before.Select(i => $"  {i}\n"));
    }

    private static double? WitnessTime(SimulationResult result, Violation violation)
    {
        var witnesses = violation.Events.ToHashSet();
        var times = result.Trace.Events.Where(e => witnesses.Contains(EventRef.Of(e))).Select(e => e.Time).ToList();
        return times.Count > 0 ? times.Min() : null;
    }
}
