// Totem's flow control (TOCS 1995): the token carries how many messages were broadcast in
// the last rotation; a holder may add only what the window leaves, so no process, and no
// burst, can flood the network or the other processes' buffers.
namespace Evs.Reference.Ordering;

/// <summary>How many new messages the token holder may broadcast on this visit.</summary>
public static class FlowControl
{
    /// <summary>
    /// The number of new messages allowed: at most <see cref="TotemSettings.MaxMessagesPerVisit"/>
    /// less the retransmissions made on this visit, at most what the window leaves after the
    /// last rotation's count (this process's own share of it excluded, since it is about to be
    /// replaced), never so many that the newest ordinal runs more than
    /// <see cref="TotemSettings.OutstandingLimit"/> ahead of the aru, and never more than are waiting.
    /// </summary>
    public static int NewMessagesAllowed(
        TotemSettings settings, Token token, int myShareOfLastRotation, int retransmittedNow, int waiting)
    {
        int perVisit = settings.MaxMessagesPerVisit - retransmittedNow;
        int window = settings.WindowSize - (token.FlowControlCount - myShareOfLastRotation) - retransmittedNow;
        long outstanding = token.Aru + settings.OutstandingLimit - token.Seq;
        long allowed = Math.Min(Math.Min(perVisit, window), Math.Min(outstanding, waiting));
        return (int)Math.Max(0, allowed);
    }

    /// <summary>The flow control count as this process forwards the token: its share of the last rotation replaced by this visit's.</summary>
    public static int UpdatedCount(Token token, int myShareOfLastRotation, int broadcastNow) =>
        Math.Max(0, token.FlowControlCount - myShareOfLastRotation + broadcastNow);
}
