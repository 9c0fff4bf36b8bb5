// The scenario format (docs/SCENARIOS.md) on disk: the core parses scenario text and never opens a
// file; here a scenario is read from its file, or found among the built-in ones by name.
using Evs.Reference.Simulation;

namespace Evs.Runtime.Files;

/// <summary>Reads scenario files.</summary>
internal static class ScenarioFiles
{
    /// <summary>Reads a scenario file; its name, when the file gives none, is the file's.</summary>
    /// <exception cref="ScenarioException">The file cannot be read, or is not a valid scenario; the message names the file and line.</exception>
    public static Scenario Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException(path, 0, ex.Message);
        }
        return ScenarioReader.Parse(text, path, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>A built-in scenario when <paramref name="nameOrPath"/> names one, else the scenario file at that path.</summary>
    /// <exception cref="ScenarioException">Neither a built-in scenario nor a readable, valid scenario file.</exception>
    public static Scenario Load(string nameOrPath) =>
        BuiltInScenarios.Names.Contains(nameOrPath) ? BuiltInScenarios.Get(nameOrPath)
        : File.Exists(nameOrPath) ? Read(nameOrPath)
        : throw new ScenarioException(nameOrPath, 0, $"no built-in scenario and no file of that name (built in: {string.Join(", ", BuiltInScenarios.Names)})");
}
