// The simulator's eyes for coverage (docs/COVERAGE.md): it hears what the simulator sees — a node's
// outputs and, while the node is recovering, its snapshot after each input; a crash, a recovery, a
// partition, with the recovery picture just before it; a token the network loses — and counts the
// named situations (Situation). It only reads: a run observed gives the same trace, byte for byte,
// as the same run unobserved.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;

namespace Evs.Reference.Simulation;

/// <summary>Counts the <see cref="Situation"/>s of one run as the simulator reports what happens.</summary>
internal sealed class CoverageObserver(bool withPrimaryComponentAlgorithm)
{
    /// <summary>What is known of one live process's recovery since it last installed a regular configuration.</summary>
    private sealed class Attempts
    {
        /// <summary>The attempt under way, as last seen.</summary>
        public RecoveringProcess? Current { get; set; }

        /// <summary>The attempts interrupted since the last installation, oldest first.</summary>
        public List<RecoveringProcess> Interrupted { get; } = [];

        /// <summary>The obligation set last seen: it only grows until step 6 empties it.</summary>
        public ObligationSet Obligations { get; set; } = ObligationSet.Empty;
    }

    /// <summary>A process that installed a ring after delivering a safe message in its transitional configuration (step 6.d).</summary>
    private sealed record SafeInTransitional(ProcessId Installer, ImmutableArray<ProcessId> Transitional);

    private readonly Dictionary<Situation, int> _counts = Enum.GetValues<Situation>().ToDictionary(s => s, _ => 0);
    private readonly Dictionary<ProcessId, Attempts> _attempts = new();
    private readonly Dictionary<ConfigurationId, List<SafeInTransitional>> _safeInTransitional = new();
    private readonly HashSet<ProcessId> _failedInStep5 = [];
    private readonly Dictionary<ProcessId, bool> _inPrimary = new();
    private bool _hadPrimary;
    private bool _primaryLost;

    /// <summary>
    /// <paramref name="p"/>'s node (still live) handled an input and gave <paramref name="outputs"/>:
    /// its attempts at recovery, its installations and its primary components are followed here.
    /// </summary>
    public void Handled(ProcessId p, IProtocolNode node, IReadOnlyList<NodeOutput> outputs)
    {
        var attempts = AttemptsOf(p);
        switch (node.State)
        {
            case MembershipState.Commit or MembershipState.Recovery:
                if (RecoveringProcess.Of(node.Snapshot()) is { } now) Recovering(attempts, now);
                break;
            case MembershipState.Gather:
                Interrupt(attempts);
                break;
        }
        Installed(p, attempts, outputs);
    }

    /// <summary>
    /// <paramref name="p"/> crashes, with the processes recovering as <paramref name="picture"/>
    /// shows them: a failure during each step in which a member of a proposed configuration that
    /// has <paramref name="p"/> is.
    /// </summary>
    public void Crashing(ProcessId p, RecoveryPicture picture)
    {
        foreach (var step in Enum.GetValues<PaperStep>())
            if (picture.RingsIn(step).Any(members => members.Contains(p))) Count(FailureDuring(step));
        if (picture.IsIn(p, PaperStep.Step5)) _failedInStep5.Add(p);
        _attempts.Remove(p);
        _inPrimary.Remove(p);
        FollowPrimary();
    }

    /// <summary><paramref name="p"/> starts again from its stable storage.</summary>
    public void Recovered(ProcessId p)
    {
        if (_failedInStep5.Remove(p)) Count(Situation.RecoveryAfterFailureInStep5);
    }

    /// <summary>
    /// The network was split, with the processes recovering as <paramref name="before"/> shows them:
    /// a failure during each step of which some proposed configuration has <paramref name="live"/>
    /// members that can no longer reach each other.
    /// </summary>
    public void Partitioned(RecoveryPicture before, IReadOnlySet<ProcessId> live, Func<ProcessId, ProcessId, bool> connected)
    {
        foreach (var step in Enum.GetValues<PaperStep>())
            if (before.RingsIn(step).Any(members => Cut(members.Where(live.Contains).ToList(), connected))) Count(FailureDuring(step));
    }

    /// <summary>The network lost <paramref name="packet"/> on its way to the live <paramref name="addressee"/>, which it could have reached.</summary>
    public void Lost(Packet packet, IProtocolNode addressee)
    {
        if (packet is not (Token or CommitToken)) return;
        switch (addressee.State)
        {
            case MembershipState.Gather when packet is CommitToken:
                Count(Situation.TokenLossInGather);
                break;
            case MembershipState.Commit when packet is CommitToken && ProposedRingOf(addressee) == packet.Ring:
                Count(Situation.TokenLossInCommit);
                break;
            case MembershipState.Recovery when ProposedRingOf(addressee) == packet.Ring:
                Count(Situation.TokenLossInRecovery);
                break;
        }
    }

    /// <summary>The counts of the run so far.</summary>
    public SimulationCoverage Result() => new(_counts.ToImmutableSortedDictionary(), withPrimaryComponentAlgorithm);

    private static RingId? ProposedRingOf(IProtocolNode node) => node.Snapshot().Recovery?.ProposedRing;

    private static Situation FailureDuring(PaperStep step) => step switch
    {
        PaperStep.Step2 => Situation.FailureDuringStep2,
        PaperStep.Step3 => Situation.FailureDuringStep3,
        PaperStep.Step4 => Situation.FailureDuringStep4,
        PaperStep.Step5 => Situation.FailureDuringStep5,
        _ => Situation.FailureDuringStep6,
    };

    private static bool Cut(List<ProcessId> members, Func<ProcessId, ProcessId, bool> connected) =>
        members.Any(a => members.Any(b => !connected(a, b)));

    private Attempts AttemptsOf(ProcessId p)
    {
        if (!_attempts.TryGetValue(p, out var attempts)) _attempts[p] = attempts = new Attempts();
        return attempts;
    }

    // An attempt seen: a new one after an interrupted one may be a merge during recovery; one for
    // another ring than the attempt under way means that attempt was given up within one input.
    private void Recovering(Attempts attempts, RecoveringProcess now)
    {
        if (attempts.Current is { } current && current.ProposedRing != now.ProposedRing) Interrupt(attempts);
        if (attempts.Current is null && attempts.Interrupted.LastOrDefault() is { } interrupted && now.Members.Except(interrupted.Members).Any())
            Count(Situation.MergeDuringRecovery);
        attempts.Current = now;
        attempts.Obligations = now.Obligations;
    }

    private static void Interrupt(Attempts attempts)
    {
        if (attempts.Current is not { } current) return;
        attempts.Interrupted.Add(current);
        attempts.Current = null;
    }

    // Step 6 at p, when its outputs hold it: the deliveries of its transitional configuration, and
    // the case of Section 3.2 if an attempt p gave up had been relied on by a process that installed.
    private void Installed(ProcessId p, Attempts attempts, IReadOnlyList<NodeOutput> outputs)
    {
        var configurations = outputs.OfType<ConfigurationDelivered>().Select(c => c.Configuration).ToList();
        if (configurations.FirstOrDefault(c => c.Kind == ConfigurationKind.Regular) is not { } regular) return;
        if (configurations.FirstOrDefault(c => c.Kind == ConfigurationKind.Transitional) is { } transitional)
        {
            if (outputs.OfType<MessageDelivered>().Any(d => d.Configuration == transitional.Id && d.Service == DeliveryService.Safe))
                SafeInTransitionalOf(regular.Id).Add(new SafeInTransitional(p, transitional.Members));
            if (ReliedOnByAnInstaller(p, attempts)) Count(Situation.Section32Case);
        }
        _attempts[p] = new Attempts();
        if (regular.Primary is { } primary)
        {
            _inPrimary[p] = primary;
            FollowPrimary();
        }
    }

    // Whether, of an attempt p gave up, another process installed the ring after delivering a safe
    // message in a transitional configuration that had p, and p still carries that process in its
    // obligation set into this step 6.
    private bool ReliedOnByAnInstaller(ProcessId p, Attempts attempts) =>
        attempts.Interrupted.Any(interrupted =>
            _safeInTransitional.TryGetValue(ConfigurationId.Regular(interrupted.ProposedRing), out var installers)
            && installers.Any(i => i.Installer != p && i.Transitional.Contains(p) && attempts.Obligations.Contains(i.Installer)));

    private List<SafeInTransitional> SafeInTransitionalOf(ConfigurationId ring)
    {
        if (!_safeInTransitional.TryGetValue(ring, out var list)) _safeInTransitional[ring] = list = [];
        return list;
    }

    // Lost: after a primary component, no live process's last regular configuration is primary.
    // Regained: a primary component again after that.
    private void FollowPrimary()
    {
        if (!_inPrimary.ContainsValue(true))
        {
            _primaryLost |= _hadPrimary;
            return;
        }
        if (_primaryLost) Count(Situation.PrimaryComponentLostAndRegained);
        _primaryLost = false;
        _hadPrimary = true;
    }

    private void Count(Situation situation) => _counts[situation]++;
}
