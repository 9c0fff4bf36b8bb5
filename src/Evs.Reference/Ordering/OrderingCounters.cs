// Totem's ordering (step 1 and the rings of recovery) counts what went wrong or out of the ordinary
// on a process's rings: tokens and messages seen twice, retransmissions, and the idle token hold.
// Operators read them in a node's status, the simulator sums them over a run, tests assert on them.
namespace Evs.Reference.Ordering;

/// <summary>Counts of the ordering protocol's exceptional events, for reports and tests.</summary>
public sealed class OrderingCounters
{
    /// <summary>Tokens dropped because a newer one had been accepted already.</summary>
    public long StaleTokens { get; set; }

    /// <summary>Messages dropped because they were held or discarded already.</summary>
    public long DuplicateMessages { get; set; }

    /// <summary>Messages broadcast again on request.</summary>
    public long Retransmissions { get; set; }

    /// <summary>Times the token was sent again after the token retransmission timeout.</summary>
    public long TokenRetransmissions { get; set; }

    /// <summary>Idle tokens this process held as its ring's representative (<see cref="TokenHold"/>).</summary>
    public long TokenHolds { get; set; }

    /// <summary>Held tokens this process let go early because another member asked (<see cref="TokenHoldCancel"/>).</summary>
    public long HoldsReleasedOnRequest { get; set; }

    /// <summary>Times this process asked its representative to let a held token go (<see cref="TokenHoldCancel"/>).</summary>
    public long HoldCancelsSent { get; set; }

    /// <summary>Times this process gave a ring up because it failed to receive (<see cref="TotemRing.FailedToReceive"/>).</summary>
    public long FailuresToReceive { get; set; }

    /// <summary>A copy of these counts as they are now.</summary>
    public OrderingCounters Copy() => (OrderingCounters)MemberwiseClone();

    /// <summary>Adds <paramref name="other"/>'s counts to these; returns these.</summary>
    public OrderingCounters Add(OrderingCounters other)
    {
        StaleTokens += other.StaleTokens;
        DuplicateMessages += other.DuplicateMessages;
        Retransmissions += other.Retransmissions;
        TokenRetransmissions += other.TokenRetransmissions;
        TokenHolds += other.TokenHolds;
        HoldsReleasedOnRequest += other.HoldsReleasedOnRequest;
        HoldCancelsSent += other.HoldCancelsSent;
        FailuresToReceive += other.FailuresToReceive;
        return this;
    }
}
