// The paper, Section 3, Step 6, "performed locally as an atomic action without communication
// with any other process":
//   "6.a. Discard all messages, except those sent by a member of the obligation set of this
//    process, that follow the first unavailable message in the total order. Such messages must be
//    discarded because they may be causally dependent on an unavailable message. The obligation
//    set includes all members of the proposed transitional configuration of this process.
//    b. Deliver to the application in order all of the rebroadcast messages that are safe in the
//    preceding regular configuration up to but not including the first totally ordered message
//    for which a predecessor in the total order is unavailable, or the first message for which
//    safe delivery was requested but for which some process in the preceding regular
//    configuration has not acknowledged receipt.
//    c. Deliver a first configuration change message that introduces the transitional configuration.
//    d. Deliver in order, from the remaining undelivered messages, all messages whose
//    predecessors in the total order have been delivered, and all messages sent by a process in
//    the obligation set of this process.
//    e. Deliver a second configuration change message to terminate the transitional
//    configuration and install the new regular configuration reported by the underlying
//    membership algorithm."
// After step 5 every member of the transitional configuration holds the same old messages and
// the same exchanged information, so each computes the same deliveries here (Specification 4).
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
        _obligations = obligations.With(transitional.Select(i => i.Process));
        _newRing = newRing;
        _newRegular = newRegular;
    }

    /// <summary>The transitional configuration of 6.c: towards the new ring, after the old regular configuration, with the transitional members.</summary>
    public Configuration? TransitionalConfiguration =>
        _old is null ? null : Configuration.Transitional(_newRing, _old.Configuration.Id, _transitional.Select(i => i.Process));

    /// <summary>All of step 6, in order: the deliveries and the two configuration changes.</summary>
    public IReadOnlyList<NodeOutput> Perform()
    {
        var outputs = new List<NodeOutput>();
        if (_old is { } old && TransitionalConfiguration is { } transitional)
        {
            long firstUnavailable = FirstUnavailable(old);
            DiscardAfterFirstUnavailable(old, firstUnavailable);
            long delivered = DeliverSafeInRegular(old, outputs);
            outputs.Add(new ConfigurationDelivered(transitional));
            DeliverRemaining(old, delivered, transitional, outputs);
        }
        outputs.Add(new ConfigurationDelivered(_newRegular));
        return outputs;
    }

    /// <summary>
    /// The highest ordinal known safe in the old regular configuration: the most any transitional
    /// member knows every old member received. Read only when there is an old regular
    /// configuration, whose transitional configuration holds at least this process.
    /// </summary>
    public long SafeInRegular => _transitional.Max(i => i.ReceivedByAll);

    /// <summary>The first ordinal after what was delivered that no one of the transitional configuration holds; past the highest held if none is missing.</summary>
    public static long FirstUnavailable(TotemRing old)
    {
        long seq = old.DeliveredUpTo + 1;
        while (old.Buffer.Holds(seq)) seq++;
        return seq;
    }

    /// <summary>6.a: forget the messages after the first unavailable one, except those of the obligation set.</summary>
    public void DiscardAfterFirstUnavailable(TotemRing old, long firstUnavailable)
    {
        foreach (var message in old.Buffer.After(firstUnavailable).OfType<RegularMessage>().ToList())
            if (!_obligations.Contains(message.Originator)) old.Buffer.Remove(message.Seq);
    }

    /// <summary>
    /// 6.b: deliver in the old regular configuration, in order, up to the first gap (the first
    /// unavailable message, which the buffer does not hold) or the first safe message not known
    /// safe there. Returns the last ordinal delivered.
    /// </summary>
    public long DeliverSafeInRegular(TotemRing old, List<NodeOutput> outputs)
    {
        long seq = old.DeliveredUpTo;
        while (old.Buffer.Get(seq + 1) is RegularMessage next
               && (next.Service != DeliveryService.Safe || next.Seq <= SafeInRegular))
        {
            outputs.Add(Delivered(next, old.Configuration.Id));
            seq++;
        }
        return seq;
    }

    /// <summary>6.d: deliver in the transitional configuration, in order, every message left after 6.a and 6.b.</summary>
    public static void DeliverRemaining(TotemRing old, long delivered, Configuration transitional, List<NodeOutput> outputs)
    {
        foreach (var message in old.Buffer.After(delivered).OfType<RegularMessage>())
            outputs.Add(Delivered(message, transitional.Id));
    }

    private static MessageDelivered Delivered(RegularMessage m, ConfigurationId configuration) =>
        new(m.Id, m.Originator, configuration, m.Service, m.Payload);
}
