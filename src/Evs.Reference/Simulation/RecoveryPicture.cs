// Which step of the paper's recovery algorithm (Section 3) each live process is in, read from the
// nodes between two inputs (their snapshots: nothing is added to the protocol for it). Two users:
// a scenario step that waits for a recovery step ("when", docs/SCENARIOS.md), so that generated
// schedules strike where recovery is hardest, and the simulator's coverage (docs/COVERAGE.md),
// which counts the faults that struck during each step.
//
// The steps as this implementation walks them (Recovery/RecoveryAttempt):
//   Step 2  "Buffer or reject all new messages from the application until this process delivers a
//           configuration change message for a regular configuration": the whole attempt, Totem's
//           Commit and Recovery states.
//   Step 3  "Exchange information with each process of the proposed new configuration": the
//           commit token circulates, Totem's Commit state.
//   Step 4  the transitional configuration and the messages to rebroadcast are determined (when
//           the exchange is complete) and the proposed ring's token has not yet visited this
//           process, so its rebroadcasts have not begun: Recovery state, no token visit yet.
//   Step 5  "Rebroadcast messages as required by Step 4.b": Recovery state, the token has visited.
//   Step 6  "performed locally as an atomic action": no process is ever inside it. A ring is in
//           its step 6 from the moment its first member performed it (installed the new regular
//           configuration) until its last member does; every member of the ring is then in step 6.
// Only a process that comes from a regular configuration is counted as recovering: the first
// formation of a ring, by processes that never had a configuration, has nothing to recover.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Recovery;

namespace Evs.Reference.Simulation;

/// <summary>A step of the paper's recovery algorithm (Section 3), by its number.</summary>
public enum PaperStep
{
    /// <summary>"Buffer or reject all new messages from the application until this process delivers a configuration change message for a regular configuration."</summary>
    Step2 = 2,

    /// <summary>"Exchange information with each process of the proposed new configuration."</summary>
    Step3 = 3,

    /// <summary>"Determine the members of the proposed transitional configuration of this process … Determine the messages to be rebroadcast."</summary>
    Step4 = 4,

    /// <summary>"Rebroadcast messages as required by Step 4.b and acknowledge receipt of such messages."</summary>
    Step5 = 5,

    /// <summary>"The parts of Step 6 are performed locally as an atomic action": the deliveries and the two configuration changes.</summary>
    Step6 = 6,
}

/// <summary>The names of <see cref="PaperStep"/>s in scenario files: <c>step2</c> to <c>step6</c>.</summary>
public static class PaperStepNames
{
    /// <summary>Every step's name, in order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<PaperStep>().Select(ToName)];

    /// <summary><c>step5</c> for <see cref="PaperStep.Step5"/>.</summary>
    public static string ToName(this PaperStep step) => $"step{(int)step}";

    /// <summary>The step named <paramref name="name"/>, if it is one.</summary>
    public static bool TryParse(string name, out PaperStep step)
    {
        step = default;
        foreach (var candidate in Enum.GetValues<PaperStep>())
            if (candidate.ToName() == name)
            {
                step = candidate;
                return true;
            }
        return false;
    }
}

/// <summary>One process performing the recovery algorithm towards a proposed configuration.</summary>
/// <param name="Process">The process.</param>
/// <param name="ProposedRing">The ring it is recovering towards.</param>
/// <param name="Members">The proposed configuration's members.</param>
/// <param name="Step">Step 3, 4 or 5 (it is in step 2 too, throughout).</param>
/// <param name="Obligations">Its obligation set now.</param>
public sealed record RecoveringProcess(ProcessId Process, RingId ProposedRing, ImmutableArray<ProcessId> Members, PaperStep Step, ObligationSet Obligations)
{
    /// <summary>
    /// The process as its snapshot shows it, when it is recovering from a regular configuration;
    /// null when it is operational, gathering, or forming its first ring.
    /// </summary>
    public static RecoveringProcess? Of(NodeSnapshot node)
    {
        if (node.Recovery is not { } attempt || node.Regular is null) return null;
        var step = node.State == MembershipState.Commit ? PaperStep.Step3
            : attempt.Ring is { Visits: > 0 } ? PaperStep.Step5
            : PaperStep.Step4;
        return new RecoveringProcess(node.Id, attempt.ProposedRing, attempt.Members, step, node.Obligations);
    }
}

/// <summary>Where every live process is in the recovery algorithm, at one moment.</summary>
public sealed class RecoveryPicture
{
    private readonly IReadOnlyDictionary<ProcessId, RecoveringProcess> _recovering;
    private readonly IReadOnlyDictionary<RingId, ImmutableArray<ProcessId>> _ringsInStep6;

    private RecoveryPicture(IReadOnlyDictionary<ProcessId, RecoveringProcess> recovering, IReadOnlyDictionary<RingId, ImmutableArray<ProcessId>> ringsInStep6)
    {
        _recovering = recovering;
        _ringsInStep6 = ringsInStep6;
    }

    /// <summary>
    /// The picture of the <paramref name="live"/> nodes. Only a node in Commit or Recovery is
    /// snapshotted; the others are read through their cheap <see cref="IProtocolNode.Progress"/>.
    /// </summary>
    public static RecoveryPicture Of(IEnumerable<IProtocolNode> live)
    {
        var nodes = live.ToList();
        var recovering = new Dictionary<ProcessId, RecoveringProcess>();
        foreach (var node in nodes.Where(n => n.State is MembershipState.Commit or MembershipState.Recovery))
            if (RecoveringProcess.Of(node.Snapshot()) is { } process) recovering[process.Process] = process;
        var installed = nodes.Where(n => n.State == MembershipState.Operational).Select(n => n.Progress().Ring).ToHashSet();
        var ringsInStep6 = new Dictionary<RingId, ImmutableArray<ProcessId>>();
        foreach (var process in recovering.Values.Where(r => installed.Contains(r.ProposedRing)))
            ringsInStep6[process.ProposedRing] = process.Members;
        return new RecoveryPicture(recovering, ringsInStep6);
    }

    /// <summary>
    /// Whether <paramref name="process"/> (or, when null, some live process) is in <paramref name="step"/>:
    /// what <c>Of(live).IsIn(process, step)</c> (or <c>AnyIn(step)</c>) says, reading as little as it can,
    /// for the simulator to ask after every input while a scenario step waits. Steps 2 and 3 need
    /// no snapshot; steps 4 to 6 snapshot only the nodes in Recovery, and step 6 only when some
    /// node has installed a ring.
    /// </summary>
    public static bool Holds(IReadOnlyCollection<IProtocolNode> live, ProcessId? process, PaperStep step)
    {
        bool Recovering(IProtocolNode n) => n.State is MembershipState.Commit or MembershipState.Recovery && n.Progress().Ring is not null;
        var recovering = live.Where(Recovering);
        switch (step)
        {
            case PaperStep.Step2:
                return recovering.Any(n => process is null || n.Id == process);
            case PaperStep.Step3:
                return recovering.Any(n => (process is null || n.Id == process) && n.State == MembershipState.Commit);
            case PaperStep.Step4 or PaperStep.Step5:
                return recovering.Any(n => (process is null || n.Id == process) && n.State == MembershipState.Recovery
                    && RecoveringProcess.Of(n.Snapshot())?.Step == step);
            default:
                var rebroadcasting = recovering.Where(n => n.State == MembershipState.Recovery).ToList();
                if (rebroadcasting.Count == 0) return false;
                var installed = live.Where(n => n.State == MembershipState.Operational).Select(n => n.Progress().Ring).ToHashSet();
                return installed.Count > 0 && rebroadcasting.Select(n => RecoveringProcess.Of(n.Snapshot()))
                    .Any(r => r is not null && installed.Contains(r.ProposedRing) && (process is not { } p || r.Members.Contains(p)));
        }
    }

    /// <summary>The processes performing the recovery algorithm, by process.</summary>
    public IReadOnlyDictionary<ProcessId, RecoveringProcess> Recovering => _recovering;

    /// <summary>Whether any live process is in <paramref name="step"/>.</summary>
    public bool AnyIn(PaperStep step) => RingsIn(step).Any();

    /// <summary>
    /// Whether <paramref name="process"/> is in <paramref name="step"/>: itself, for steps 2 to 5;
    /// as a member of a ring in its step 6, whether it has installed that ring already or not yet.
    /// </summary>
    public bool IsIn(ProcessId process, PaperStep step) => step switch
    {
        PaperStep.Step6 => _ringsInStep6.Values.Any(members => members.Contains(process)),
        PaperStep.Step2 => _recovering.ContainsKey(process),
        _ => _recovering.TryGetValue(process, out var r) && r.Step == step,
    };

    /// <summary>
    /// The members of every proposed configuration that some live member is in <paramref name="step"/>
    /// of: towards which a process is in steps 2 to 5, or, for step 6, whose ring some members have
    /// installed and others not yet (then every member is in step 6). For steps 2 to 5, a process
    /// counts as a member of its own proposed configuration only: the others' steps are their own.
    /// </summary>
    public IEnumerable<ImmutableArray<ProcessId>> RingsIn(PaperStep step) => step switch
    {
        PaperStep.Step6 => _ringsInStep6.Values,
        PaperStep.Step2 => _recovering.Values.Select(r => r.Members),
        _ => _recovering.Values.Where(r => r.Step == step).Select(r => r.Members),
    };
}
