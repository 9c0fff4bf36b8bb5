// docs/SCENARIOS.md, as types: what the world does to the processes — who is there, what they
// send, and which faults strike when. Read by ScenarioReader; run by Simulator.
using System.Collections.Immutable;
using Evs.Reference.Model;

namespace Evs.Reference.Simulation;

/// <summary>A whole scenario (docs/SCENARIOS.md); <see cref="Adversary"/>, when given, is on the network.</summary>
public sealed record Scenario(
    string Name,
    ImmutableArray<ProcessId> Processes,
    ImmutableArray<ImmutableArray<ProcessId>> Start,
    Traffic Traffic,
    NetworkConditions Network,
    ImmutableArray<ScenarioStep> Steps,
    AdversarySettings? Adversary = null)
{
    /// <summary>The stop step (every valid scenario has exactly one, last).</summary>
    public StopStep Stop => (StopStep)Steps[^1];
}

/// <summary>Background load: <see cref="Rate"/> messages per second per live process, of <see cref="Size"/> bytes, services drawn by weight.</summary>
public sealed record Traffic(double Rate, int Size, double CausalWeight, double AgreedWeight, double SafeWeight)
{
    /// <summary>No background traffic.</summary>
    public static Traffic None { get; } = new(0, 64, 1, 1, 1);
}

/// <summary>One-way delay drawn uniformly from [<see cref="MinDelayMs"/>, <see cref="MaxDelayMs"/>]; loss and duplication probabilities per packet.</summary>
public sealed record NetworkConditions(double MinDelayMs, double MaxDelayMs, double Loss, double Duplicate)
{
    /// <summary>A quiet LAN: 0.2 to 2 ms, nothing lost or duplicated.</summary>
    public static NetworkConditions Default { get; } = new(0.2, 2.0, 0, 0);
}

/// <summary>
/// One step: something that happens at virtual time <see cref="At"/> ms, or later behind a step before
/// it that waits (<see cref="When"/>). <see cref="Number"/> is its 1-based place in the file, for messages.
/// </summary>
public abstract record ScenarioStep(double At, int Number, int Line)
{
    /// <summary>
    /// For a crash or a partition: the step of the recovery algorithm it waits for, from <see cref="At"/>
    /// on (docs/SCENARIOS.md "when"); null for a step that happens at its time.
    /// </summary>
    public StepTrigger? When { get; init; }

    /// <summary>How messages name the step: <c>step 3 (at 2000 ms, line 9)</c>.</summary>
    public string Describe() => $"step {Number} (at {At} ms, line {Line})";
}

/// <summary>
/// A fault that strikes during a step of the recovery algorithm: at the first moment from its time on
/// that its process (a crash) or some live process (a partition) is in <see cref="Step"/>
/// (<see cref="RecoveryPicture"/>), and <see cref="WithinMs"/> after its time at the latest.
/// </summary>
public sealed record StepTrigger(PaperStep Step, double WithinMs)
{
    /// <summary>How long a step waits for its recovery step when the scenario does not say.</summary>
    public const double DefaultWithinMs = 1000;
}

/// <summary>The network splits into these components; a process in none is alone.</summary>
public sealed record PartitionStep(double At, int Number, int Line, ImmutableArray<ImmutableArray<ProcessId>> Components) : ScenarioStep(At, Number, Line);

/// <summary>One component again.</summary>
public sealed record HealStep(double At, int Number, int Line) : ScenarioStep(At, Number, Line);

/// <summary>The process fails, keeping only its stable storage.</summary>
public sealed record CrashStep(double At, int Number, int Line, ProcessId Process) : ScenarioStep(At, Number, Line);

/// <summary>
/// The application at the process asks it to leave gracefully (<see cref="Node.LeaveRequested"/>); it
/// stops once its leave is announced, and may then recover like a crashed process.
/// </summary>
public sealed record LeaveStep(double At, int Number, int Line, ProcessId Process) : ScenarioStep(At, Number, Line);

/// <summary>The process starts again from its stable storage, with the same identifier.</summary>
public sealed record RecoverStep(double At, int Number, int Line, ProcessId Process) : ScenarioStep(At, Number, Line);

/// <summary>The network changes from now on; a null field keeps its value.</summary>
public sealed record NetworkStep(double At, int Number, int Line, double? Loss, double? MinDelayMs, double? MaxDelayMs, double? Duplicate) : ScenarioStep(At, Number, Line);

/// <summary>
/// Directed faults on top of the components, replacing those set before (docs/SCENARIOS.md "links"):
/// an empty list removes them.
/// </summary>
public sealed record LinksStep(double At, int Number, int Line, ImmutableArray<LinkFault> Faults) : ScenarioStep(At, Number, Line);

/// <summary>
/// A packet from a process in <see cref="From"/> to a process in <see cref="To"/> is lost with
/// probability <see cref="Loss"/>: 1 cuts the link in that direction, leaving the other as it is.
/// </summary>
public sealed record LinkFault(ImmutableArray<ProcessId> From, ImmutableArray<ProcessId> To, double Loss)
{
    /// <summary>Whether a packet from <paramref name="from"/> to <paramref name="to"/> crosses this fault; a process always hears itself.</summary>
    public bool Covers(ProcessId from, ProcessId to) => from != to && From.Contains(from) && To.Contains(to);
}

/// <summary>The application at <see cref="From"/> asks to send <see cref="Count"/> messages.</summary>
public sealed record SendStep(double At, int Number, int Line, ProcessId From, DeliveryService Service, int Count) : ScenarioStep(At, Number, Line);

/// <summary>Traffic stops, partitions heal, and the run settles until quiescent or a time limit.</summary>
public sealed record StopStep(double At, int Number, int Line, bool RecoverAll) : ScenarioStep(At, Number, Line);
