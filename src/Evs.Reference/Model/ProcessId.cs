// Section 2 of the paper: "Each of the processes in the system has a unique identifier.
// ... When a process recovers, it has the same identifier as before the failure."
namespace Evs.Reference.Model;

/// <summary>
/// The identifier of a process: a string of letters, digits, '-' and '_' (docs/SCENARIOS.md).
/// It is kept across crash and recovery, so it names the process, not an incarnation.
/// Ordered by ordinal string comparison, which is how the ring is ordered and how a
/// representative (the lowest identifier) is chosen.
/// </summary>
public readonly record struct ProcessId(string Name) : IComparable<ProcessId>
{
    /// <summary>Whether <paramref name="name"/> is a legal process identifier.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_');

    /// <inheritdoc/>
    public int CompareTo(ProcessId other) => string.CompareOrdinal(Name, other.Name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Orders process identifiers the way the ring and the trace do.</summary>
    public static IComparer<ProcessId> Ordinal { get; } = Comparer<ProcessId>.Create((a, b) => a.CompareTo(b));
}
