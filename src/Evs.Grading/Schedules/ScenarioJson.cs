// Writes a Scenario back as scenario JSON (docs/SCENARIOS.md), one step a line like the built-in
// files. The fault generator builds and shrinks scenarios as values; what a failing property
// prints, and what runs, is always this text parsed again by ScenarioReader.
using System.Collections.Immutable;
using System.Globalization;
using Evs.Reference.Model;
using Evs.Reference.Simulation;

namespace Evs.Grading.Schedules;

/// <summary>Scenario values as scenario files.</summary>
public static class ScenarioJson
{
    /// <summary>The scenario as the JSON text a student would write.</summary>
    public static string Write(Scenario s)
    {
        var lines = new List<string>
        {
            "{",
            $"  \"name\": {Quote(s.Name)},",
            $"  \"processes\": {Ids(s.Processes)},",
        };
        if (!StartsAsOneComponent(s)) lines.Add($"  \"start\": {Components(s.Start)},");
        lines.Add($"  \"traffic\": {TrafficOf(s.Traffic)},");
        lines.Add($"  \"network\": {NetworkOf(s.Network)},");
        if (s.Adversary is { } adversary) lines.Add($"  \"adversary\": {AdversaryOf(adversary)},");
        lines.Add("  \"steps\": [");
        lines.Add(string.Join(",\n", s.Steps.Select(step => $"    {{ \"at\": {F(step.At)}, {Action(step)}{Trigger(step)} }}")));
        lines.Add("  ]");
        lines.Add("}");
        return string.Join("\n", lines);
    }

    private static bool StartsAsOneComponent(Scenario s) =>
        s.Start.Length == 1 && s.Start[0].Order().SequenceEqual(s.Processes.Order());

    private static string Action(ScenarioStep step) => step switch
    {
        PartitionStep p => $"\"partition\": {Components(p.Components)}",
        HealStep => "\"heal\": true",
        CrashStep c => $"\"crash\": {Quote(c.Process.Name)}",
        RecoverStep r => $"\"recover\": {Quote(r.Process.Name)}",
        LeaveStep l => $"\"leave\": {Quote(l.Process.Name)}",
        NetworkStep n => NetworkChange(n),
        LinksStep l => $"\"links\": [{string.Join(", ", l.Faults.Select(f => $"{{ \"from\": {Ids(f.From)}, \"to\": {Ids(f.To)}, \"loss\": {F(f.Loss)} }}"))}]",
        SendStep b => $"\"send\": {{ \"from\": {Quote(b.From.Name)}, \"svc\": \"{b.Service.ToName()}\", \"count\": {b.Count} }}",
        StopStep { RecoverAll: true } => "\"stop\": true, \"recover_all\": true",
        StopStep => "\"stop\": true",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "a step docs/SCENARIOS.md does not describe"),
    };

    private static string Trigger(ScenarioStep step) =>
        step.When is { } when ? $", \"when\": \"{when.Step.ToName()}\", \"within_ms\": {F(when.WithinMs)}" : "";

    private static string NetworkChange(NetworkStep n)
    {
        var fields = new List<string>();
        if (n.Loss is { } loss) fields.Add($"\"loss\": {F(loss)}");
        if (n.MinDelayMs is { } min && n.MaxDelayMs is { } max) fields.Add($"\"delay_ms\": [{F(min)}, {F(max)}]");
        if (n.Duplicate is { } duplicate) fields.Add($"\"duplicate\": {F(duplicate)}");
        return string.Join(", ", fields);
    }

    private static string TrafficOf(Traffic t) =>
        $"{{ \"rate\": {F(t.Rate)}, \"size\": {t.Size}, \"mix\": {{ \"causal\": {F(t.CausalWeight)}, \"agreed\": {F(t.AgreedWeight)}, \"safe\": {F(t.SafeWeight)} }} }}";

    private static string NetworkOf(NetworkConditions n) =>
        $"{{ \"delay_ms\": [{F(n.MinDelayMs)}, {F(n.MaxDelayMs)}], \"loss\": {F(n.Loss)}, \"duplicate\": {F(n.Duplicate)} }}";

    private static string AdversaryOf(AdversarySettings a) =>
        $"{{ \"from_ms\": {F(a.FromMs)}, \"until_ms\": {F(a.UntilMs)}, \"rate\": {F(a.Rate)}, \"key\": {(a.WithKey ? "true" : "false")}, " +
        $"\"attacks\": {Names(a.Attacks)}, \"packets\": {Names(a.Kinds)}, \"phases\": {Names(a.Phases)} }}";

    private static string Names<T>(IEnumerable<T> values) where T : struct, Enum =>
        $"[{string.Join(", ", values.Select(v => Quote(AdversaryNames.ToName(v))))}]";

    private static string Components(IEnumerable<ImmutableArray<ProcessId>> components) =>
        $"[{string.Join(", ", components.Select(c => Ids(c)))}]";

    private static string Ids(IEnumerable<ProcessId> ids) => $"[{string.Join(", ", ids.Select(p => Quote(p.Name)))}]";

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static string F(double x) => x.ToString(CultureInfo.InvariantCulture);
}
