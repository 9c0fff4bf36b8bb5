// docs/TRACE.md: a trace is the history H of the paper's four event kinds, one JSON object a
// line, after a header line. It is the contract between whoever runs the protocol (the
// simulator, the real nodes) and whoever judges it (the specification checker).
namespace Evs.Reference.Tracing;

using Evs.Reference.Model;

/// <summary>
/// The header line of a trace. <see cref="Quiescent"/> says whether the run ended with a
/// settle phase; only then may a checker judge the liveness-like specifications
/// (2.1, 3, 4, 7.1, 7.2) on the last configuration.
/// </summary>
public sealed record TraceHeader(string Source, long? Seed, string? Scenario, bool Quiescent)
{
    /// <summary>The format tag every trace of this version carries.</summary>
    public const string FormatName = "evs-trace/1";
}

/// <summary>A whole history: its header and its events, in any interleaving of processes.</summary>
public sealed record EvsTrace(TraceHeader Header, IReadOnlyList<EvsEvent> Events)
{
    /// <summary>
    /// Several traces read as one history (docs/TRACE.md, one file per process): the first
    /// header is kept, and the result is quiescent only if every part is.
    /// </summary>
    public static EvsTrace Combine(IReadOnlyList<EvsTrace> parts)
    {
        if (parts.Count == 1) return parts[0];
        var first = parts[0].Header;
        var header = first with { Quiescent = parts.All(t => t.Header.Quiescent) };
        return new EvsTrace(header, parts.SelectMany(t => t.Events).ToList());
    }
}
