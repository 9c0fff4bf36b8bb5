// Named groups, the names of their views: every member of a group view computes its identifier on
// its own, from what the ring's total order gave everyone, so the members agree without a word
// (docs/TRACE.md, "Groups"). Each name says where the view comes from, and no two views of a
// group share one: the ring's identifiers are unique in a run, and so are its message identifiers.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.Groups;

/// <summary>How the group layer names the views of a group.</summary>
public static class GroupViewNames
{
    /// <summary>
    /// <c>J:&lt;join&gt;</c>: the joiner's own view, installed when the ring sends its join, so that
    /// a rejoin after a leave starts, as the model asks after a fail (M.1), with the joiner alone.
    /// </summary>
    public static ConfigurationId Joining(MessageId join) => new($"J:{join}");

    /// <summary>
    /// <c>F:&lt;message&gt;{members}</c>: the view a flush completes at <paramref name="completing"/>. The
    /// members are part of the name: a member that missed a leave (a transitional configuration may
    /// skip the messages of a sender outside it) computes other members at the same message, and
    /// then holds another view, not the same view with other members.
    /// </summary>
    public static ConfigurationId Flushed(MessageId completing, ImmutableArray<ProcessId> members) =>
        new($"F:{completing}{{{string.Join(",", members)}}}");

    /// <summary><c>S:&lt;message&gt;</c>: the view a sync completes at <paramref name="completing"/>, the last state of the ring's members.</summary>
    public static ConfigurationId Synced(MessageId completing) => new($"S:{completing}");

    /// <summary><c>&lt;ring&gt;~&lt;transitional view&gt;</c>: the view a ring change leaves the members of a transitional view in until the sync.</summary>
    public static ConfigurationId SubView(ConfigurationId ring, ConfigurationId transitional) => new($"{ring}~{transitional}");

    /// <summary><c>T:&lt;next&gt;/&lt;reg&gt;</c>: the transitional view from <paramref name="regular"/> towards <paramref name="next"/>, a group view or a ring's transitional configuration.</summary>
    public static ConfigurationId Transitional(ConfigurationId next, ConfigurationId regular) => new($"T:{next}/{regular}");
}
