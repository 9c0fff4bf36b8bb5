// Lab 1 starter (labs/01-delivery-rules/README.md): Totem's "all received up to" rule, which
// turns the token into the acknowledgment that step 1's safe delivery waits for. The bodies are
// yours to write; `evs lab start 1` copies this file to student/, `evs lab check 1` grades it.
using Evs.Reference.Model;

namespace Evs.Reference.Ordering;

/// <summary>Updates the token's aru as a process forwards it, and tells what every process has received.</summary>
public static class AruRule
{
    /// <summary>
    /// The token as process <paramref name="me"/>, which holds every message up to
    /// <paramref name="myAru"/>, forwards it: with <see cref="Token.Aru"/> and
    /// <see cref="Token.AruSetter"/> updated, every other field as it came.
    /// </summary>
    public static Token Apply(Token token, long myAru, ProcessId me) =>
        throw new NotImplementedException("lab 1: AruRule.Apply");

    /// <summary>
    /// The highest ordinal every process of the ring is known to have received, from the aru of the
    /// token this process forwarded on its previous visit and the aru of the token it holds now.
    /// </summary>
    public static long ReceivedByAll(long aruForwardedLastVisit, long aruReceivedNow) =>
        throw new NotImplementedException("lab 1: AruRule.ReceivedByAll");
}
