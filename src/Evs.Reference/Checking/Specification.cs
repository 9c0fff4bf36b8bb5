// Section 2.1: "The model of extended virtual synchrony consists of Specifications 1-7", and
// Section 2.2 adds two properties of primary components. Each is a predicate over the history;
// each is one class deriving from Specification, so that the checker is read spec by spec.
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking;

/// <summary>What every specification sees: the indexed history and the derived precedes relation.</summary>
internal sealed class CheckContext
{
    private readonly Lazy<VectorClocks> _sendClocks, _mergedClocks;

    public CheckContext(History history)
    {
        History = history;
        Precedes = new PrecedesRelation(history);
        var h = history;
        _sendClocks = new(() => Precedes.Basic.VectorClocks(h, e => h.Kind[e] == EventKind.Send));
        _mergedClocks = new(() => Precedes.WithConfigurationChanges.VectorClocks(h, e => h.Kind[e] is EventKind.Send or EventKind.DeliverConf));
    }

    /// <summary>The trace, indexed.</summary>
    public History History { get; }

    /// <summary>The precedes relation in its three layers.</summary>
    public PrecedesRelation Precedes { get; }

    /// <summary>Vector clocks of the send events in layer 1 (needs that layer acyclic).</summary>
    public VectorClocks SendClocks => _sendClocks.Value;

    /// <summary>Vector clocks of sends and merged deliver_conf nodes in layer 2 (needs that layer acyclic).</summary>
    public VectorClocks ConfigurationClocks => _mergedClocks.Value;

    /// <summary>A violation of <paramref name="spec"/> witnessed by the given events.</summary>
    public Violation Violation(Specification spec, string message, params IEnumerable<int> events) =>
        new(spec.Spec, message, events.Distinct().Select(History.Ref).ToList());
}

/// <summary>One specification of the paper, decided on a trace.</summary>
internal abstract class Specification
{
    /// <summary>The specification's number as the paper writes it.</summary>
    public abstract string Spec { get; }

    /// <summary>A one-line summary.</summary>
    public abstract string Title { get; }

    /// <summary>The first violation found, or null when the trace satisfies the specification.</summary>
    public abstract Violation? Check(CheckContext context);
}
