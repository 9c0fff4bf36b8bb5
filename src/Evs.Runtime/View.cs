// The real network (the library API): the configuration a process is in, as the application sees
// it, with what changed since the regular configuration before it and why, when the process can
// know why (the paper's deliver_conf_p(c), Section 2, with the cause Spread and Corosync give with
// each change). A partition and a failure cannot be told apart by any process (Section 2: "the
// processes ... cannot distinguish between a failed process and one in another component"), so
// they share one cause; a restart of this process from stable storage is a cause of its own.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>Why the configuration changed, as far as this process knows.</summary>
public enum ChangeCause
{
    /// <summary>This process started for the first time (no stable state): its first regular configuration.</summary>
    Started,

    /// <summary>
    /// This process restarted from stable storage after it failed (a crash, kill -9, or a stop):
    /// its singleton configuration; <see cref="View.FailedIn"/> is the configuration it failed in.
    /// </summary>
    Recovered,

    /// <summary>
    /// Processes of the previous regular configuration are no longer reachable: a partition or
    /// their failure, which no process can tell apart (<see cref="View.Left"/>).
    /// </summary>
    Unreachable,

    /// <summary>Other processes joined: components that hear each other again merged (<see cref="View.Joined"/>).</summary>
    Merged,

    /// <summary>Both at once: some processes became unreachable and others joined.</summary>
    UnreachableAndMerged,

    /// <summary>Processes left gracefully, announcing their leave (<see cref="View.LeftGracefully"/>), and nobody else changed.</summary>
    GracefulLeave,

    /// <summary>
    /// The same members formed a new ring: the token was lost, or a member failed to receive, and
    /// nobody turned out to be gone. Nothing changed for the application but the configuration.
    /// </summary>
    Reformed,
}

/// <summary>
/// A configuration of this process, regular or transitional (the paper's Section 2), and how it
/// differs from the previous regular configuration of this process's run.
/// </summary>
/// <param name="Configuration">Its identifier, the same at every member (<see cref="ConfigurationId.Ring"/> and its other parts are typed).</param>
/// <param name="Kind">Regular (new messages are sent and delivered) or transitional (only the previous regular configuration's messages are delivered).</param>
/// <param name="Members">Its members, sorted.</param>
/// <param name="Primary">For a regular configuration, whether the primary component algorithm counts it primary; null when none runs, and for a transitional one.</param>
/// <param name="PreviousRegular">For a transitional configuration, the regular configuration it follows (reg_p(c)).</param>
/// <param name="Joined">The members that were not in the previous regular configuration (all of them, this process included, for a first configuration).</param>
/// <param name="Left">The members of the previous regular configuration that are not members now (for a transitional configuration, those that did not move with this process).</param>
/// <param name="LeftGracefully">Those of <paramref name="Left"/> that announced their leave; the others became unreachable.</param>
/// <param name="Cause">Why the configuration changed (<see cref="ChangeCause"/>).</param>
/// <param name="FailedIn">With <see cref="ChangeCause.Recovered"/>, the configuration this process failed in (as its stable storage or trace knows it), or null when it failed before it had one.</param>
public sealed record View(
    ConfigurationId Configuration,
    ConfigurationKind Kind,
    ImmutableArray<ProcessId> Members,
    bool? Primary,
    ConfigurationId? PreviousRegular,
    ImmutableArray<ProcessId> Joined,
    ImmutableArray<ProcessId> Left,
    ImmutableArray<ProcessId> LeftGracefully,
    ChangeCause Cause,
    ConfigurationId? FailedIn)
{
    /// <summary>Equal views have equal fields, the member lists compared element by element.</summary>
    public bool Equals(View? other) =>
        other is not null && Configuration == other.Configuration && Kind == other.Kind && Primary == other.Primary
        && PreviousRegular == other.PreviousRegular && Cause == other.Cause && FailedIn == other.FailedIn
        && Members.SequenceEqual(other.Members) && Joined.SequenceEqual(other.Joined) && Left.SequenceEqual(other.Left)
        && LeftGracefully.SequenceEqual(other.LeftGracefully);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Configuration, Kind, Members.Length);
}

/// <summary>How a process's start shapes the cause of its first configuration.</summary>
internal enum RunStart
{
    /// <summary>A first start: no stable state.</summary>
    First,

    /// <summary>A restart from stable storage.</summary>
    Recovery,
}

/// <summary>
/// Builds the <see cref="View"/> of each configuration a process delivers, one after the other,
/// from what the process knows: how its run started, the previous regular configuration, and
/// who announced a leave. Called on the node's event loop only.
/// </summary>
internal sealed class ViewHistory(RunStart start, ConfigurationId? failedIn)
{
    private Configuration? _previousRegular;
    private bool _first = true;

    /// <summary>
    /// The view of <paramref name="configuration"/>, delivered next; <paramref name="leftGracefully"/>
    /// are the processes the core says left with a graceful leave (ConfigurationDelivered.Left).
    /// </summary>
    public View Next(Configuration configuration, IEnumerable<ProcessId>? leftGracefully)
    {
        var before = _previousRegular?.Members ?? [];
        var joined = configuration.Kind == ConfigurationKind.Regular ? configuration.Members.Except(before).ToImmutableArray() : [];
        var left = before.Except(configuration.Members).ToImmutableArray();
        var graceful = left.Where(p => leftGracefully?.Contains(p) == true).ToImmutableArray();
        var cause = _first ? (start == RunStart.First ? ChangeCause.Started : ChangeCause.Recovered) : CauseOf(joined, left.Length - graceful.Length, graceful.Length);
        var view = new View(configuration.Id, configuration.Kind, configuration.Members, configuration.Primary, configuration.PreviousRegular,
            joined, left, graceful, cause, cause == ChangeCause.Recovered ? failedIn : null);
        if (configuration.Kind == ConfigurationKind.Regular)
        {
            _previousRegular = configuration;
            _first = false;
        }
        return view;
    }

    // A change between two configurations of a run: who is gone, who came, or neither.
    private static ChangeCause CauseOf(ImmutableArray<ProcessId> joined, int unreachable, int graceful) =>
        (unreachable > 0, joined.Length > 0) switch
        {
            (true, true) => ChangeCause.UnreachableAndMerged,
            (true, false) => ChangeCause.Unreachable,
            (false, true) => ChangeCause.Merged,
            _ => graceful > 0 ? ChangeCause.GracefulLeave : ChangeCause.Reformed,
        };
}
