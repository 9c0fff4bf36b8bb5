// The real network, the wire format (docs/WIRE.md, "Fresh datagrams"): authentication proves
// that a key holder wrote a datagram, not that it is new. An attacker without the key can still
// capture a datagram and send it again, at once or an hour later, to its destination or to
// another member: an old token, an old join, a message of a ring long gone. Every datagram
// therefore carries its sender's incarnation (which grows at every start) and a counter (which
// grows at every datagram), and a receiver remembers, per sender, the newest incarnation and which
// of the last Size counters it has accepted: IPsec's and DTLS's anti-replay window (RFC 4303,
// section 3.4.3; RFC 9147, section 4.5.1). A datagram seen before, or older than what the window
// remembers, is dropped.
using Evs.Reference.Model;

namespace Evs.Runtime.Wire;

/// <summary>Whether a datagram's (incarnation, counter) is new to its receiver.</summary>
internal enum Freshness
{
    /// <summary>Not seen before, and within (or ahead of) the window: may be accepted.</summary>
    Fresh = 0,

    /// <summary>Accepted before: a copy.</summary>
    Replayed = 1,

    /// <summary>Of an older incarnation than the newest seen from its sender, or older than the window: it cannot be told from a copy.</summary>
    Stale = 2,
}

/// <summary>
/// The anti-replay windows of one receiver, one per sender: the newest incarnation accepted and,
/// within it, the highest counter and a bitmap of the <see cref="Size"/> counters up to it.
/// <see cref="Check"/> judges a datagram without changing anything; <see cref="Accept"/> records it,
/// and is called only once the datagram has passed every other check, so that a datagram dropped
/// for another reason uses up nothing. A newer incarnation starts its sender's window afresh.
/// At most <see cref="MaxSenders"/> senders are remembered; a new one beyond that forgets the one
/// heard from least recently (with a key, only key holders can make new senders). Not thread-safe.
/// </summary>
internal sealed class ReplayWindow
{
    /// <summary>
    /// Counters remembered below a sender's highest. The counter is the sender's over every
    /// destination, so a receiver sees gaps (the datagrams to the others), which cost nothing; what
    /// the size must cover is reordering, which on a LAN is small (over multicast the token comes
    /// on another socket than the broadcasts just before it). It covers about a full receive buffer
    /// (4 MiB, and the kernel charges at least about 1 KiB a datagram) and more than one token
    /// visit's burst of default-sized messages (17 of 50 fragments each), for 512 bytes a sender;
    /// a datagram later than that is dropped, a loss the protocol recovers from.
    /// </summary>
    public const int Size = 4096;

    /// <summary>Senders remembered at once.</summary>
    public const int MaxSenders = 1024;

    private const int Words = Size / 64;

    private sealed class Window(ulong incarnation)
    {
        public ulong Incarnation { get; } = incarnation;
        public ulong Highest { get; set; }
        public ulong[] Seen { get; } = new ulong[Words];
        public long LastAccepted { get; set; }
    }

    private readonly Dictionary<ProcessId, Window> _windows = [];
    private long _accepted;

    /// <summary>Whether the datagram <paramref name="counter"/> of <paramref name="sender"/>'s <paramref name="incarnation"/> is new here.</summary>
    public Freshness Check(ProcessId sender, ulong incarnation, ulong counter)
    {
        if (!_windows.TryGetValue(sender, out var window)) return Freshness.Fresh;
        if (incarnation != window.Incarnation) return incarnation > window.Incarnation ? Freshness.Fresh : Freshness.Stale;
        if (counter > window.Highest) return Freshness.Fresh;
        if (window.Highest - counter >= Size) return Freshness.Stale;
        return IsSet(window, counter) ? Freshness.Replayed : Freshness.Fresh;
    }

    /// <summary>Records the datagram as accepted (it must be <see cref="Freshness.Fresh"/>).</summary>
    public void Accept(ProcessId sender, ulong incarnation, ulong counter)
    {
        if (!_windows.TryGetValue(sender, out var window) || incarnation > window.Incarnation)
        {
            if (window is null && _windows.Count >= MaxSenders) ForgetLeastRecent();
            window = new Window(incarnation) { Highest = counter };
            _windows[sender] = window;
        }
        else if (counter > window.Highest)
        {
            Slide(window, counter);
        }
        Set(window, counter);
        window.LastAccepted = ++_accepted;
    }

    // Moves the window up to counter: the bits of the counters it passes over are cleared, as they now stand for newer ones.
    private static void Slide(Window window, ulong counter)
    {
        ulong distance = counter - window.Highest;
        if (distance >= Size) Array.Clear(window.Seen);
        else for (ulong passed = window.Highest + 1; passed < counter; passed++) Clear(window, passed);
        window.Highest = counter;
    }

    private void ForgetLeastRecent() => _windows.Remove(_windows.MinBy(w => w.Value.LastAccepted).Key);

    private static bool IsSet(Window window, ulong counter) => (window.Seen[Word(counter)] & Bit(counter)) != 0;

    private static void Set(Window window, ulong counter) => window.Seen[Word(counter)] |= Bit(counter);

    private static void Clear(Window window, ulong counter) => window.Seen[Word(counter)] &= ~Bit(counter);

    private static int Word(ulong counter) => (int)(counter % Size / 64);

    private static ulong Bit(ulong counter) => 1UL << (int)(counter % 64);
}
