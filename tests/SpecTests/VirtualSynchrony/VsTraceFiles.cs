// The hand-written virtual synchrony traces under VsTraces/legal and VsTraces/illegal (copied
// next to the test assembly by the csproj), found and read in one place.
using Evs.Reference.Checking;
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;
using SpecTests.Checking;
using Xunit;

namespace SpecTests.VirtualSynchrony;

/// <summary>Finds and checks the hand-written VS trace files.</summary>
public static class VsTraceFiles
{
    public static string Folder(string kind) => Path.Combine(AppContext.BaseDirectory, "VsTraces", kind);

    /// <summary>The file names (without folder) of one kind, as xunit theory data.</summary>
    public static TheoryData<string> Names(string kind) => TraceFiles.FileNames(Folder(kind));

    public static VsTrace Read(string kind, string name) => Evs.Runtime.Files.TraceFiles.ReadVs(Path.Combine(Folder(kind), name));

    public static CheckReport Check(string kind, string name) => VirtualSynchronyChecker.Check(Read(kind, name));

    /// <summary>The condition an illegal trace is named after: <c>L5-…</c> gives <c>L5</c>.</summary>
    public static string NamedCondition(string name) => name.Split('-')[0];
}
