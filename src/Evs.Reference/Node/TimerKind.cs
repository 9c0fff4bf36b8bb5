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
}
