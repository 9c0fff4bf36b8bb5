// The runtime's token hold and Totem's token loss timeout, on a clock the test moves by hand: a
// held token proved the ring whole when it arrived, so the token loss timeout the representative
// starts on letting it go counts from its arrival. Counted from the release, the side of a
// partition that holds the representative noticed the partition up to a hold later than the other
// (benchmarks/corosync/RESULTS.md, Membership).
using System.Net;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Runtime;
using Xunit;

namespace SpecTests.Runtime;

[Collection(RuntimeCollection.Name)]
public sealed class TokenHoldTimingTests : IDisposable
{
    private static readonly MembershipSettings Timeouts = new(TokenLossTimeoutMs: 4000, JoinTimeoutMs: 40, ConsensusTimeoutMs: 4800, MergeDetectTimeoutMs: 150);
    private const double HoldMs = 50;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "evs-hold-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_token_loss_timeout_started_on_a_held_token_counts_from_its_arrival_not_its_release()
    {
        var clock = new ManualClock();
        var node = await EvsNode.StartAsync(new EvsNodeOptions
        {
            Id = new ProcessId("p1"),
            Bind = new IPEndPoint(IPAddress.Loopback, 0),
            StoreDirectory = Path.Combine(_directory, "store"),
            Membership = Timeouts,
            Totem = TotemSettings.Default with { TokenRetransmitTimeoutMs = 1000 },
            IdleTokenHoldMs = HoldMs,
            Time = clock,
        });
        try
        {
            // Alone, it forms its ring of one at its first consensus timeout; its token then goes
            // round idle until it is held.
            await WaitUntilAsync("the process gathers", () => clock.Started.Any(t => t.DelayMs == Timeouts.ConsensusTimeoutMs));
            clock.Advance(Timeouts.ConsensusTimeoutMs);
            await WaitUntilAsync("the token is held once", () => node.Host.TokenHolds == 1);
            Assert.Equal(MembershipState.Operational, (await node.GetStatusAsync()).State);
            long arrived = clock.NowTicks;

            // The hold expires: the node takes the token and starts its token loss timer; the token
            // comes round to itself at once and is held again, so nothing restarts that timer.
            clock.Advance(HoldMs);
            await WaitUntilAsync("the token is held again", () => node.Host.TokenHolds == 2);

            // The last timer longer than the token retransmission timeout is the token loss timer.
            var tokenLoss = clock.Started.Last(t => t.DelayMs > 1000);
            Assert.Equal(arrived + TimeSpan.FromMilliseconds(Timeouts.TokenLossTimeoutMs).Ticks, tokenLoss.DeadlineTicks);
        }
        finally
        {
            await node.StopAsync();
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static Task WaitUntilAsync(string what, Func<bool> condition) =>
        RuntimeCluster.WaitUntilAsync(what, () => Task.FromResult(condition()));

    /// <summary>
    /// A clock that moves only when told: its timers fire, in the order of their deadlines, on the
    /// thread that calls <see cref="Advance"/>. Every timer started is kept, with its deadline.
    /// </summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly object _lock = new();
        private readonly List<ManualTimer> _started = [];
        private long _nowTicks = DateTimeOffset.UnixEpoch.AddYears(56).Ticks;

        public long NowTicks
        {
            get { lock (_lock) return _nowTicks; }
        }

        public IReadOnlyList<(double DelayMs, long DeadlineTicks)> Started
        {
            get { lock (_lock) return _started.Select(t => (t.DelayMs, t.DeadlineTicks)).ToList(); }
        }

        public override DateTimeOffset GetUtcNow()
        {
            lock (_lock) return new DateTimeOffset(_nowTicks, TimeSpan.Zero);
        }

        public override long GetTimestamp()
        {
            lock (_lock) return _nowTicks;
        }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (_lock)
            {
                var timer = new ManualTimer(this, callback, state, dueTime.TotalMilliseconds, _nowTicks + dueTime.Ticks);
                _started.Add(timer);
                return timer;
            }
        }

        public void Advance(double ms)
        {
            long target;
            lock (_lock) target = _nowTicks + (long)(ms * TimeSpan.TicksPerMillisecond);
            while (true)
            {
                ManualTimer? next;
                lock (_lock)
                {
                    next = _started.Where(t => t.Pending && t.DeadlineTicks <= target).MinBy(t => t.DeadlineTicks);
                    if (next is null)
                    {
                        _nowTicks = target;
                        return;
                    }
                    _nowTicks = Math.Max(_nowTicks, next.DeadlineTicks);
                    next.Pending = false;
                }
                next.Fire();
            }
        }

        private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state, double delayMs, long deadlineTicks) : ITimer
        {
            public double DelayMs { get; } = delayMs;
            public long DeadlineTicks { get; } = deadlineTicks;
            public bool Pending { get; set; } = true;

            public void Fire() => callback(state);

            public bool Change(TimeSpan dueTime, TimeSpan period) => throw new NotSupportedException("the runtime's timers are one-shot and never changed");

            public void Dispose()
            {
                lock (clock._lock) Pending = false;
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
