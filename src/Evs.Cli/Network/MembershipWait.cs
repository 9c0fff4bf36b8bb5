// What the class waits for after a cut or a kill, in words. Totem notices a lost token only when
// it has not come round for the token loss timeout, and then agrees on the new members within the
// consensus timeout: with Corosync's defaults the screen stays still for almost seven seconds
// before the first new configuration shows. `evs node` (after /block and /isolate) and
// `evs cluster` (after /partition and /kill) say so, with the node's own timeouts.
using System.Globalization;
using Evs.Reference.Membership;

namespace Evs.Cli.Network;

/// <summary>The sentence that says what the nodes wait for after the network changed, and for how long.</summary>
internal static class MembershipWait
{
    /// <summary>
    /// "<paramref name="who"/> when the token has not come round for 3 s (the token loss timeout), then
    /// agree on the members within 3.6 s (the consensus timeout): new configurations in about 6.6 s".
    /// </summary>
    public static string Sentence(string who, MembershipSettings membership) =>
        $"{who} when the token has not come round for {Seconds(membership.TokenLossTimeoutMs)} (the token loss timeout), "
        + $"then agree on the members within {Seconds(membership.ConsensusTimeoutMs)} (the consensus timeout): "
        + $"new configurations in about {Seconds(membership.TokenLossTimeoutMs + membership.ConsensusTimeoutMs)}";

    private static string Seconds(double ms) => (ms / 1000).ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
