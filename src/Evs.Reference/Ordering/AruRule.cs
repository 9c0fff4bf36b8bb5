// Totem's "all received up to" rule (TOCS 1995, Section 3): how the token learns the
// highest ordinal every process has received, which is what makes a message safe.
using Evs.Reference.Model;

namespace Evs.Reference.Ordering;

/// <summary>
/// Updates the token's aru as a process forwards it. Each process lowers the aru to its own
/// <c>myAru</c> when it has received less; only the process that lowered it (the aru setter)
/// may raise it again, so a low value survives a whole rotation:
/// <code>
/// if myAru &lt; token.aru or token.aruSetter = me or token.aruSetter = none:
///     token.aru := myAru
///     token.aruSetter := (token.aru = token.seq) ? none : me
/// </code>
/// </summary>
public static class AruRule
{
    /// <summary>The token as this process forwards it, as far as the aru goes.</summary>
    public static Token Apply(Token token, long myAru, ProcessId me)
    {
        bool mayChange = myAru < token.Aru || token.AruSetter == me || token.AruSetter is null;
        if (!mayChange) return token;
        return token with { Aru = myAru, AruSetter = myAru == token.Seq ? null : me };
    }

    /// <summary>
    /// The highest ordinal that every process of the ring is known to have received.
    /// A message is received by all once the aru was at least its ordinal when this process
    /// forwarded the token last time, and is so again when the token comes back: between the
    /// two, every other process saw a token whose aru was at or above it, and any process that
    /// lacked the message would have lowered the aru, which only it could have raised again.
    /// One rotation is not enough: an aru setter further on can raise a value lowered before it.
    /// </summary>
    public static long ReceivedByAll(long aruForwardedLastVisit, long aruReceivedNow) =>
        Math.Min(aruForwardedLastVisit, aruReceivedNow);
}
