// Section 2: "This membership, together with a unique identifier, is called a configuration."
// docs/TRACE.md says how this project spells the identifiers, and what any spelling must keep:
// the same string at every member, and unique in the run. The parts of this project's spelling
// (the ring, the regular configuration a transitional one follows) are parsed once, when the
// identifier is made, so that an application reads them as values instead of parsing strings.
namespace Evs.Reference.Model;

/// <summary>
/// The identifier of a configuration, the same string at every member and unique in a run.
/// A regular configuration is named after its ring (<c>R8.p2</c>); a transitional one after
/// the ring it leads to and the regular configuration it follows (<c>T8.p2/R5.p1</c>).
/// Traces written by other tools may use any other unique naming, so the identifier is
/// kept as the string it was written as; its parts are null when it is not spelled this way.
/// </summary>
public readonly record struct ConfigurationId
{
    /// <summary>The identifier spelled <paramref name="name"/>.</summary>
    public ConfigurationId(string name) => Name = name;

    /// <summary>The identifier as written (docs/TRACE.md).</summary>
    public string Name
    {
        get;
        init
        {
            field = value;
            (Ring, FollowsRegular) = Parse(value);
        }
    }

    /// <summary>
    /// The ring this configuration is named after: for a regular one, its own ring; for a
    /// transitional one, the ring it leads to. Null when the name is not this project's spelling.
    /// </summary>
    public RingId? Ring { get; private init; }

    /// <summary>For a transitional configuration, the regular configuration it follows (reg_p(c)); else null.</summary>
    public string? FollowsRegular { get; private init; }

    /// <summary>The ring sequence number of <see cref="Ring"/>, or null.</summary>
    public long? RingSequence => Ring?.Sequence;

    /// <summary>The representative of <see cref="Ring"/> (the process that formed it), or null.</summary>
    public ProcessId? Representative => Ring?.Representative;

    /// <summary>The regular configuration of a ring.</summary>
    public static ConfigurationId Regular(RingId ring) => new(ring.ToString());

    /// <summary>The transitional configuration that leads to <paramref name="nextRing"/> from <paramref name="previousRegular"/>.</summary>
    public static ConfigurationId Transitional(RingId nextRing, ConfigurationId previousRegular) =>
        new($"T{nextRing.Sequence}.{nextRing.Representative}/{previousRegular.Name}");

    /// <inheritdoc/>
    public override string ToString() => Name;

    // R<seq>.<rep>, or T<seq>.<rep>/<previous regular>; anything else has no parts.
    private static (RingId? Ring, string? Previous) Parse(string? name)
    {
        if (string.IsNullOrEmpty(name) || name[0] is not ('R' or 'T')) return (null, null);
        int slash = name.IndexOf('/');
        bool transitional = name[0] == 'T';
        if (transitional != slash > 0) return (null, null);
        var ring = transitional ? name[1..slash] : name[1..];
        int dot = ring.IndexOf('.');
        if (dot <= 0 || !long.TryParse(ring[..dot], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long sequence)
            || !ProcessId.IsValid(ring[(dot + 1)..]))
            return (null, null);
        return (new RingId(sequence, new ProcessId(ring[(dot + 1)..])), transitional ? name[(slash + 1)..] : null);
    }
}
