// Sans-IO: the node never reads a clock. It asks its driver to start and stop named timers,
// and the driver tells it when one expires. One timer of each kind at a time.
namespace Evs.Reference.Node;

/// <summary>The timers a node asks its driver for.</summary>
public enum TimerKind
{
    /// <summary>
    /// Totem's token retransmission: started when a process forwards the token; if the
    /// process sees no sign that the token moved on before it expires, it sends the token
    /// again (the next process drops the copy if it had the token already).
    /// </summary>
    TokenRetransmit,

    /// <summary>No token of this process's ring (or commit token) came in time: the ring is broken; gather.</summary>
    TokenLoss,

    /// <summary>In Gather: broadcast this process's join message again.</summary>
    Join,

    /// <summary>In Gather: the processes that have not agreed are moved to the fail set.</summary>
    Consensus,

    /// <summary>The representative of a ring announces the ring, so that other components can merge with it.</summary>
    MergeDetect,

    /// <summary>The representative holds an idle token (Ordering/TokenHold); when this expires it passes it on.</summary>
    TokenHold,

    /// <summary>
    /// While some process is unanswered (Membership/HearingEvidence), this process reports whom it
    /// hears, every merge period.
    /// </summary>
    HearingReport,
}
