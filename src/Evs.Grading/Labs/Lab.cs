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
/// <c>src/Evs.Reference</c>) that the student rewrites, and the checker that grades them;
/// <paramref name="Section32"/> adds the case of Section 3.2, played out by hand (<see cref="Section32Case"/>).
/// </summary>
public sealed record Lab(int Number, string Folder, string Title, ImmutableArray<string> LibraryFiles, Judge Judge, bool Section32 = false)
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
            ["Ordering/AruRule.cs", "Ordering/DeliveryRule.cs"], Judge.ExtendedVirtualSynchrony),
        new(2, "02-transitional-delivery", "The transitional configuration and the deliveries of step 6",
            ["Recovery/Step6Delivery.cs"], Judge.ExtendedVirtualSynchrony),
        new(3, "03-obligation-sets", "Obligation sets (step 5.c) and the case of the proof in Section 3.2",
            ["Recovery/ObligationSet.cs"], Judge.ExtendedVirtualSynchrony, Section32: true),
        new(4, "04-virtual-synchrony-filter", "The virtual synchrony filter, Rules 1-4 (Section 5)",
            ["VirtualSynchrony/Rule1MaskTransitional.cs", "VirtualSynchrony/Rule2BlockOutsidePrimary.cs",
             "VirtualSynchrony/Rule3SplitMerge.cs", "VirtualSynchrony/Rule4MergeIntoPrimary.cs"], Judge.VirtualSynchrony),
        new(5, "05-transitional-membership", "The transitional configuration's members and the messages to rebroadcast (step 4)",
            ["Recovery/Step4TransitionalConfiguration.cs"], Judge.ExtendedVirtualSynchrony),
        new(6, "06-rebroadcast", "Rebroadcasting and acknowledging the old messages, and the end of recovery (steps 5.a-b)",
            ["Recovery/Step5Rebroadcast.cs"], Judge.ExtendedVirtualSynchrony, Section32: true),
        new(7, "07-primary-component", "The primary component algorithms: majority and dynamic linear voting (Section 5)",
            ["PrimaryComponent/Majority.cs", "PrimaryComponent/DynamicLinearVoting.cs"], Judge.PrimaryComponent),
        new(8, "08-membership", "Totem's membership: gather and consensus",
            ["Membership/Gather.cs"], Judge.ExtendedVirtualSynchrony),
    ];

    /// <summary>The lab with this number, or null.</summary>
    public static Lab? Find(int number) => All.FirstOrDefault(l => l.Number == number);
}
