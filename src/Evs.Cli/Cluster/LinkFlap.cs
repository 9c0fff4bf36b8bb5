// A flapping link for `evs cluster`'s /flap (issue #17): a node whose links to every other node go
// down and up again and again, the half-broken cable or switch port that real LANs have and that
// Corosync's users met as "continuous gather". The cluster session owns the timer that turns the
// links down and up (through the node's control socket); this is what it knows of one flap.
using Evs.Reference.Model;

namespace Evs.Cli.Cluster;

/// <summary>One node's flapping links: down for <see cref="Period"/>, up for <see cref="Period"/>, until stopped.</summary>
internal sealed class LinkFlap(ProcessId node, TimeSpan period)
{
    /// <summary>The shortest period accepted: each turn is a request over the node's control socket, which takes some milliseconds itself.</summary>
    public static readonly TimeSpan MinPeriod = TimeSpan.FromMilliseconds(20);

    // Never disposed: it has no timer, and the flap's timer may still read its token after the stop.
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The node whose links flap.</summary>
    public ProcessId Node { get; } = node;

    /// <summary>How long the links stay down, then up.</summary>
    public TimeSpan Period { get; } = period;

    /// <summary>Whether the links are down now.</summary>
    public bool Down { get; private set; }

    /// <summary>How many times the links have gone down.</summary>
    public int Downs { get; private set; }

    /// <summary>Cancelled when the flap stops (/heal, another /flap of the node, /quit).</summary>
    public CancellationToken Stopped => _stop.Token;

    /// <summary>Turns the links down if they are up, up if they are down.</summary>
    public void Turn()
    {
        Down = !Down;
        if (Down) Downs++;
    }

    /// <summary>Stops the flap: its timer ends at its next turn; the caller heals the links.</summary>
    public void Stop()
    {
        Down = false;
        _stop.Cancel();
    }

    /// <summary>How it looks on /status: "p2 flaps every 300 ms (down 12 times so far; now down)".</summary>
    public string Describe() =>
        $"{Node} flaps every {Period.TotalMilliseconds:0} ms (down {Downs} {(Downs == 1 ? "time" : "times")} so far; now {(Down ? "down" : "up")})";
}
