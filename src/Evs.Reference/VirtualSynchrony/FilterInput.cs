// The paper, Section 5: the filter "runs locally at a process". What reaches it: the process's own
// extended virtual synchrony events, in its local order, and — with a regular configuration that
// the primary component algorithm marks primary — what every member learned in the exchange of
// step 3, so that all members split the configuration change into the same views (Rules 3, 4).
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.VirtualSynchrony;

/// <summary>
/// What the primary component algorithm adds to a primary regular configuration c:
/// <see cref="Continuing"/>, the members that come to c straight from the previous primary
/// component, still in its view (their old regular configuration was that primary component); and
/// <see cref="Names"/>, the virtual synchrony identifier of every member of c — unchanged for a
/// continuing member, for a merged one its next identifier (<c>q</c> the first time, then
/// <c>q~1</c>, <c>q~2</c>…). Every member computes the same values from the exchanged information.
/// <see cref="NeverUsed"/> are identifiers this process was given in primary components it never
/// installed (the others may have listed it in their views): merged now, it stops them first.
/// </summary>
public sealed record PrimaryViewInfo(ImmutableSortedSet<ProcessId> Continuing, ImmutableSortedDictionary<ProcessId, string> Names, ImmutableArray<string> NeverUsed = default)
{
    /// <summary><see cref="NeverUsed"/>, empty when not given.</summary>
    public ImmutableArray<string> NeverUsedNames => NeverUsed.IsDefault ? [] : NeverUsed;
}

/// <summary>
/// One input of the filter: an event of the process's EVS history (deliver_conf, send, deliver,
/// fail), and, on a regular deliver_conf marked primary, its <see cref="PrimaryViewInfo"/>.
/// </summary>
public sealed record FilterInput(EvsEvent Event, PrimaryViewInfo? Primary = null);
