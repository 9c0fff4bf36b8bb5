// Section 2.2, "The Primary Component Model": the regular configurations that a primary
// component algorithm marks primary (the trace's "primary": true) form one history H, which
// must be totally ordered by -> (Uniqueness) with consecutive components sharing a member
// (Continuity). A trace without any primary mark has no primary components: both hold vacuously.
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking.Specifications;

/// <summary>The primary components of a trace, in the topological order of layer 2 of <see cref="PrecedesRelation"/>.</summary>
internal static class PrimaryComponents
{
    /// <summary>
    /// The representatives (merged deliver_conf nodes) of the regular configurations some member
    /// installs with <c>"primary": true</c>, in topological order; empty when layer 2 has a cycle,
    /// since then -> is no order (2.3/2.4 report it).
    /// </summary>
    public static List<int> InOrder(CheckContext context)
    {
        var h = context.History;
        var layer = context.Precedes.WithConfigurationChanges;
        if (layer.Order is null) return [];
        var primary = new bool[h.Configurations.Length];
        for (int e = 0; e < h.Count; e++)
            if (h.Kind[e] == EventKind.DeliverConf && h.ConfChange(e) is { Kind: ConfigurationKind.Regular, Primary: true }) primary[h.ConfigOf[e]] = true;
        return layer.Order.Where(r => h.Kind[r] == EventKind.DeliverConf && primary[h.ConfigOf[r]]).ToList();
    }

    /// <summary>
    /// Whether the node of representative <paramref name="a"/> precedes node <paramref name="b"/>:
    /// a's event precedes b exactly when b's vector clock has reached it at a's process.
    /// </summary>
    public static bool Precedes(CheckContext context, int a, int b) =>
        context.ConfigurationClocks.Of(b)[context.History.ProcessOf[a]] >= a;
}

/// <summary>
/// Uniqueness: "The history H of primary components is totally ordered by the -> relation.
/// 1. If there exist deliver_conf_p(C), deliver_conf_q(C') in H, then deliver_conf_p(C) ->
/// deliver_conf_q(C') or deliver_conf_q(C') -> deliver_conf_p(C)."
/// <para>The deliver_conf events of one component are one node of layer 2 (Specifications 2.3,
/// 2.4), so the components are ordered when each precedes the next in a topological order of
/// that layer; by transitivity that orders every pair, and an unordered neighbouring pair is two
/// concurrent primary components. Precedence is read from vector clocks, not a closure.</para>
/// </summary>
internal sealed class SpecPC1Uniqueness : Specification
{
    public override string Spec => "PC.1";
    public override string Title => "Uniqueness: the primary components are totally ordered by ->";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        var components = PrimaryComponents.InOrder(context);
        for (int i = 1; i < components.Count; i++)
        {
            int a = components[i - 1], b = components[i];
            if (!PrimaryComponents.Precedes(context, a, b))
                return context.Violation(this, $"{h.ConfigName(a)} and {h.ConfigName(b)} are both primary but neither's deliver_conf precedes the other's", a, b);
        }
        return null;
    }
}

/// <summary>
/// Continuity: "For each pair of consecutive primary components in the history H, at least one
/// process is a member of both. 2. If there exist deliver_conf_p(C), deliver_conf_r(C'') in H and
/// there does not exist deliver_conf_q(C') in H such that deliver_conf_p(C) -> deliver_conf_q(C')
/// -> deliver_conf_r(C''), where C != C' and C' != C'', then there exists a process s that is a
/// member of both C and C''."
/// <para>Neighbours in the topological order of layer 2 that are ordered by -> have no component
/// between them, so they are consecutive and must share a member. When Uniqueness holds these
/// are all the consecutive pairs; when it fails, the pairs it leaves unordered are not judged.</para>
/// </summary>
internal sealed class SpecPC2Continuity : Specification
{
    public override string Spec => "PC.2";
    public override string Title => "Continuity: consecutive primary components share a member";

    public override Violation? Check(CheckContext context)
    {
        var h = context.History;
        var components = PrimaryComponents.InOrder(context);
        for (int i = 1; i < components.Count; i++)
        {
            int a = components[i - 1], b = components[i];
            if (PrimaryComponents.Precedes(context, a, b) && !h.MembersOf(h.ConfigOf[a]).Intersect(h.MembersOf(h.ConfigOf[b])).Any())
                return context.Violation(this, $"the consecutive primary components {h.ConfigName(a)} and {h.ConfigName(b)} have no member in common", a, b);
        }
        return null;
    }
}
