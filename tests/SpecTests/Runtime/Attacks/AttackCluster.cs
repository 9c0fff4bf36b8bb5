// Tests of the real network under attack: the stage every attack test plays on. Three processes
// of a cluster with an AES-256-GCM key, every datagram between them through the man in the middle
// (Relay), a member's forging hands (Forger), and the application's messages kept in a ledger, so
// that after the attack a test can say what the issue asks of it: nothing lost, nothing forged
// delivered, no membership change where none is due, traffic back to its baseline, and every
// specification holding on the traces. Every wait is for a condition and bounded.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Evs.Runtime;
using Evs.Runtime.Wire;
using Xunit;
using Xunit.Abstractions;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace SpecTests.Runtime.Attacks;

/// <summary>A point of a run to look back to: how many events each process had delivered, and how many datagrams the relay had carried.</summary>
public sealed record Moment(ImmutableDictionary<ProcessId, int> Events, long Datagrams);

/// <summary>The processes under attack, the attacker's tools, and the checks of a run.</summary>
internal sealed class AttackCluster : IAsyncDisposable
{
    public static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");

    /// <summary>
    /// How long a membership change may take: the token loss timeout and a round or two of
    /// consensus (RuntimeCluster.SteadyMembership: about 4 s in all), with room for a loaded machine.
    /// Long enough for a ring that settles, far too short for one that keeps changing.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long every message sent may take to be delivered everywhere: on a ring that works, a
    /// fraction of a second; ample room for a loaded machine, and a message still missing then is lost.
    /// </summary>
    public static readonly TimeSpan Delivery = TimeSpan.FromSeconds(10);

    /// <summary>How long a process may take to count a datagram it dropped: it is counted as it arrives.</summary>
    public static readonly TimeSpan Counting = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Traffic is back to its baseline when it is within this factor of it: the same order of
    /// magnitude (an idle ring's rate wanders with when its token is held), where the attacks that
    /// multiply traffic do so by ten to a thousand.
    /// </summary>
    public const double TrafficFactor = 3;

    private static readonly DeliveryService[] Services = [DeliveryService.Agreed, DeliveryService.Safe, DeliveryService.Causal];

    private readonly string _keyDirectory;
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentDictionary<string, ProcessId> _sent = new();
    private ImmutableSortedSet<ProcessId> _running = [];
    private int _flushes;

    private AttackCluster(ITestOutputHelper output, string keyDirectory, byte[] key, Relay relay, RuntimeCluster cluster)
    {
        _output = output;
        _keyDirectory = keyDirectory;
        Relay = relay;
        Cluster = cluster;
        var options = cluster.OptionsOf(P1);
        Forger = new Forger(relay, options.ClusterName, WireSecurity.AesGcm(key), options.MaxDatagramBytes);
    }

    /// <summary>
    /// Starts p1, p2 and p3 with a shared key, each bound to a port of its own and given the
    /// relay's sockets as its peers' addresses, and waits for their first ring.
    /// </summary>
    public static async Task<AttackCluster> StartAsync(ITestOutputHelper output)
    {
        var keyDirectory = Path.Combine(Path.GetTempPath(), "evs-attack-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(keyDirectory);
        var keyFile = Path.Combine(keyDirectory, "cluster.key");
        var key = KeyFile.Generate(keyFile);
        // The relay's sockets are bound first, so that the processes' free ports cannot be one of them.
        var relay = new Relay([P1, P2, P3]);
        var cluster = new RuntimeCluster(3, output, (id, options) => options with { Bind = options.Peers[id], Peers = relay.Addresses, KeyFile = keyFile, Membership = RuntimeCluster.SteadyMembership });
        relay.Carry(cluster.Addresses);
        var attack = new AttackCluster(output, keyDirectory, key, relay, cluster);
        try
        {
            foreach (var id in cluster.Ids) await attack.StartAsync(id);
            await cluster.WaitForRingAsync(P1, P2, P3);
            return attack;
        }
        catch
        {
            await attack.DisposeAsync();
            throw;
        }
    }

    /// <summary>The processes, their traces and events.</summary>
    public RuntimeCluster Cluster { get; }

    /// <summary>The man in the middle: captured traffic, taps, injection.</summary>
    public Relay Relay { get; }

    /// <summary>A member's forging hands: reads captured packets, sends forged ones.</summary>
    public Forger Forger { get; }

    /// <summary>The processes running now, in order.</summary>
    public ProcessId[] Running => [.. Volatile.Read(ref _running)];

    /// <summary>Starts, or restarts, <paramref name="id"/>.</summary>
    public async Task StartAsync(ProcessId id)
    {
        await Cluster.StartAsync(id);
        ImmutableInterlocked.Update(ref _running, running => running.Add(id));
    }

    /// <summary>Stops <paramref name="id"/>, which fails.</summary>
    public async Task StopAsync(ProcessId id)
    {
        ImmutableInterlocked.Update(ref _running, running => running.Remove(id));
        await Cluster.StopAsync(id);
    }

    /// <summary>
    /// Calls <paramref name="send"/> with 0, 1, ... <paramref name="count"/> - 1, at most
    /// <paramref name="perSecond"/> times a second: an attacker's steady stream, which the kernel's
    /// socket buffers take in as they would a real one (a burst of everything at once would only
    /// overflow them).
    /// </summary>
    public static async Task PacedAsync(int count, double perSecond, Action<int> send)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            send(i);
            var due = TimeSpan.FromSeconds((i + 1) / perSecond) - clock.Elapsed;
            if (due > TimeSpan.FromMilliseconds(5)) await Task.Delay(due);
        }
    }

    // ---- The application's messages ----

    /// <summary>Each of <paramref name="senders"/> sends <paramref name="perProcess"/> messages tagged <paramref name="tag"/>.</summary>
    public async Task SendAsync(string tag, int perProcess, params ProcessId[] senders)
    {
        using var patience = new CancellationTokenSource(RuntimeCluster.Patience);
        for (int i = 0; i < perProcess; i++)
            foreach (var p in senders) await SendOneAsync(p, $"{tag} {p} {i}", i, patience.Token);
    }

    /// <summary>
    /// The running processes send <paramref name="perSecond"/> messages a second between them, in
    /// turn, for <paramref name="duration"/>, tagged <paramref name="tag"/>. A send that cannot be
    /// taken in time (a ring that stopped delivering fills every buffer) fails the test.
    /// </summary>
    public async Task SendSteadilyAsync(string tag, int perSecond, TimeSpan duration)
    {
        var senders = Running;
        using var patience = new CancellationTokenSource(duration + RuntimeCluster.Patience);
        var started = DateTime.UtcNow;
        int sent = 0;
        while (DateTime.UtcNow - started < duration)
        {
            int due = (int)((DateTime.UtcNow - started).TotalSeconds * perSecond);
            for (; sent < due; sent++)
            {
                var p = senders[sent % senders.Length];
                await SendOneAsync(p, $"{tag} {p} {sent}", sent, patience.Token);
            }
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Sends a message from <paramref name="from"/> and waits until every running process has
    /// delivered it. A process handles the datagrams from one address in the order they were sent,
    /// so once this returns, whatever was injected from <paramref name="from"/>'s address before it
    /// was called has been handled too.
    /// </summary>
    public async Task FlushFromAsync(ProcessId from)
    {
        string tag = $"flush-{Interlocked.Increment(ref _flushes)}";
        await SendAsync(tag, 1, from);
        await AssertDeliveredAsync(tag, Running);
    }

    /// <summary>How many messages tagged <paramref name="tag"/> were sent.</summary>
    public int SentWith(string tag) => _sent.Keys.Count(m => m.StartsWith(tag + " ", StringComparison.Ordinal));

    /// <summary>
    /// Waits until each of <paramref name="at"/> has delivered every message tagged
    /// <paramref name="tag"/>; fails the test, saying how many each one misses, when one has not
    /// within <see cref="Delivery"/>.
    /// </summary>
    public Task AssertDeliveredAsync(string tag, params ProcessId[] at) =>
        Within(Delivery, $"every message tagged \"{tag}\" delivered at {string.Join(", ", at)}",
            () => Task.FromResult(at.All(p => Missing(tag, p) == 0)),
            () => Task.FromResult(string.Join("; ", at.Select(p => $"{p} misses {Missing(tag, p)} of {SentWith(tag)}"))));

    // ---- Membership and traffic ----

    /// <summary>
    /// The ring of the running processes, once they are operational in one ring of exactly
    /// themselves; fails the test with their states if they are not within <see cref="Settle"/>.
    /// </summary>
    public async Task<RingId> RingAsync()
    {
        var members = Running;
        await Within(Settle, $"{string.Join(", ", members)} in one ring of exactly themselves",
            async () => await Statuses() is var all && all.All(s => s.State == MembershipState.Operational && s.Ring == all[0].Ring
                && s.Configuration is { } c && c.Members.SequenceEqual(members)),
            async () => string.Join("; ", await Statuses()));
        return (await Cluster[members[0]].GetStatusAsync()).Ring!.Value;
    }

    /// <summary>Now, as a point to look back to: how many events each process has delivered, and how many datagrams the relay has carried.</summary>
    public Moment Mark() => new(Cluster.Ids.ToImmutableDictionary(p => p, p => Cluster.Delivered(p).Events.Count), Relay.Carried);

    /// <summary>The configuration changes <paramref name="p"/> has delivered since <paramref name="since"/>.</summary>
    public IReadOnlyList<ConfigurationChangedEvent> ConfigurationsSince(Moment since, ProcessId p) =>
        [.. Cluster.Delivered(p).Events.Skip(since.Events[p]).OfType<ConfigurationChangedEvent>()];

    /// <summary>The rings proposed on the network since <paramref name="since"/>: one per round of the membership algorithm that reached consensus.</summary>
    public IReadOnlyList<RingId> RingsProposedSince(Moment since) =>
        [.. Forger.Find<CommitToken>().Where(c => c.Datagram.Number >= since.Datagrams).Select(c => c.Packet.Ring).Distinct()];

    /// <summary>
    /// Every running process is still operational in <paramref name="ring"/> and has delivered no
    /// configuration change since <paramref name="since"/>: the attack did not disturb the membership.
    /// </summary>
    public async Task AssertNoMembershipChangeAsync(RingId ring, Moment since)
    {
        foreach (var p in Running)
        {
            var status = await Cluster[p].GetStatusAsync();
            var changes = ConfigurationsSince(since, p);
            Assert.True(changes.Count == 0 && status.State == MembershipState.Operational && status.Ring == ring,
                $"{p} left {ring}: it is {status.State} in {status.Ring}, after {changes.Count} configuration changes ({string.Join(", ", changes.Take(10).Select(c => c.Configuration.Name))})");
        }
    }

    /// <summary>
    /// The <paramref name="changes"/> membership changes since <paramref name="since"/> went as they
    /// go without an attack: each took one round of the membership algorithm (one ring proposed),
    /// and each of <paramref name="stayed"/>, there all along, delivered one transitional and one
    /// regular configuration in each.
    /// </summary>
    public void AssertSettledAsWithoutAttack(Moment since, int changes, params ProcessId[] stayed)
    {
        foreach (var p in stayed)
        {
            var configurations = ConfigurationsSince(since, p);
            Assert.True(configurations.Count == 2 * changes,
                $"{p} delivered {configurations.Count} configurations in {changes} membership changes, not 2 each: {string.Join(", ", configurations.Take(20).Select(c => c.Configuration.Name))}");
        }
        var proposed = RingsProposedSince(since);
        Assert.True(proposed.Count == changes, $"{proposed.Count} rings proposed in {changes} membership changes, not one each: {string.Join(", ", proposed.Take(20))}");
    }

    /// <summary>Datagrams received a second by the running processes together, over <paramref name="window"/>.</summary>
    public async Task<double> ReceiveRateAsync(TimeSpan window)
    {
        var nodes = Running.Select(p => Cluster[p]).ToList();
        long before = nodes.Sum(n => n.Host.Transport.Counters.Received);
        var started = DateTime.UtcNow;
        await Task.Delay(window);
        long after = nodes.Sum(n => n.Host.Transport.Counters.Received);
        return (after - before) / (DateTime.UtcNow - started).TotalSeconds;
    }

    /// <summary>
    /// The traffic of the running processes once the ring has settled, in datagrams a second (the
    /// idle ring's token, held by its representative between rotations, and its merge detection).
    /// </summary>
    public async Task<double> SettledRateAsync()
    {
        await WaitForQuiescenceAsync();
        // An idle ring holds its token only after some idle rotations: the rate is measured once
        // its representative has held it twice more.
        var representative = (await Cluster[Running[0]].GetStatusAsync()).Ring!.Value.Representative;
        long holds = await TokenHoldsAsync(representative);
        await Within(Settle, $"{representative} holds the idle ring's token",
            async () => await TokenHoldsAsync(representative) >= holds + 2,
            async () => $"{representative} has held it {await TokenHoldsAsync(representative) - holds} times since");
        double rate = await ReceiveRateAsync(TimeSpan.FromSeconds(1));
        _output.WriteLine($"settled traffic: {rate:0} datagrams/s");
        return rate;
    }

    /// <summary>
    /// Waits until the running processes' traffic is back within <see cref="TrafficFactor"/> of
    /// <paramref name="baseline"/> (datagrams a second, measured second by second); fails the test
    /// with the last second's rate if it is not within <see cref="Settle"/>.
    /// </summary>
    public Task AssertTrafficBackToAsync(double baseline)
    {
        double rate = double.NaN;
        return Within(Settle, $"traffic back within {TrafficFactor} times its baseline of {baseline:0} datagrams/s",
            async () => (rate = await ReceiveRateAsync(TimeSpan.FromSeconds(1))) <= TrafficFactor * baseline,
            () => Task.FromResult($"the last second it was {rate:0} datagrams/s"));
    }

    // ---- Drops ----

    /// <summary>
    /// Waits until <paramref name="p"/> has handled what it was sent: it has counted a drop since
    /// <paramref name="before"/>, or has left <paramref name="ring"/> (it took the datagram in), or
    /// <see cref="Counting"/> has passed. The assertions that follow say which.
    /// </summary>
    public Task AwaitHandledAsync(ProcessId p, Drops before, RingId ring) =>
        Poll(Counting, async () => DropsAt(p).Since(before).Total > 0 || await Cluster[p].GetStatusAsync() is not { State: MembershipState.Operational } status || status.Ring != ring);

    /// <summary>The drop counters of <paramref name="p"/> now.</summary>
    public Drops DropsAt(ProcessId p) => Drops.Of(Cluster[p].Host);

    /// <summary>Waits until <paramref name="p"/> has counted at least <paramref name="atLeast"/> drops since <paramref name="before"/>; fails the test, with what it counted, if it does not within <see cref="Counting"/>.</summary>
    public Task AssertDroppedAsync(ProcessId p, Drops before, long atLeast) =>
        Within(Counting, $"{p} drops and counts {atLeast} datagrams",
            () => Task.FromResult(DropsAt(p).Since(before).Total >= atLeast),
            () => Task.FromResult($"{p} counted {DropsAt(p).Since(before)}"));

    // ---- The end of a run ----

    /// <summary>Waits until the running processes are quiescent (one ring, everything sent delivered); fails the test with their states if not within <see cref="Settle"/>.</summary>
    public Task WaitForQuiescenceAsync() =>
        Within(Settle, $"{string.Join(", ", Running)} quiescent",
            async () => NodeStatus.AllQuiescent(await Statuses()),
            async () => string.Join("; ", await Statuses()));

    /// <summary>
    /// Ends the run as the issue asks every attack run to end: the running processes settle and
    /// stop quiescent, no process delivered a message the application did not send or one twice,
    /// and the traces pass every specification. Returns the traces.
    /// </summary>
    public async Task<EvsTrace> FinishAsync()
    {
        Assert.Null(Relay.TapFailure);
        await WaitForQuiescenceAsync();
        await Cluster.StopQuiescentAsync();
        Volatile.Write(ref _running, []);
        foreach (var p in Cluster.Ids)
        {
            var delivered = Cluster.Delivered(p).Messages.Select(m => Encoding.UTF8.GetString(m.Payload.Span)).ToList();
            var notSent = delivered.Where(m => !_sent.ContainsKey(m)).ToList();
            Assert.True(notSent.Count == 0, $"{p} delivered {notSent.Count} messages the application never sent, such as \"{notSent.FirstOrDefault()}\"");
            Assert.True(delivered.Count == delivered.Distinct().Count(), $"{p} delivered a message twice");
        }
        return Cluster.CheckTraces();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Relay.DisposeAsync();
        Forger.Dispose();
        Directory.Delete(_keyDirectory, recursive: true);
    }

    private async Task SendOneAsync(ProcessId p, string message, int i, CancellationToken cancellationToken)
    {
        _sent[message] = p;
        await Cluster[p].SendAsync(Encoding.UTF8.GetBytes(message), Services[i % Services.Length], cancellationToken);
    }

    private int Missing(string tag, ProcessId p)
    {
        var delivered = Cluster.Delivered(p).Messages.Select(m => Encoding.UTF8.GetString(m.Payload.Span)).ToHashSet();
        return _sent.Keys.Count(m => m.StartsWith(tag + " ", StringComparison.Ordinal) && !delivered.Contains(m));
    }

    private async Task<long> TokenHoldsAsync(ProcessId p) => (await Cluster[p].GetStatusAsync()).Counters!.TokenHolds;

    private Task<NodeStatus[]> Statuses() => Task.WhenAll(Running.Select(p => Cluster[p].GetStatusAsync()));

    // Polls `condition` until it holds; after `bound`, fails the test with `what` and the state `describe` gives.
    private static async Task Within(TimeSpan bound, string what, Func<Task<bool>> condition, Func<Task<string>> describe)
    {
        if (!await Poll(bound, condition)) Assert.Fail($"not within {bound.TotalSeconds} s: {what}. {await describe()}");
    }

    // Polls `condition` until it holds (true) or `bound` has passed (false).
    private static async Task<bool> Poll(TimeSpan bound, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(20);
        }
        return true;
    }
}
