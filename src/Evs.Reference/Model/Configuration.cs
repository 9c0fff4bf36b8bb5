// Section 2: regular and transitional configurations. "In a regular configuration new
// messages are broadcast and delivered. In a transitional configuration no new messages are
// broadcast but the remaining messages from the prior regular configuration are delivered."
using System.Collections.Immutable;

namespace Evs.Reference.Model;

/// <summary>The two kinds of configuration the extended virtual synchrony algorithm presents.</summary>
public enum ConfigurationKind
{
    /// <summary>New messages are broadcast and delivered.</summary>
    Regular,

    /// <summary>Only the remaining messages of the prior regular configuration are delivered.</summary>
    Transitional,
}

/// <summary>
/// A configuration as delivered to the application by a configuration change message:
/// its identifier, kind and members (sorted), and, for a transitional configuration c,
/// reg_p(c), the regular configuration that immediately precedes it.
/// <see cref="Primary"/> is what a primary component algorithm decided, when one runs.
/// </summary>
public sealed record Configuration(
    ConfigurationId Id,
    ConfigurationKind Kind,
    ImmutableArray<ProcessId> Members,
    ConfigurationId? PreviousRegular = null,
    bool? Primary = null)
{
    /// <summary>A regular configuration of the given ring and members.</summary>
    public static Configuration Regular(RingId ring, IEnumerable<ProcessId> members) =>
        new(ConfigurationId.Regular(ring), ConfigurationKind.Regular, Sorted(members));

    /// <summary>A transitional configuration from <paramref name="previousRegular"/> towards <paramref name="nextRing"/>.</summary>
    public static Configuration Transitional(RingId nextRing, ConfigurationId previousRegular, IEnumerable<ProcessId> members) =>
        new(ConfigurationId.Transitional(nextRing, previousRegular), ConfigurationKind.Transitional, Sorted(members), previousRegular);

    /// <summary>Whether <paramref name="process"/> is a member.</summary>
    public bool Contains(ProcessId process) => Members.BinarySearch(process, ProcessId.Ordinal) >= 0;

    private static ImmutableArray<ProcessId> Sorted(IEnumerable<ProcessId> members) =>
        members.Distinct().OrderBy(p => p, ProcessId.Ordinal).ToImmutableArray();
}
