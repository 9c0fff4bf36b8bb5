// Totem (TOCS 1995, the paper's reference [3]): every ring is named by a ring identifier,
// the pair (ring sequence number, representative). The sequence number only grows, also
// across a crash, so a ring identifier is never used twice.
namespace Evs.Reference.Model;

/// <summary>
/// A Totem ring identifier: the ring sequence number and the process that formed the ring
/// (its representative). A regular configuration is named after its ring identifier.
/// </summary>
public readonly record struct RingId(long Sequence, ProcessId Representative)
{
    /// <summary>The name docs/TRACE.md gives a regular configuration: <c>R&lt;seq&gt;.&lt;rep&gt;</c>.</summary>
    public override string ToString() => $"R{Sequence}.{Representative}";
}
