// Lab 2 starter (labs/02-transitional-delivery/README.md): step 6 of the recovery algorithm, the
// deliveries that end recovery and the two configuration changes, "performed locally as an atomic
// action without communication with any other process". The constructor and the Delivered helper
// are given; the rest is yours. `evs lab start 2` copies this file to student/, `evs lab check 2`
// grades it.
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;

namespace Evs.Reference.Recovery;

/// <summary>Step 6, a to e: the deliveries that end recovery, computed from local state only.</summary>
public sealed class Step6Delivery
{
    private readonly TotemRing? _old;
    private readonly IReadOnlyList<MemberInfo> _transitional;
    private readonly ObligationSet _obligations;
    private readonly RingId _newRing;
    private readonly Configuration _newRegular;

    /// <summary>
    /// Step 6 for a process whose last regular configuration's ring is <paramref name="old"/>
    /// (null if it never had one), with the exchanged information of its transitional members,
    /// its obligation set (already grown by step 5.c), and the new ring and its regular configuration.
    /// </summary>
    public Step6Delivery(TotemRing? old, IReadOnlyList<MemberInfo> transitional, ObligationSet obligations, RingId newRing, Configuration newRegular)
    {
        _old = old;
        _transitional = transitional;
        // 6.a: "The obligation set includes all members of the proposed transitional configuration of this process."
        _obligations = obligations.With(transitional.Select(i => i.Process));
        _newRing = newRing;
        _newRegular = newRegular;
    }

    /// <summary>
    /// The transitional configuration of 6.c (<see cref="Configuration.Transitional"/>): towards the
    /// new ring, after the old regular configuration, with the transitional members; null for a
    /// process that had no regular configuration.
    /// </summary>
    public Configuration? TransitionalConfiguration =>
        throw new NotImplementedException("lab 2: Step6Delivery.TransitionalConfiguration");

    /// <summary>
    /// All of step 6, in order: the deliveries of 6.b, the transitional configuration (6.c), the
    /// deliveries of 6.d and the new regular configuration (6.e), as <see cref="MessageDelivered"/>
    /// and <see cref="ConfigurationDelivered"/> outputs. A process without an old regular
    /// configuration only installs the new one.
    /// </summary>
    public IReadOnlyList<NodeOutput> Perform() =>
        throw new NotImplementedException("lab 2: Step6Delivery.Perform");

    /// <summary>
    /// The highest ordinal known safe in the old regular configuration: the most any transitional
    /// member knows every old member received. Read only when there is an old regular
    /// configuration, whose transitional configuration holds at least this process.
    /// </summary>
    public long SafeInRegular =>
        throw new NotImplementedException("lab 2: Step6Delivery.SafeInRegular");

    /// <summary>The first ordinal after what was delivered that no one of the transitional configuration holds; past the highest held if none is missing.</summary>
    public static long FirstUnavailable(TotemRing old) =>
        throw new NotImplementedException("lab 2: Step6Delivery.FirstUnavailable");

    /// <summary>6.a: forget the messages after the first unavailable one, except those of the obligation set.</summary>
    public void DiscardAfterFirstUnavailable(TotemRing old, long firstUnavailable) =>
        throw new NotImplementedException("lab 2: Step6Delivery.DiscardAfterFirstUnavailable");

    /// <summary>
    /// 6.b: deliver in the old regular configuration, in order, up to the first gap (the first
    /// unavailable message, which the buffer does not hold) or the first safe message not known
    /// safe there. Returns the last ordinal delivered.
    /// </summary>
    public long DeliverSafeInRegular(TotemRing old, List<NodeOutput> outputs) =>
        throw new NotImplementedException("lab 2: Step6Delivery.DeliverSafeInRegular");

    /// <summary>6.d: deliver in the transitional configuration, in order, every message left after 6.a and 6.b.</summary>
    public static void DeliverRemaining(TotemRing old, long delivered, Configuration transitional, List<NodeOutput> outputs) =>
        throw new NotImplementedException("lab 2: Step6Delivery.DeliverRemaining");

    private static MessageDelivered Delivered(RegularMessage m, ConfigurationId configuration) =>
        new(m.Id, m.Originator, configuration, m.Service, m.Payload);
}
