// The paper, Section 4: a history is complete if it satisfies C1-C3 and legal if it also
// satisfies L1-L5; "a system execution is acceptable if, for any history H, there exists a
// history H' in extend(H) that is complete and legal". Each condition is one class deriving from
// VsCondition, so that the checker is read condition by condition; this file is what they share.
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// What every condition sees: the history as recorded, its extension Extend(H), the order of its
/// views, and the layers of -> over the extended history (imputed events sit before a stop and
/// cannot close a cycle of -> alone, so L1 is the same on both; L3 and L5 need the extension).
/// </summary>
internal sealed class VsCheckContext
{
    public VsCheckContext(VsTrace trace)
    {
        Recorded = VsHistory.Recorded(trace);
        Views = new ViewOrder(Recorded);
        Extension = Extend.Apply(trace.Header, Recorded, Views, new CausalLayers(Recorded));
        Extended = new VsHistory(Extension.Trace.Events, trace.Header.Quiescent, Extension.Witness, Extension.IsImputed);
        ExcludedFromExtended = Array.ConvertAll(Extended.Messages, Extension.Excluded.ToHashSet().Contains);
        Layers = new CausalLayers(Extended);
    }

    /// <summary>H as recorded.</summary>
    public VsHistory Recorded { get; }

    /// <summary>The order of H's views.</summary>
    public ViewOrder Views { get; }

    /// <summary>Extend(H), with the revision of Section 5.1.</summary>
    public ExtendedHistory Extension { get; }

    /// <summary>Extend(H), indexed; its events are named in reports by the recorded events they stand for.</summary>
    public VsHistory Extended { get; }

    /// <summary>For each message of <see cref="Extended"/>, whether the revision excludes it.</summary>
    public bool[] ExcludedFromExtended { get; }

    /// <summary>The layers of -> over <see cref="Extended"/>.</summary>
    public CausalLayers Layers { get; }

    /// <summary>
    /// A violation of <paramref name="condition"/> witnessed by events of <paramref name="h"/>. An
    /// imputed event has no line in the trace; it is named by the stop it was imputed before, and
    /// the message says so.
    /// </summary>
    public static Violation Violation(VsCondition condition, string message, VsHistory h, params IEnumerable<int> events)
    {
        var witnesses = events.ToList();
        if (witnesses.Any(e => h.Imputed[e])) message += "; a failed process's stop stands for the events Extend imputes before it";
        return new(condition.Name, message, h.Refs(witnesses));
    }
}

/// <summary>One of the conditions C1-C3, L1-L5 of the paper's Section 4, decided on a history.</summary>
internal abstract class VsCondition
{
    /// <summary>The condition's name as the paper writes it: <c>"C1"</c> … <c>"L5"</c>.</summary>
    public abstract string Name { get; }

    /// <summary>A one-line summary.</summary>
    public abstract string Title { get; }

    /// <summary>The first violation found, or null when the history satisfies the condition.</summary>
    public abstract Violation? Check(VsCheckContext context);
}
