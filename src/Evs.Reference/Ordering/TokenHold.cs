// Corosync's token hold (totemsrp.c: token_hold_cancel, the "hold" timeout). On an idle ring
// Totem's token still circulates as fast as the network carries it: over loopback, or on a ring of
// one whose token goes to itself, that is a spinning core per process, and in the simulator a
// stream of events nothing observes. So the ring's representative holds an idle token for a while
// before passing it on, which the others cannot tell from a slow network, well within their
// timeouts. The hold is protocol, not driver: its state, its timer and its packet are the node's,
// so the simulator runs it and the specification properties exercise it.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Ordering;

/// <summary>
/// One process's part in holding its ring's idle token.
/// <list type="bullet">
/// <item><b>At the representative</b>: once the token has come round idle
/// <see cref="TotemSettings.IdleRotationsBeforeHold"/> times in a row, it is held
/// (<see cref="TryHold"/>) for <see cref="TotemSettings.IdleTokenHold"/> (the
/// <see cref="TimerKind.TokenHold"/> timer), or less: it is released at once when the application
/// here sends, when another member asks for it (<see cref="TokenHoldCancel"/>), and when a copy of it
/// arrives (its predecessor, having seen no sign that it moved on, sent it again: the hold lasted
/// too long). A release before the hold ends (for a message, at a member's request, or on a copy)
/// starts the idle count again: the ring is busy, or its token was wanted.</item>
/// <item><b>At the others</b>: a process that has passed on as many idle tokens in a row, give or
/// take the rotation under way, expects the representative to hold the token; when its application
/// then sends, it asks for it (<see cref="AskFor"/>), once per token visit.</item>
/// </list>
/// A token is idle when it shows nothing to do (<see cref="LooksIdle"/>) and nothing waits here:
/// every message of the ring delivered here, nothing waiting to be sent.
/// </summary>
public sealed class TokenHold(ProcessId me, TotemSettings settings, OrderingCounters counters)
{
    private readonly double _holdMs = settings.IdleTokenHold;
    private int _idleRotations;
    private bool _skipNext;
    private int _idleTokensPassed;
    private bool _cancelSent;

    /// <summary>The token held now, or null.</summary>
    public Token? Held { get; private set; }

    /// <summary>
    /// Whether the representative holds <paramref name="token"/>, just accepted: it is idle, and the
    /// ring has been idle for <see cref="TotemSettings.IdleRotationsBeforeHold"/> rotations. When it
    /// is held, the hold timer starts. A token that a <see cref="TokenHoldCancel"/> overtook is not held.
    /// </summary>
    public bool TryHold(Token token, TotemRing ring, int pending, List<NodeOutput> outputs)
    {
        if (_skipNext)
        {
            _skipNext = false;
            return false;
        }
        if (_holdMs <= 0 || ring.Id.Representative != me) return false;
        if (!LooksIdle(token) || ring.DeliveredUpTo != token.Seq || pending != 0)
        {
            _idleRotations = 0;
            return false;
        }
        if (++_idleRotations < settings.IdleRotationsBeforeHold) return false;
        Held = token;
        counters.TokenHolds++;
        outputs.Add(new StartTimer(TimerKind.TokenHold, _holdMs));
        return true;
    }

    /// <summary>The hold timer expired: the held token, to pass on now (the idle count goes on).</summary>
    public Token? Expire() => Take();

    /// <summary>
    /// A message is about to go round (the application here sent): the held token, released early,
    /// or null; either way the ring is busy again, and its token is held again only after as many
    /// idle rotations as the first time.
    /// </summary>
    public Token? Release(List<NodeOutput> outputs)
    {
        _idleRotations = 0;
        if (Held is null) return null;
        outputs.Add(new StopTimer(TimerKind.TokenHold));
        return Take();
    }

    /// <summary>
    /// Another member asks for the token (<see cref="TokenHoldCancel"/>): the held token, released
    /// early; or, when none is held (the request overtook the token on its way here), null, and the
    /// next token is not held.
    /// </summary>
    public Token? Cancel(List<NodeOutput> outputs)
    {
        if (Held is null)
        {
            _skipNext = true;
            return null;
        }
        counters.HoldsReleasedOnRequest++;
        return Release(outputs);
    }

    /// <summary>A copy of the held token arrived: its predecessor sent it again, and the hold ends now.</summary>
    public Token? CopyArrived(List<NodeOutput> outputs) => Held is null ? null : Release(outputs);

    /// <summary>The ring is left (the process gathers): a held token is dropped with its timer.</summary>
    public void Abandon(List<NodeOutput> outputs)
    {
        if (Held is null) return;
        Held = null;
        outputs.Add(new StopTimer(TimerKind.TokenHold));
    }

    /// <summary>This process passed <paramref name="token"/> on: it counts the idle tokens in a row, and may ask once more.</summary>
    public void Passed(Token token)
    {
        _idleTokensPassed = LooksIdle(token) ? _idleTokensPassed + 1 : 0;
        _cancelSent = false;
    }

    /// <summary>
    /// The application here sent, and this process is not the representative: when the tokens it
    /// passed on were idle long enough for the representative to hold the next one, it asks for it
    /// (once per token visit).
    /// </summary>
    public void AskFor(RingId ring, List<NodeOutput> outputs)
    {
        if (_holdMs <= 0 || ring.Representative == me || _cancelSent) return;
        if (_idleTokensPassed < settings.IdleRotationsBeforeHold - 1) return;
        _cancelSent = true;
        counters.HoldCancelsSent++;
        outputs.Add(new Unicast(ring.Representative, new TokenHoldCancel(me, ring)));
    }

    /// <summary>
    /// Whether <paramref name="token"/> itself shows nothing to do: every message received by all,
    /// none broadcast in the last rotation, none asked for again, none waiting to be sent or
    /// rebroadcast anywhere, every member installed.
    /// </summary>
    public static bool LooksIdle(Token token) =>
        token.Seq == token.Aru && token.FlowControlCount == 0 && token.RetransmissionRequests.IsEmpty
        && token.Backlog == 0 && token.SendBacklog == 0 && token.PendingInstalls == 0;

    private Token? Take()
    {
        var held = Held;
        Held = null;
        return held;
    }
}
