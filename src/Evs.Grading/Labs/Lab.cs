// The labs (labs/README.md): eight exercises, each a class or two of the library whose bodies a
// student writes again from the paper, one for each step of the algorithm and for the membership
// and primary component algorithms under and over it. This file is the catalog the `evs lab` command and the
// lab tests read: where each lab lives, which library files the student's files replace, and
// which specifications judge the result.
using System.Collections.Immutable;

namespace Evs.Grading.Labs;

/// <summary>Which checker judges a lab's runs.</summary>
public enum Judge
{
    /// <summary>Specifications 1.1-7.2 of extended virtual synchrony, on the simulator's trace.</summary>
    ExtendedVirtualSynchrony,

    /// <summary>Birman's C1-C3 and L1-L5, on the history the virtual synchrony filter makes of the run.</summary>
    VirtualSynchrony,

    /// <summary>
    /// The primary component model's Uniqueness (PC.1) and Continuity (PC.2), on the trace of the run
    /// with a primary component algorithm: majority for an odd run seed, dynamic linear voting for an
    /// even one (<see cref="Schedules.GeneratedScenario.FilterAlgorithmOf"/>), so that both are exercised.
    /// </summary>
    PrimaryComponent,
}

/// <summary>
/// One lab: its number, its folder under <c>labs/</c>, its title, the library files (relative to
/// <c>src/Evs.Reference</c>) that the student rewrites, the checker that grades them, and the
/// cases it plays by hand before the schedules (<see cref="HandCase"/>).
/// </summary>
public sealed record Lab(int Number, string Folder, string Title, ImmutableArray<string> LibraryFiles, Judge Judge, ImmutableArray<HandCase> Cases)
{
    /// <summary>The file names the student edits (<c>DeliveryRule.cs</c>), in the catalog's order.</summary>
    public IEnumerable<string> FileNames => LibraryFiles.Select(Path.GetFileName).OfType<string>();

    /// <summary>What judges the lab, in words (<c>evs lab list</c>'s column).</summary>
    public string GradedBy => Judge switch
    {
        Judge.VirtualSynchrony => "C1-C3, L1-L5",
        Judge.PrimaryComponent => "PC.1, PC.2",
        _ => "Specifications 1.1-7.2",
    };

    /// <summary>
    /// The eight labs: the first four in the order a course takes them (step 1, step 6, step 5.c,
    /// the filter), then the steps and algorithms added since (step 4, steps 5.a-b, the primary
    /// component algorithms, Totem's membership).
    /// </summary>
    public static ImmutableArray<Lab> All { get; } =
    [
        new(1, "01-delivery-rules", "The token and the agreed and safe delivery rules (step 1)",
            ["Ordering/AruRule.cs", "Ordering/DeliveryRule.cs"], Judge.ExtendedVirtualSynchrony, []),
        new(2, "02-transitional-delivery", "The transitional configuration and the deliveries of step 6",
            ["Recovery/Step6Delivery.cs"], Judge.ExtendedVirtualSynchrony, []),
        new(3, "03-obligation-sets", "Obligation sets (step 5.c) and the case of the proof in Section 3.2",
            ["Recovery/ObligationSet.cs"], Judge.ExtendedVirtualSynchrony, [HandCase.Section32]),
        new(4, "04-virtual-synchrony-filter", "The virtual synchrony filter, Rules 1-4 (Section 5)",
            ["VirtualSynchrony/Rule1MaskTransitional.cs", "VirtualSynchrony/Rule2BlockOutsidePrimary.cs",
             "VirtualSynchrony/Rule3SplitMerge.cs", "VirtualSynchrony/Rule4MergeIntoPrimary.cs"], Judge.VirtualSynchrony, [HandCase.Partition]),
        new(5, "05-transitional-membership", "The transitional configuration's members and the messages to rebroadcast (step 4)",
            ["Recovery/Step4TransitionalConfiguration.cs"], Judge.ExtendedVirtualSynchrony, []),
        new(6, "06-rebroadcast", "Rebroadcasting and acknowledging the old messages, and the end of recovery (steps 5.a-b)",
            ["Recovery/Step5Rebroadcast.cs"], Judge.ExtendedVirtualSynchrony, [HandCase.Section32]),
        new(7, "07-primary-component", "The primary component algorithms: majority and dynamic linear voting (Section 5)",
            ["PrimaryComponent/Majority.cs", "PrimaryComponent/DynamicLinearVoting.cs"], Judge.PrimaryComponent, [HandCase.Voting]),
        new(8, "08-membership", "Totem's membership: gather and consensus",
            ["Membership/Gather.cs"], Judge.ExtendedVirtualSynchrony, [HandCase.Membership]),
    ];

    /// <summary>The lab with this number, or null.</summary>
    public static Lab? Find(int number) => All.FirstOrDefault(l => l.Number == number);

    /// <summary>
    /// Where a failure of <paramref name="spec"/> most likely comes from in this lab's files, or
    /// null when the specification points to no one class (most of them, in most labs).
    /// </summary>
    public Suspect? MostLikelyIn(string spec) => Suspects.FirstOrDefault(s => s.Specs.Contains(spec));

    /// <summary>The specifications of this lab that point to one class or rule, with the paper's reason (<see cref="SuspectsByLab"/>).</summary>
    public ImmutableArray<Suspect> Suspects => SuspectsByLab.GetValueOrDefault(Number, []);

    /// <summary>
    /// For each lab, the rows whose failure points to one of its classes or rules, and why. Only
    /// where the paper (or the lab's own design) ties the specification to that code: a row that
    /// any of the lab's classes could break has no entry, rather than a guess. Kept apart from
    /// <see cref="All"/> so that a lab's line in the catalog stays one line.
    /// </summary>
    private static readonly ImmutableDictionary<int, ImmutableArray<Suspect>> SuspectsByLab = new Dictionary<int, ImmutableArray<Suspect>>
    {
        [1] =
        [
            new(["5", "6.3"], "DeliveryRule.MayDeliver",
                "the only rule here that orders deliveries: a message is delivered only right after the one before it in the ring's total order " +
                "(seq == deliveredUpTo + 1), which also keeps causal order (Section 3, step 1); AruRule only decides when a safe message may go"),
            new(["7.1", "7.2"], "DeliveryRule.MayDeliver's safe condition, or AruRule.ReceivedByAll/Apply",
                "a safe message may be delivered only once every member is known to have received it (seq <= receivedByAll); delivered earlier, " +
                "some member of the configuration may never deliver it (Specifications 7.1, 7.2). Either the condition is wrong, or the aru it is given is too high"),
        ],
        [2] =
        [
            new(["5"], "Step6Delivery, step 6.a (DiscardAfterFirstUnavailable)",
                "after the first message nobody in the transitional configuration has, a message of a process outside it may depend on the missing one: step 6.a discards it (Section 3)"),
            new(["3"], "Step6Delivery, step 6.a (DiscardAfterFirstUnavailable)",
                "step 6.a discards only messages of processes outside the transitional configuration: a member's own message is always kept and delivered (Section 3.2 on Specification 3)"),
            new(["4"], "Step6Delivery: what it computes the deliveries from",
                "after step 5 every member of the transitional configuration holds the same messages and the same exchanged information; deliveries computed from those alone " +
                "are the same at every member (Section 3.2 on Specification 4). Something only this process knows breaks it"),
            new(["7.2"], "Step6Delivery, step 6.b (DeliverSafeInRegular, SafeInRegular)",
                "in the old regular configuration step 6.b delivers a safe message only if some member knew every member had received it (SafeInRegular); " +
                "the rest waits for the transitional configuration (Section 3, step 6.b; Specification 7.2)"),
        ],
        [3] =
        [
            new([Section32Case.Spec], "ObligationSet.Extend (5.c), Contains and With",
                "a process that acknowledged every rebroadcast takes on the obligations of the transitional configuration's members (step 5.c), and step 6.a keeps the messages of every process it is obligated to (Section 3.2)"),
        ],
        [5] =
        [
            new(["M.2"], "Step4TransitionalConfiguration.Members (4.a)",
                "the transitional configuration holds only the members of the new configuration whose previous regular configuration is this process's (step 4.a); " +
                "a member from another configuration makes a transitional configuration that is not a subset of the regular configuration it follows (the model's rule M.2)"),
            new(["4"], "Step4TransitionalConfiguration.MessagesToRebroadcast (4.b)",
                "every old message that some member of the transitional configuration lacks must be rebroadcast by a member that holds it (step 4.b); " +
                "one that nobody rebroadcasts is delivered by some members of the transitional configuration only (Specification 4, Failure Atomicity)"),
        ],
        [6] =
        [
            new([Section32Case.Spec], "Step5Rebroadcast.Ends and AcknowledgesAll",
                "step 5.b ends only once every member has acknowledged every rebroadcast knowing that no more will come, and so has taken on its obligations (5.c): ended earlier, a member that fails leaves the others free to discard what was delivered as safe (Section 3.2); " +
                "and a member makes that acknowledgment exactly when it holds every rebroadcast and knows that no more come"),
            new(["settles"], "Step5Rebroadcast.NoMoreRebroadcasts/AllAcknowledged",
                "a run that never becomes quiescent with this lab's file is a recovery that never ends: the conditions that end step 5.b never come true"),
        ],
        [4] =
        [
            new(["L4"], "Rule1MaskTransitional.Release and Rule3SplitMerge.Continue",
                "Rule 1 turns deliver(m, trans(c)) into deliver(m, reg(c)): held deliveries go into the view m was sent in, before the new views (Section 5.1 on L4)"),
            new(["L5"], "Rule2BlockOutsidePrimary.Leave",
                "a process that leaves the primary component stops and drops what Rule 1 held: shown, a held message may come before one Extend imputes after it " +
                "and the others delivered before it (lab 4's partition case). When L4 fails too, held deliveries are in the wrong view: mend that first"),
            new(["L3"], "Rule3SplitMerge.Views and Rule4MergeIntoPrimary.ViewsInstalledBy",
                "every member must cut a primary configuration into the same views, with the same names and members, by one deterministic split (Rule 3; Section 5.1 on L3)"),
            new(["C1"], "Rule2BlockOutsidePrimary.Send and Deliver",
                "a send and its deliveries pass only in the configuration the current view was cut from; a delivery shown whose send was discarded has no cause in H"),
        ],
    }.ToImmutableDictionary();
}

/// <summary>
/// Where a lab's failing rows most likely come from: <paramref name="Specs"/>, the rows (a
/// specification's number, or <c>3.2</c>, <c>settles</c>); <paramref name="Where"/>, the class, method
/// or step; <paramref name="Why"/>, the paper's reason that ties them.
/// </summary>
public sealed record Suspect(ImmutableArray<string> Specs, string Where, string Why)
{
    /// <summary>What <c>evs lab check</c> prints under a failing row: <c>most likely in: Where — Why</c>.</summary>
    public string Line => $"most likely in: {Where} — {Why}";
}
