// The hand-written traces under Traces/legal and Traces/illegal (copied next to the test
// assembly by the csproj), found and read in one place.
using Evs.Reference.Checking;
using Evs.Reference.Tracing;
using Xunit;

namespace SpecTests.Checking;

/// <summary>Finds and checks the hand-written trace files.</summary>
public static class TraceFiles
{
    public static string Folder(string kind) => Path.Combine(AppContext.BaseDirectory, "Traces", kind);

    /// <summary>The file names (without folder) of one kind, as xunit theory data.</summary>
    public static TheoryData<string> Names(string kind) => FileNames(Folder(kind));

    /// <summary>The names (without folder) of the trace files in <paramref name="folder"/>, in order, as xunit theory data.</summary>
    public static TheoryData<string> FileNames(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(folder, "*.jsonl").Order()) data.Add(Path.GetFileName(path));
        return data;
    }

    public static EvsTrace Read(string kind, string name) => Evs.Runtime.Files.TraceFiles.Read(Path.Combine(Folder(kind), name));

    public static CheckReport Check(string kind, string name) => SpecificationChecker.Check(Read(kind, name));

    /// <summary>The witnesses of one specification's violation, as a report prints them (<c>p#1</c>, <c>q~1#4</c>).</summary>
    public static IEnumerable<string> Witnesses(CheckReport report, string spec) =>
        report[spec].Violation!.Events.Select(e => e.ToString());

    /// <summary>The specification an illegal trace is named after: <c>spec-7.1-…</c> gives <c>7.1</c>.</summary>
    public static string NamedSpec(string name) => name.Split('-')[1];
}
