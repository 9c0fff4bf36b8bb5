// Tests of the real network: a few processes in this test process, over real UDP sockets on
// 127.0.0.1 only, with short timeouts so that each test takes seconds. Every wait is for a
// condition and bounded, so a broken build fails a test instead of hanging it.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Evs.Reference.Checking;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.Tracing;
using Evs.Runtime;
using Evs.Runtime.Files;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

/// <summary>The runtime tests open sockets and start timers: they run alone, not beside the CPU-heavy simulation tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RuntimeCollection
{
    public const string Name = "Runtime";
}

/// <summary>
/// Processes p1..pN on 127.0.0.1 with free ports, their stores and traces in a fresh directory,
/// the events each one delivers recorded as they come. Disposing stops what still runs and
/// deletes the directory.
/// </summary>
public sealed class RuntimeCluster : IAsyncDisposable
{
    /// <summary>
    /// Short timeouts: a lost token is noticed in 800 ms instead of Corosync's 3 s. Not much shorter:
    /// on a machine loaded far beyond its two cores a process can stall for hundreds of milliseconds
    /// (a first start compiles the code it runs), and would be taken for failed.
    /// </summary>
    public static readonly MembershipSettings FastMembership = new(TokenLossTimeoutMs: 800, JoinTimeoutMs: 40, ConsensusTimeoutMs: 960, MergeDetectTimeoutMs: 150);

    /// <summary>
    /// <see cref="FastMembership"/> with the token loss and consensus timeouts doubled, for tests that
    /// assert that the ring does not change while something is done to it (copies, replays,
    /// forgeries): these run beside the suite's CPU-heavy tests, and a stall of a few hundred
    /// milliseconds of the loaded machine must not pass for a lost token. A ring that the attack does
    /// stop still shows within seconds.
    /// </summary>
    public static readonly MembershipSettings SteadyMembership = FastMembership with
    {
        TokenLossTimeoutMs = 2 * FastMembership.TokenLossTimeoutMs,
        ConsensusTimeoutMs = 2 * FastMembership.ConsensusTimeoutMs,
    };

    /// <summary>The token is sent again after 100 ms without a sign that it moved on (an idle token is held 25 ms).</summary>
    public static readonly TotemSettings FastTotem = TotemSettings.Default with { TokenRetransmitTimeoutMs = 100 };

    /// <summary>How long any one condition may take before the test fails: generous, for a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "evs-runtime-" + Guid.NewGuid().ToString("N"));
    private readonly Func<ProcessId, EvsNodeOptions, EvsNodeOptions> _configure;
    private readonly TestOutputLoggers _loggers;
    private readonly Dictionary<ProcessId, EvsNode> _running = new();
    private readonly Dictionary<ProcessId, Recorder> _recorders = new();
    private readonly Dictionary<ProcessId, EvsNode> _failed = new();

    /// <summary>
    /// <paramref name="count"/> processes on free ports of 127.0.0.1, each given every other's address,
    /// then changed by <paramref name="configure"/> (another transport, say).
    /// </summary>
    public RuntimeCluster(int count, ITestOutputHelper output, Func<ProcessId, EvsNodeOptions, EvsNodeOptions>? configure = null)
    {
        Ids = Enumerable.Range(1, count).Select(i => new ProcessId($"p{i}")).ToImmutableArray();
        var ports = FreeLoopbackPorts(count);
        Addresses = Ids.Select((id, i) => (id, address: new IPEndPoint(IPAddress.Loopback, ports[i]))).ToImmutableDictionary(p => p.id, p => p.address);
        _configure = configure ?? ((_, options) => options);
        _loggers = new TestOutputLoggers(output);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>p1..pN.</summary>
    public ImmutableArray<ProcessId> Ids { get; }

    /// <summary>Each process's address.</summary>
    public ImmutableDictionary<ProcessId, IPEndPoint> Addresses { get; }

    /// <summary>Process <paramref name="id"/>, running.</summary>
    public EvsNode this[ProcessId id] => _running[id];

    /// <summary>Every line the processes logged so far, Information and up, as "Level: message".</summary>
    public IReadOnlyList<string> Logged => _loggers.Lines;

    /// <summary>The loggers the processes log to (for a process a test starts itself).</summary>
    public TestOutputLoggers Loggers => _loggers;

    /// <summary>Every process's trace file.</summary>
    public IEnumerable<string> TracePaths => Ids.Select(TracePath);

    /// <summary>The trace file of <paramref name="id"/>.</summary>
    public string TracePath(ProcessId id) => Path.Combine(_directory, $"{id}.jsonl");

    /// <summary>What <paramref name="id"/> has delivered so far, over all its runs.</summary>
    public Recorder Delivered(ProcessId id) => _recorders[id];

    /// <summary>The options of <paramref name="id"/>: its address, the peers, its store and trace, short timeouts.</summary>
    public EvsNodeOptions OptionsOf(ProcessId id) => _configure(id, new EvsNodeOptions
    {
        Id = id,
        Peers = Addresses,
        StoreDirectory = Path.Combine(_directory, "store-" + id),
        TracePath = TracePath(id),
        ClusterName = "test-" + Path.GetFileName(_directory)[^12..],
        Membership = FastMembership,
        Totem = FastTotem,
    });

    /// <summary>Starts every process.</summary>
    public async Task StartAllAsync()
    {
        foreach (var id in Ids) await StartAsync(id);
    }

    /// <summary>Starts (or, after <see cref="StopAsync"/>, restarts) <paramref name="id"/>, recording its events.</summary>
    public async Task<EvsNode> StartAsync(ProcessId id)
    {
        var node = await EvsNode.StartAsync(OptionsOf(id), _loggers);
        _running[id] = node;
        _failed.Remove(id);
        if (!_recorders.TryGetValue(id, out var recorder)) _recorders[id] = recorder = new Recorder();
        recorder.Follow(node);
        return node;
    }

    /// <summary>Stops <paramref name="id"/>, which fails and traces its fail line.</summary>
    public async Task StopAsync(ProcessId id)
    {
        var node = _running[id];
        _running.Remove(id);
        _failed[id] = node;
        await node.StopAsync();
        await _recorders[id].Stopped.WaitAsync(Patience);
    }

    /// <summary>Stops <paramref name="id"/> as kill -9 would: nothing more is traced.</summary>
    public async Task CrashAsync(ProcessId id)
    {
        var node = _running[id];
        _running.Remove(id);
        await node.CrashAsync();
        await _recorders[id].Stopped.WaitAsync(Patience);
    }

    /// <summary>Waits until the processes <paramref name="members"/> are operational in one ring of exactly themselves.</summary>
    public Task WaitForRingAsync(params ProcessId[] members) =>
        WaitUntilAsync($"{string.Join(",", members)} in one ring", async () =>
        {
            var statuses = await Task.WhenAll(members.Select(m => _running[m].GetStatusAsync()));
            return statuses.All(s => s.State == MembershipState.Operational && s.Ring == statuses[0].Ring
                && s.Configuration is { } c && c.Members.SequenceEqual(members.Order()));
        });

    /// <summary>
    /// Waits until <paramref name="group"/> is quiescent (<see cref="NodeStatus.AllQuiescent"/>): one ring of
    /// exactly these processes, everything sent delivered everywhere. Unlike a count of deliveries, this
    /// comes true also after a spurious membership change (after which extended virtual synchrony lets
    /// the processes that were apart deliver different messages).
    /// </summary>
    public Task WaitForQuiescenceAsync(params ProcessId[] group) =>
        WaitUntilAsync($"{string.Join(",", group)} quiescent", async () =>
            NodeStatus.AllQuiescent(await Task.WhenAll(group.Select(m => _running[m].GetStatusAsync()))));

    /// <summary>
    /// Where no ring can hold all the processes (links that work one way, peer lists that disagree):
    /// waits until every process's latest regular configuration is shared by all its members, with
    /// <paramref name="a"/> and <paramref name="b"/> in different ones, and then checks that the
    /// membership rests there for two token-loss-and-consensus periods: still apart, and at most one
    /// more ring per process. One is a token that a machine busy with other tests delayed past the
    /// short timeout (seen in CI: {p1,p3} re-formed once, alone); a membership that gathers again and
    /// again without getting anywhere installs dozens (about a hundred without Membership/HearingEvidence).
    /// </summary>
    public async Task AssertSettlesApartAsync(ProcessId a, ProcessId b)
    {
        await WaitUntilAsync($"{a} and {b} in different rings, each shared by all its members", () => Task.FromResult(SettledApart(a, b)));
        int installed = RegularConfigurationsInstalled();
        await Task.Delay(TimeSpan.FromMilliseconds(2 * (FastMembership.TokenLossTimeoutMs + FastMembership.ConsensusTimeoutMs)));
        Assert.InRange(RegularConfigurationsInstalled() - installed, 0, Ids.Length);
        await WaitUntilAsync($"{a} and {b} still in different rings", () => Task.FromResult(SettledApart(a, b)));
    }

    private ConfigurationChangedEvent? LastRegular(ProcessId p) =>
        _recorders[p].Events.OfType<ConfigurationChangedEvent>().LastOrDefault(c => c.Kind == ConfigurationKind.Regular);

    private bool SettledApart(ProcessId a, ProcessId b) =>
        Ids.All(p => LastRegular(p) is { } mine && mine.Members.All(m => LastRegular(m)?.Configuration == mine.Configuration))
        && LastRegular(a)!.Configuration != LastRegular(b)!.Configuration;

    private int RegularConfigurationsInstalled() =>
        Ids.Sum(p => _recorders[p].Events.OfType<ConfigurationChangedEvent>().Count(c => c.Kind == ConfigurationKind.Regular));

    /// <summary>Waits until <paramref name="id"/> has delivered <paramref name="count"/> messages in all.</summary>
    public Task WaitForDeliveriesAsync(ProcessId id, int count) =>
        WaitUntilAsync($"{id} delivers {count} messages", () => Task.FromResult(_recorders[id].Messages.Count >= count));

    /// <summary>Stops every running process, quiescent (those stopped before failed for good); fails the test if the cluster does not settle.</summary>
    public async Task StopQuiescentAsync()
    {
        var live = _running.Values.ToList();
        _running.Clear();
        Assert.True(await QuiescentStop.StopAsync(live, Patience, _failed.Values.ToList()), "the cluster did not stop quiescent");
    }

    /// <summary>Reads every trace and checks it against every specification; fails the test on a violation.</summary>
    public EvsTrace CheckTraces()
    {
        var trace = TraceFiles.ReadAll(TracePaths);
        var report = SpecificationChecker.Check(trace);
        Assert.True(report.AllPassed, report.ToString());
        return trace;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <see cref="Patience"/>.</summary>
    public static async Task WaitUntilAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {Patience.TotalSeconds} s waiting for: {what}");
            await Task.Delay(10);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _running.Values) await node.DisposeAsync();
        _running.Clear();
        _loggers.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    /// <summary><paramref name="count"/> distinct free UDP ports of 127.0.0.1.</summary>
    public static IReadOnlyList<int> FreeLoopbackPorts(int count) => LoopbackPorts.Free(count);
}

/// <summary>The events one process delivers, over all its runs, recorded from its event stream.</summary>
public sealed class Recorder
{
    private readonly ConcurrentQueue<EvsNodeEvent> _events = new();
    private Task _following = Task.CompletedTask;

    /// <summary>Every event, in the order delivered.</summary>
    public IReadOnlyList<EvsNodeEvent> Events => _events.ToList();

    /// <summary>The messages delivered, in order.</summary>
    public IReadOnlyList<MessageDeliveredEvent> Messages => _events.OfType<MessageDeliveredEvent>().ToList();

    /// <summary>Completes when the current run's event stream has ended.</summary>
    public Task Stopped => _following;

    /// <summary>Records <paramref name="node"/>'s events until it stops.</summary>
    public void Follow(EvsNode node)
    {
        var events = node.Events();
        _following = Task.Run(async () =>
        {
            await foreach (var e in events) _events.Enqueue(e);
        });
    }
}
