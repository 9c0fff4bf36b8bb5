// Section 2.1 of the paper states extended virtual synchrony as Specifications 1.1-7.2, and
// Section 2.2 adds the primary component properties Uniqueness and Continuity. This file is
// the vocabulary of a verdict: for each of them pass, or a violation with the events of the
// trace (process and event index) that witness it, so that a reader can find them in the file.
using Evs.Reference.Model;

namespace Evs.Reference.Checking;

/// <summary>One event of a trace as a report names it: its process and that process's event index.</summary>
/// <param name="Process">The process whose event it is.</param>
/// <param name="Index">The event's index in the process's local order (the trace's <c>i</c>).</param>
public readonly record struct EventRef(ProcessId Process, long Index)
{
    /// <summary>The event of <paramref name="e"/>.</summary>
    public static EventRef Of(EvsEvent e) => new(e.Process, e.Index);

    /// <summary><c>p3#41</c>: the form a trace reader searches for.</summary>
    public override string ToString() => $"{Process}#{Index}";
}

/// <summary>A specification that the trace breaks: which, why, and the events that show it.</summary>
/// <param name="Spec">The specification's number as the paper writes it (<c>"7.1"</c>, <c>"PC.1"</c>).</param>
/// <param name="Message">What is wrong, in the paper's terms.</param>
/// <param name="Events">The witnessing events.</param>
public sealed record Violation(string Spec, string Message, IReadOnlyList<EventRef> Events)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Spec}: {Message} [{string.Join(", ", Events)}]";
}

/// <summary>The verdict on one specification.</summary>
/// <param name="Spec">The specification's number (<c>"2.3"</c>).</param>
/// <param name="Title">A one-line summary of the specification.</param>
/// <param name="Violation">The first violation found, or null when the trace satisfies the specification.</param>
public sealed record SpecVerdict(string Spec, string Title, Violation? Violation)
{
    /// <summary>Whether the trace satisfies the specification.</summary>
    public bool Passed => Violation is null;

    /// <inheritdoc/>
    public override string ToString() => Passed ? $"{Spec} pass  {Title}" : $"{Spec} FAIL  {Title}: {Violation!.Message} [{string.Join(", ", Violation.Events)}]";
}

/// <summary>The verdicts on every specification, in the paper's order.</summary>
/// <param name="Verdicts">One verdict per specification.</param>
public sealed record CheckReport(IReadOnlyList<SpecVerdict> Verdicts)
{
    /// <summary>Whether the trace satisfies every specification.</summary>
    public bool AllPassed => Verdicts.All(v => v.Passed);

    /// <summary>The specifications the trace breaks.</summary>
    public IReadOnlyList<string> FailedSpecs => Verdicts.Where(v => !v.Passed).Select(v => v.Spec).ToList();

    /// <summary>The verdict on one specification, by its number.</summary>
    /// <exception cref="KeyNotFoundException">No specification has that number.</exception>
    public SpecVerdict this[string spec] =>
        Verdicts.FirstOrDefault(v => v.Spec == spec) ?? throw new KeyNotFoundException($"no specification \"{spec}\"");

    /// <inheritdoc/>
    public override string ToString() => string.Join(Environment.NewLine, Verdicts);
}
