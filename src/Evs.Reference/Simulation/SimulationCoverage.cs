// What one run went through: how many times it reached each named situation (Situation), for
// `evs sim --coverage` and for the coverage table of the property tests (docs/COVERAGE.md).
// Like SimulationSummary, it is about the run, for people; nothing of it goes into the trace.
using System.Collections.Immutable;

namespace Evs.Reference.Simulation;

/// <summary>How many times a run went through each <see cref="Situation"/>.</summary>
/// <param name="Counts">Every situation, with the number of times the run reached it (0 when it never did).</param>
/// <param name="WithPrimaryComponentAlgorithm">Whether the run had a primary component algorithm, without which <see cref="Situation.PrimaryComponentLostAndRegained"/> does not apply.</param>
public sealed record SimulationCoverage(ImmutableSortedDictionary<Situation, int> Counts, bool WithPrimaryComponentAlgorithm)
{
    /// <summary>How many times the run reached <paramref name="situation"/>.</summary>
    public int this[Situation situation] => Counts[situation];

    /// <summary>Whether <paramref name="situation"/> can happen in this run at all.</summary>
    public bool Applies(Situation situation) =>
        situation != Situation.PrimaryComponentLostAndRegained || WithPrimaryComponentAlgorithm;

    /// <summary>Whether the run reached <paramref name="situation"/> at least once.</summary>
    public bool Reached(Situation situation) => Counts[situation] > 0;
}
