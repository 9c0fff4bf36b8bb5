// The guide: "a bad scenario or trace file names the offending line".
namespace Evs.Reference.Tracing;

/// <summary>A trace that cannot be read, with the file and the 1-based line at fault.</summary>
public sealed class TraceFormatException(string source, int line, string problem)
    : Exception($"{source}:{line}: {problem}")
{
    /// <summary>The file (or other source) that was being read.</summary>
    public string FileName { get; } = source;

    /// <summary>The 1-based line number at fault.</summary>
    public int Line { get; } = line;

    /// <summary>What is wrong with that line.</summary>
    public string Problem { get; } = problem;
}
