// Section 2: "This membership, together with a unique identifier, is called a configuration."
// docs/TRACE.md says how this project spells the identifiers, and what any spelling must keep:
// the same string at every member, and unique in the run.
namespace Evs.Reference.Model;

/// <summary>
/// The identifier of a configuration, the same string at every member and unique in a run.
/// A regular configuration is named after its ring (<c>R8.p2</c>); a transitional one after
/// the ring it leads to and the regular configuration it follows (<c>T8.p2/R5.p1</c>).
/// Traces written by other tools may use any other unique naming, so the identifier is
/// kept as the string it was written as.
/// </summary>
public readonly record struct ConfigurationId(string Name)
{
    /// <summary>The regular configuration of a ring.</summary>
    public static ConfigurationId Regular(RingId ring) => new(ring.ToString());

    /// <summary>The transitional configuration that leads to <paramref name="nextRing"/> from <paramref name="previousRegular"/>.</summary>
    public static ConfigurationId Transitional(RingId nextRing, ConfigurationId previousRegular) =>
        new($"T{nextRing.Sequence}.{nextRing.Representative}/{previousRegular.Name}");

    /// <inheritdoc/>
    public override string ToString() => Name;
}
