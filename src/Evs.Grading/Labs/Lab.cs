// The labs (labs/README.md): four exercises, each a class or two of the library whose bodies a
// student writes again from the paper. This file is the catalog the `evs lab` command and the
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
}

/// <summary>
/// One lab: its number, its folder under <c>labs/</c>, its title, the library files (relative to
/// <c>src/Evs.Reference</c>) that the student rewrites, and the checker that grades them;
/// <paramref name="Section32"/> adds the case of Section 3.2, played out by hand (<see cref="Section32Case"/>);
/// <paramref name="PartitionCase"/> adds the filter's partition case, played out by hand (<see cref="Labs.PartitionCase"/>).
/// </summary>
public sealed record Lab(int Number, string Folder, string Title, ImmutableArray<string> LibraryFiles, Judge Judge, bool Section32 = false, bool PartitionCase = false)
{
    /// <summary>The file names the student edits (<c>DeliveryRule.cs</c>), in the catalog's order.</summary>
    public IEnumerable<string> FileNames => LibraryFiles.Select(Path.GetFileName).OfType<string>();

    /// <summary>The four labs, in the order a course takes them: step 1, step 6, step 5.c, the filter.</summary>
    public static ImmutableArray<Lab> All { get; } =
    [
        new(1, "01-delivery-rules", "The token and the agreed and safe delivery rules (step 1)",
            ["Ordering/AruRule.cs", "Ordering/DeliveryRule.cs"], Judge.ExtendedVirtualSynchrony),
        new(2, "02-transitional-delivery", "The transitional configuration and the deliveries of step 6",
            ["Recovery/Step6Delivery.cs"], Judge.ExtendedVirtualSynchrony),
        new(3, "03-obligation-sets", "Obligation sets (step 5.c) and the case of the proof in Section 3.2",
            ["Recovery/ObligationSet.cs", "Recovery/Step5Rebroadcast.cs"], Judge.ExtendedVirtualSynchrony, Section32: true),
        new(4, "04-virtual-synchrony-filter", "The virtual synchrony filter, Rules 1-4 (Section 5)",
            ["VirtualSynchrony/Rule1MaskTransitional.cs", "VirtualSynchrony/Rule2BlockOutsidePrimary.cs",
             "VirtualSynchrony/Rule3SplitMerge.cs", "VirtualSynchrony/Rule4MergeIntoPrimary.cs"], Judge.VirtualSynchrony, PartitionCase: true),
    ];

    /// <summary>The lab with this number, or null.</summary>
    public static Lab? Find(int number) => All.FirstOrDefault(l => l.Number == number);
}
