// The scenarios that ship with the library, kept as plain JSON files (Simulation/Scenarios)
// so that a student reads them exactly as they would write their own.
namespace Evs.Reference.Simulation;

/// <summary>The built-in scenarios, by name.</summary>
public static class BuiltInScenarios
{
    private const string Prefix = "Evs.Reference.Simulation.Scenarios.";

    /// <summary>The names of the built-in scenarios.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(BuiltInScenarios).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The JSON text of a built-in scenario.</summary>
    public static string Text(string name)
    {
        using var stream = typeof(BuiltInScenarios).Assembly.GetManifestResourceStream(Prefix + name + ".json")
            ?? throw new ScenarioException(name, 0, $"no built-in scenario \"{name}\" (built in: {string.Join(", ", Names)})");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A built-in scenario by name.</summary>
    public static Scenario Get(string name) => ScenarioReader.Parse(Text(name), $"built-in:{name}", name);
}
