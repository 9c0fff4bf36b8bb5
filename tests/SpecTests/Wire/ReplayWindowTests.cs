// Tests of the anti-replay window (docs/WIRE.md, "Fresh and addressed datagrams") against a model
// that remembers everything: for any order of arrivals, a counter is fresh exactly when it was never
// accepted and is less than the window's size below the highest accepted; and the table of senders
// stays bounded.
using Evs.Reference.Model;
using Evs.Runtime.Wire;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace SpecTests.Wire;

public class ReplayWindowTests
{
    private static readonly ProcessId P1 = new("p1");

    [Property(MaxTest = 200)]
    public Property The_window_judges_every_arrival_as_a_model_that_remembers_everything_would(int seed)
    {
        var random = new Random(seed);
        var window = new ReplayWindow();
        var accepted = new HashSet<ulong>();
        ulong highest = 0, sent = 1;
        for (int i = 0; i < 3000; i++)
        {
            // Mostly the next counters, some jumps ahead, some late arrivals and copies from far back.
            sent += random.Next(10) == 0 ? (ulong)random.Next(1, 2 * ReplayWindow.Size) : (ulong)random.Next(0, 3);
            ulong counter = random.Next(3) == 0 ? sent - Math.Min(sent - 1, (ulong)random.Next(0, 2 * ReplayWindow.Size)) : sent;
            // A copy from beyond the window is stale, not replayed: the window no longer knows it.
            var expected = accepted.Count > 0 && counter <= highest && highest - counter >= ReplayWindow.Size ? Freshness.Stale
                : accepted.Contains(counter) ? Freshness.Replayed
                : Freshness.Fresh;
            var judged = window.Check(P1, incarnation: 1, counter);
            if (judged != expected) return false.Label($"arrival {i}: counter {counter} (highest {highest}) judged {judged}, expected {expected}");
            if (judged != Freshness.Fresh) continue;
            window.Accept(P1, 1, counter);
            accepted.Add(counter);
            highest = Math.Max(highest, counter);
        }
        return true.ToProperty();
    }

    [Fact]
    public void A_later_incarnation_starts_afresh_and_an_earlier_one_is_stale()
    {
        var window = new ReplayWindow();
        window.Accept(P1, incarnation: 5, counter: 1000);
        Assert.Equal(Freshness.Stale, window.Check(P1, 4, 2000));
        Assert.Equal(Freshness.Fresh, window.Check(P1, 6, 1));
        window.Accept(P1, 6, 1);
        Assert.Equal(Freshness.Replayed, window.Check(P1, 6, 1));
        Assert.Equal(Freshness.Stale, window.Check(P1, 5, 1001));
    }

    [Fact]
    public void At_most_MaxSenders_senders_are_remembered_and_the_least_recent_is_forgotten_first()
    {
        var window = new ReplayWindow();
        for (int i = 0; i <= ReplayWindow.MaxSenders; i++) window.Accept(new ProcessId($"s{i}"), 1, 1);
        Assert.Equal(Freshness.Fresh, window.Check(new ProcessId("s0"), 1, 1));
        Assert.Equal(Freshness.Replayed, window.Check(new ProcessId("s1"), 1, 1));
        Assert.Equal(Freshness.Replayed, window.Check(new ProcessId($"s{ReplayWindow.MaxSenders}"), 1, 1));
    }
}
