// The real network (the runtime driver): Corosync's token hold. On an idle ring Totem's token
// still circulates as fast as the network carries it; over loopback, or a ring of one (whose
// token goes to itself), that is a spinning core per process. Corosync's representative holds
// an idle token for a while; the node has no clock, so the driver does it, by delaying the
// token's arrival, which the protocol sees as a slow network, well within its timeouts.
using Evs.Reference.Membership;
using Evs.Reference.Node;
using Evs.Reference.Ordering;

namespace Evs.Reference.Runtime;

/// <summary>
/// Holds an idle token at the ring's representative for up to <c>holdMs</c>. A token is idle
/// when it shows nothing to do: every message of the ring received by all and delivered here,
/// none broadcast in the last rotation, none asked for again, no recovery in progress, and
/// nothing waiting to be sent here. The held token is released when the hold expires, or at once
/// when the application here sends. An application elsewhere waits up to the hold for the token:
/// that is the price of an idle ring that costs nothing. The hold must stay well below the token
/// retransmission timeout, which the token's predecessor starts when it sends the token on.
/// </summary>
internal sealed class TokenHold : IDisposable
{
    private readonly double _holdMs;
    private readonly GenerationTimer _timer;
    private Token? _held;

    /// <summary>Holds for <paramref name="holdMs"/> (0: never); <paramref name="expired"/> is called, from a timer thread, when a hold expires.</summary>
    public TokenHold(double holdMs, TimeProvider time, Action<long> expired)
    {
        _holdMs = holdMs;
        _timer = new GenerationTimer(time, expired);
    }

    /// <summary>Tokens held so far.</summary>
    public long Holds { get; private set; }

    /// <summary>
    /// Whether <paramref name="token"/>, just arrived at <paramref name="node"/>, is held (and so
    /// must not be handed to the node now). A token arriving while another is held is never held:
    /// it is a retransmission, the sign that the hold already lasted too long; the held one is dropped.
    /// </summary>
    public bool TryHold(Token token, TotemNode node, int sendsQueued)
    {
        if (_held is not null)
        {
            Release();
            return false;
        }
        if (_holdMs <= 0 || !IsIdle(token, node, sendsQueued)) return false;
        _held = token;
        Holds++;
        _timer.Start(_holdMs);
        return true;
    }

    /// <summary>The held token when hold <paramref name="generation"/> has expired, to hand to the node; otherwise null.</summary>
    public Token? Expire(long generation) => _timer.Expire(generation) ? Take() : null;

    /// <summary>The held token, released early (the application sent), or null.</summary>
    public Token? Release()
    {
        _timer.Stop();
        return Take();
    }

    /// <inheritdoc/>
    public void Dispose() => _timer.Dispose();

    private Token? Take()
    {
        var token = _held;
        _held = null;
        return token;
    }

    private static bool IsIdle(Token token, TotemNode node, int sendsQueued) =>
        node.State == MembershipState.Operational
        && node.Regular is { } ring && token.Ring == ring.Ring && ring.Ring.Representative == node.Id
        && token.Seq == token.Aru && ring.DeliveredUpTo == token.Seq
        && token.FlowControlCount == 0 && token.RetransmissionRequests.IsEmpty
        && token.Backlog == 0 && token.PendingInstalls == 0
        && node.PendingCount == 0 && sendsQueued == 0;
}
