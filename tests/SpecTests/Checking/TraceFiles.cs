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
    public static TheoryData<string> Names(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Folder(kind), "*.jsonl").Order()) data.Add(Path.GetFileName(path));
        return data;
    }

    public static Trace Read(string kind, string name) => TraceReader.ReadFile(Path.Combine(Folder(kind), name));

    public static CheckReport Check(string kind, string name) => SpecificationChecker.Check(Read(kind, name));

    /// <summary>The specification an illegal trace is named after: <c>spec-7.1-…</c> gives <c>7.1</c>.</summary>
    public static string NamedSpec(string name) => name.Split('-')[1];
}
