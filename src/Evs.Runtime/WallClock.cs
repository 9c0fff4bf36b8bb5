// The real network (the runtime driver): the one place the runtime reads the wall clock. Its
// timers and elapsed times are monotonic (TimeProvider timers and timestamps), so that a clock set
// an hour forward or a day back by an operator or NTP neither fires a token loss early nor holds
// one back (docs/BAD-PEERS.md, "A clock that jumps"). BannedSymbols.txt makes every other read of
// the wall clock in src/Evs.Runtime a compile error; what reads it here is only ever shown to a
// person, or is the incarnation's floor, which the incarnation file keeps growing when the clock
// goes back.
namespace Evs.Runtime;

#pragma warning disable RS0030 // the wall clock's only reader (BannedSymbols.txt)

/// <summary>The wall clock, for what no timer depends on.</summary>
internal static class WallClock
{
    /// <summary>
    /// <paramref name="time"/>'s wall-clock time in Unix milliseconds: the trace's <c>t</c> (for people and
    /// plots: no specification reads it, docs/TRACE.md) and the floor of the incarnation (IncarnationFile).
    /// </summary>
    public static double UnixMs(TimeProvider time) => (time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds;

    /// <summary>The system's wall-clock time as a person reads it in a store's files, to the second (UTC).</summary>
    public static string UtcText() => $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}";
}
