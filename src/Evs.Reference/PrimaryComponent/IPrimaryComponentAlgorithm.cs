// The paper, Section 5: "The primary component algorithm receives configuration change messages
// from the membership algorithm. It delivers these messages to the application with an
// indication as to whether the new configuration is a primary component."
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.PrimaryComponent;

/// <summary>
/// Decides whether a new regular configuration is a primary component. Every member decides
/// alone, from the members and the histories exchanged in step 3 (the same at every member), so
/// all members decide alike without another round of messages.
/// </summary>
public interface IPrimaryComponentAlgorithm
{
    /// <summary>The algorithm's name, as the CLI spells it.</summary>
    string Name { get; }

    /// <summary>Whether a regular configuration of <paramref name="members"/>, whose members know <paramref name="exchanged"/>, is primary.</summary>
    bool IsPrimary(ImmutableSortedSet<ProcessId> members, IReadOnlyList<PrimaryHistory> exchanged);
}

/// <summary>The algorithms by name.</summary>
public static class PrimaryComponentAlgorithms
{
    /// <summary>The names the CLI accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["majority", "dynamic-linear-voting"];

    /// <summary>The algorithm called <paramref name="name"/> over the fixed set of processes <paramref name="universe"/>.</summary>
    public static IPrimaryComponentAlgorithm Create(string name, IEnumerable<ProcessId> universe) => name switch
    {
        "majority" => new Majority(universe),
        "dynamic-linear-voting" => new DynamicLinearVoting(universe),
        _ => throw new ArgumentException($"no primary component algorithm \"{name}\" (known: {string.Join(", ", Names)})", nameof(name)),
    };
}
