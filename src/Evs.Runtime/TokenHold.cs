// The real network (the runtime driver): Corosync's token hold. On an idle ring Totem's token
// still circulates as fast as the network carries it; over loopback, or a ring of one (whose
// token goes to itself), that is a spinning core per process. Corosync's representative holds
// an idle token for a while; the node has no clock, so the driver does it, by delaying the
// token's arrival, which the protocol sees as a slow network, well within its timeouts.
using Evs.Reference.Membership;
using Evs.Reference.Node;
using Evs.Reference.Ordering;

namespace Evs.Runtime;

/// <summary>
/// Holds an idle token at the ring's representative for up to <c>holdMs</c>, once it has come
/// round idle <see cref="IdleRotationsBeforeHold"/> times in a row. A token is idle
/// when it shows nothing to do: every message of the ring received by all and delivered here,
/// none broadcast in the last rotation, none asked for again, no recovery in progress, and
/// nothing waiting to be sent here. The held token is released when the hold expires, at once
/// when the application here sends, and at once when another process asks for it with a
/// <see cref="TokenHoldCancel"/> because its application sends: an idle ring costs nothing, and a
/// message sent on it waits one packet's trip more, not the hold. The hold must stay well below the
/// token retransmission timeout, which the token's predecessor starts when it sends the token on.
/// A released token says how long it was held (<see cref="HeldToken"/>): it showed that the ring
/// was whole when it arrived, not when it was let go.
/// </summary>
public sealed class TokenHold : IDisposable
{
    private readonly double _holdMs;
    private readonly TimeProvider _time;
    private readonly GenerationTimer _timer;
    private Token? _held;
    private long _heldSince;
    private bool _skipNext;
    private int _idleRotations;

    /// <summary>
    /// Idle rotations in a row before the token is held. A ring whose messages come a few
    /// rotations apart (a thousand a second, say) is not idle: holding its token between two
    /// messages would make every message wait for a cancel and the token's way round. A ring idle
    /// for this many rotations (a millisecond or two on a LAN) is, and from then on it costs nothing.
    /// </summary>
    public const int IdleRotationsBeforeHold = 16;

    /// <summary>Holds for <paramref name="holdMs"/> (0: never); <paramref name="expired"/> is called, from a timer thread, when a hold expires.</summary>
    public TokenHold(double holdMs, TimeProvider time, Action<long> expired)
    {
        _holdMs = holdMs;
        _time = time;
        _timer = new GenerationTimer(time, expired);
    }

    /// <summary>Tokens held so far.</summary>
    public long Holds { get; private set; }

    /// <summary>Holds ended early because another process asked for the token (<see cref="Cancel"/>).</summary>
    public long ReleasedOnRequest { get; private set; }

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
        if (_skipNext)
        {
            _skipNext = false;
            return false;
        }
        if (_holdMs <= 0) return false;
        if (!IsIdle(token, node, sendsQueued))
        {
            _idleRotations = 0;
            return false;
        }
        if (++_idleRotations < IdleRotationsBeforeHold) return false;
        _held = token;
        _heldSince = _time.GetTimestamp();
        Holds++;
        _timer.Start(_holdMs);
        return true;
    }

    /// <summary>The held token when hold <paramref name="generation"/> has expired, to hand to the node; otherwise null.</summary>
    public HeldToken? Expire(long generation) => _timer.Expire(generation) ? Take() : null;

    /// <summary>
    /// Another process asks for the token (<see cref="TokenHoldCancel"/>): the held token, released
    /// early; or, when none is held (the request overtook the token on its way here), null, and the
    /// next token is not held.
    /// </summary>
    public HeldToken? Cancel()
    {
        if (_held is null)
        {
            _skipNext = true;
            return null;
        }
        ReleasedOnRequest++;
        return Release();
    }

    /// <summary>
    /// The held token, released early (the application here sent), or null. Either way a message
    /// is about to go round: the ring is busy again, and it is held again only after as many idle
    /// rotations as the first time. Counting on instead held the next idle-looking token at once,
    /// while the other processes, which had just passed the message's token, counted from zero and
    /// did not ask for it: their next message waited for the representative's own next send
    /// (about 30 ms at a hundred messages a second) or for the hold to expire.
    /// </summary>
    public HeldToken? Release()
    {
        _timer.Stop();
        _idleRotations = 0;
        return Take();
    }

    /// <inheritdoc/>
    public void Dispose() => _timer.Dispose();

    private HeldToken? Take()
    {
        if (_held is not { } token) return null;
        _held = null;
        return new HeldToken(token, _time.GetElapsedTime(_heldSince));
    }

    /// <summary>
    /// Whether <paramref name="token"/> itself shows nothing to do: every message received by all,
    /// none broadcast in the last rotation, none asked for again, none waiting to be sent, no
    /// recovery in progress. A process
    /// that passes such a token on expects the representative to hold it (<see cref="TokenHoldCancel"/>).
    /// </summary>
    public static bool LooksIdle(Token token) =>
        token.Seq == token.Aru && token.FlowControlCount == 0 && token.RetransmissionRequests.IsEmpty
        && token.Backlog == 0 && token.SendBacklog == 0 && token.PendingInstalls == 0;

    private static bool IsIdle(Token token, TotemNode node, int sendsQueued) =>
        node.State == MembershipState.Operational
        && node.Regular is { } ring && token.Ring == ring.Ring && ring.Ring.Representative == node.Id
        && LooksIdle(token) && ring.DeliveredUpTo == token.Seq
        && node.PendingCount == 0 && sendsQueued == 0;
}

/// <summary>A token let go by <see cref="TokenHold"/>, and how long it was held since it arrived.</summary>
public readonly record struct HeldToken(Token Token, TimeSpan HeldFor);
