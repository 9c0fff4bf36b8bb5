// Totem's flow control (TOCS 1995): the token carries how many messages were broadcast in
// the last rotation, and how many were waiting to be broadcast at the processes. A holder may
// add only what the window leaves, so no process, and no burst, can flood the network or the
// other processes' buffers; and it may take only its share of the window in proportion to what
// it has waiting, so that the first holders after the window opens do not take all of it and
// starve the others.
namespace Evs.Reference.Ordering;

/// <summary>How many new messages the token holder may broadcast on this visit.</summary>
public static class FlowControl
{
    /// <summary>
    /// The number of new messages allowed: at most <see cref="TotemSettings.MaxMessagesPerVisit"/>
    /// less the retransmissions made on this visit, at most what the window leaves after the
    /// last rotation's count (this process's own share of it excluded, since it is about to be
    /// replaced), at most this process's <see cref="FairShare"/> of the window, never so many that
    /// the newest ordinal runs more than <see cref="TotemSettings.OutstandingLimit"/> ahead of the
    /// aru, and never more than are waiting.
    /// </summary>
    /// <param name="settings">The ring's window and limits.</param>
    /// <param name="token">The token of this visit.</param>
    /// <param name="myShareOfLastRotation">What this process broadcast on its last visit.</param>
    /// <param name="retransmittedNow">What this process has broadcast already on this visit.</param>
    /// <param name="waiting">How many messages of this kind wait here to be broadcast.</param>
    /// <param name="othersWaiting">How many wait at the other processes, as the token reports them (<see cref="OthersWaiting"/>).</param>
    /// <param name="members">How many processes share the window: the ring's members.</param>
    public static int NewMessagesAllowed(
        TotemSettings settings, Token token, int myShareOfLastRotation, int retransmittedNow, int waiting, int othersWaiting, int members)
    {
        int perVisit = settings.MaxMessagesPerVisit - retransmittedNow;
        int window = settings.WindowSize - (token.FlowControlCount - myShareOfLastRotation) - retransmittedNow;
        long outstanding = token.Aru + settings.OutstandingLimit - token.Seq;
        long allowed = Math.Min(Math.Min(perVisit, window), Math.Min(outstanding, waiting));
        allowed = Math.Min(allowed, FairShare(settings, waiting, othersWaiting, members));
        return (int)Math.Max(0, allowed);
    }

    /// <summary>
    /// This process's share of the window: the window divided among the processes in proportion
    /// to what each has waiting, rounded up; but never less than an even slice of the window
    /// (the window divided by the number of <paramref name="members"/>), so that a process with
    /// only a few messages sends them at once beside one with a long queue. While everything
    /// waiting fits in the window it limits nothing.
    /// </summary>
    public static int FairShare(TotemSettings settings, int waiting, int othersWaiting, int members)
    {
        if (waiting <= 0) return 0;
        long total = (long)waiting + Math.Max(0, othersWaiting);
        long proportional = (settings.WindowSize * (long)waiting + total - 1) / total;
        long evenSlice = (settings.WindowSize + Math.Max(1, members) - 1) / Math.Max(1, members);
        return (int)Math.Min(waiting, Math.Max(proportional, evenSlice));
    }

    /// <summary>
    /// What waits at the other processes: the token's backlog (each process's count at its last
    /// visit, summed around the ring) without this process's own count, about to be replaced.
    /// </summary>
    public static int OthersWaiting(int tokenBacklog, int myShareOfBacklog) => Math.Max(0, tokenBacklog - myShareOfBacklog);

    /// <summary>The flow control count as this process forwards the token: its share of the last rotation replaced by this visit's.</summary>
    public static int UpdatedCount(Token token, int myShareOfLastRotation, int broadcastNow) =>
        Replaced(token.FlowControlCount, myShareOfLastRotation, broadcastNow);

    /// <summary>A backlog as this process forwards the token: its count at its last visit replaced by what waits here now.</summary>
    public static int UpdatedBacklog(int tokenBacklog, int myShareOfBacklog, int waitingNow) =>
        Replaced(tokenBacklog, myShareOfBacklog, waitingNow);

    // A count summed around the ring, with this process's old part replaced by its new one; never
    // below zero, and computed wide so that a count near the largest int (a damaged or forged
    // token) stays large instead of wrapping round to a negative number and so to nothing.
    private static int Replaced(int total, int mine, int mineNow) =>
        (int)Math.Clamp((long)total - mine + mineNow, 0, int.MaxValue);
}
