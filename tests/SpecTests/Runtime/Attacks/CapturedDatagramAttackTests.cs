// Tests of the real network under attack (issue #13, item 6): an attacker without the key. It
// cannot read or make a datagram, but it can capture the sealed ones on the wire and send copies,
// now or later, to anyone, from the original sender's address. Each copy must be dropped as stale
// or misaddressed (and counted) or do no harm: no message lost, no membership change where none
// is due, the ring settling as it would without the attack, traffic back to its baseline, and
// every specification holding on the traces.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Xunit;
using Xunit.Abstractions;
using static SpecTests.Runtime.Attacks.AttackCluster;

namespace SpecTests.Runtime.Attacks;

[Collection(RuntimeCollection.Name)]
public sealed class CapturedDatagramAttackTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Copies_of_p1s_datagrams_for_p2_sent_to_p3_for_three_seconds_lose_no_message_change_no_membership_and_leave_traffic_at_its_baseline()
    {
        // p3 is sent a copy of every datagram p1 sends p2, from p1's address: the tokens p1 passes
        // its successor, and p1's messages, while the application sends 700 messages a second.
        await using var attack = await AttackCluster.StartAsync(output);
        var ring = await attack.RingAsync();
        double baseline = await attack.SettledRateAsync();
        var mark = attack.Mark();
        var p3Before = attack.DropsAt(P3);

        using (attack.Relay.Tap(d =>
        {
            if (d.From == P1 && d.To == P2) attack.Relay.Inject(P1, P3, d.Bytes);
        }))
        {
            await attack.SendSteadilyAsync("copied", perSecond: 700, TimeSpan.FromSeconds(3));
        }
        long copies = attack.Relay.Injected;
        output.WriteLine($"{attack.SentWith("copied")} messages sent, {copies} copies injected");

        await attack.AssertDeliveredAsync("copied", P1, P2, P3);
        await attack.AssertNoMembershipChangeAsync(ring, mark);
        await attack.AssertDroppedAsync(P3, p3Before, copies);
        await attack.AssertTrafficBackToAsync(baseline);
        await attack.FinishAsync();
    }

    [Fact]
    public async Task A_message_datagram_of_an_earlier_ring_replayed_as_from_stopped_p3_is_dropped_and_counted_and_changes_no_membership()
    {
        await using var attack = await AttackCluster.StartAsync(output);
        await attack.SendAsync("earlier", 3, P3);
        await attack.AssertDeliveredAsync("earlier", P1, P2, P3);
        // One datagram carrying a message of p3's to each of p1 and p2, captured in the ring of all three.
        var replays = attack.Forger.Find<RegularMessage>()
            .Where(c => c.Datagram.From == P3 && c.Packet.Originator == P3)
            .GroupBy(c => c.Datagram.To).Select(g => g.First().Datagram).ToList();
        Assert.Equal([P1, P2], replays.Select(d => d.To).Order());

        await attack.StopAsync(P3);
        var ring = await attack.RingAsync();
        await attack.WaitForQuiescenceAsync();
        var mark = attack.Mark();
        var before = attack.Running.ToDictionary(p => p, attack.DropsAt);
        foreach (var datagram in replays) attack.Relay.Inject(P3, datagram.To, datagram.Bytes);

        foreach (var p in attack.Running) await attack.AwaitHandledAsync(p, before[p], ring);
        await attack.AssertNoMembershipChangeAsync(ring, mark);
        foreach (var p in attack.Running) await attack.AssertDroppedAsync(p, before[p], 1);
        await attack.FinishAsync();
    }

    [Fact]
    public async Task Joins_captured_in_an_earlier_membership_change_and_replayed_during_a_later_one_leave_it_to_settle_as_without_them()
    {
        await using var attack = await AttackCluster.StartAsync(output);
        // The earlier change: p3 leaves and comes back; every join of it is captured.
        await attack.StopAsync(P3);
        await attack.RingAsync();
        await attack.StartAsync(P3);
        await attack.RingAsync();
        var joins = attack.Forger.Find<JoinMessage>().Select(c => c.Datagram).Distinct().ToList();
        output.WriteLine($"{joins.Count} datagrams with joins captured");

        // The later change: p3 leaves again while every captured join is replayed, to its
        // destination from its sender's address, every 20 ms, until two seconds after p1 and p2
        // have formed their ring.
        var mark = attack.Mark();
        var before = DropsOf(attack, P1, P2);
        using var replaying = new CancellationTokenSource();
        var replay = ReplayUntilAsync(attack.Relay, joins, replaying.Token);
        await attack.StopAsync(P3);
        var ring = await attack.RingAsync();
        await attack.SendAsync("during", 5, P1, P2);
        await attack.AssertDeliveredAsync("during", P1, P2);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await replaying.CancelAsync();
        int rounds = await replay;
        output.WriteLine($"{rounds} rounds of replays");

        attack.AssertSettledAsWithoutAttack(mark, changes: 1, P1, P2);
        await attack.AssertNoMembershipChangeAsync(ring, attack.Mark());
        // Every replay is dropped but those the kernel loses on a loaded machine (UDP on loopback
        // drops what overflows a socket's buffer), and a join whose original was lost that way is
        // taken once, as late (docs/WIRE.md): one round's worth is allowed for both.
        foreach (var p in attack.Running) await attack.AssertDroppedAsync(p, before[p], (rounds - 1) * joins.Count(d => d.To == p));
        await attack.FinishAsync();
    }

    [Fact]
    public async Task Every_kind_of_captured_datagram_replayed_at_every_phase_of_later_membership_changes_is_dropped_and_they_settle_as_without_it()
    {
        await using var attack = await AttackCluster.StartAsync(output);
        // Earlier traffic of every kind: messages and tokens in a ring of three, then p3 leaving
        // and coming back (joins, commit tokens, recovery), and merge detection all along.
        await attack.SendAsync("earlier", 10, P1, P2, P3);
        await attack.AssertDeliveredAsync("earlier", P1, P2, P3);
        await attack.StopAsync(P3);
        await attack.RingAsync();
        await attack.StartAsync(P3);
        await attack.RingAsync();
        var old = OneOfEachKind(attack.Forger);
        output.WriteLine($"replayed at every phase: {old.Count} datagrams, of {string.Join(", ", old.Select(o => o.Kind).Distinct())}");
        Assert.Superset(new HashSet<string>([nameof(Token), nameof(RegularMessage), nameof(JoinMessage), nameof(CommitToken), nameof(MergeDetect)]),
            old.Select(o => o.Kind).ToHashSet());
        var replays = old.Select(o => o.Datagram).ToList();

        // Later: p3 leaves and comes back again. Each phase of each change is greeted with the
        // whole lot at its first datagram (the relay's tap runs before it is forwarded), and so is
        // the operational ring before, between and after the changes.
        var mark = attack.Mark();
        var before = DropsOf(attack, P1, P2);
        var phases = new PhaseTracker();
        int rounds = 0;
        void ReplayAll()
        {
            foreach (var datagram in replays) attack.Relay.Inject(datagram.From, datagram.To, datagram.Bytes);
            Interlocked.Increment(ref rounds);
        }
        using (attack.Relay.Tap(d =>
        {
            if (phases.Enters(attack.Forger.Read(d))) ReplayAll();
        }))
        {
            ReplayAll();
            await attack.StopAsync(P3);
            await attack.RingAsync();
            await attack.SendAsync("apart", 5, P1, P2);
            await attack.AssertDeliveredAsync("apart", P1, P2);
            ReplayAll();
            await attack.StartAsync(P3);
            await attack.RingAsync();
        }
        output.WriteLine($"phases greeted: {phases}");
        Assert.True(phases.Gather >= 2 && phases.Commit >= 2 && phases.Recovery >= 2, $"each change went through every phase: {phases}");

        var ring = await attack.RingAsync();
        var settled = attack.Mark();
        ReplayAll();
        // Each process's messages leave from its address after the replays that came from there,
        // so once all are delivered, every replay has been handled.
        await attack.SendAsync("together", 5, P1, P2, P3);
        await attack.AssertDeliveredAsync("together", P1, P2, P3);

        attack.AssertSettledAsWithoutAttack(mark, changes: 2, P1, P2);
        await attack.AssertNoMembershipChangeAsync(ring, settled);
        foreach (var p in new[] { P1, P2 }) await attack.AssertDroppedAsync(p, before[p], rounds * replays.Count(d => d.To == p));
        await attack.FinishAsync();
    }

    private static Dictionary<ProcessId, Drops> DropsOf(AttackCluster attack, params ProcessId[] processes) =>
        processes.ToDictionary(p => p, attack.DropsAt);

    // Sends every datagram of `datagrams` again, to its destination from its sender's address,
    // every 20 ms until cancelled; returns how many rounds it sent.
    private static async Task<int> ReplayUntilAsync(Relay relay, IReadOnlyList<Captured> datagrams, CancellationToken stop)
    {
        int rounds = 0;
        while (!stop.IsCancellationRequested)
        {
            foreach (var datagram in datagrams) relay.Inject(datagram.From, datagram.To, datagram.Bytes);
            rounds++;
            await Task.Delay(20, CancellationToken.None);
        }
        return rounds;
    }

    // The last datagram captured of each kind of packet on each way from one process to another.
    private static List<(string Kind, Captured Datagram)> OneOfEachKind(Forger forger) =>
        [.. forger.Find<Packet>()
            .GroupBy(c => (Kind: c.Packet.GetType().Name, c.Datagram.From, c.Datagram.To))
            .Select(g => (g.Key.Kind, g.Last().Datagram))];

    /// <summary>
    /// Which phase of a membership change the traffic shows, datagram by datagram: the first join
    /// after a ring formed begins Gather, the first commit token of a proposed ring begins Commit,
    /// the first token of that ring begins Recovery. Counts how often each began.
    /// </summary>
    private sealed class PhaseTracker
    {
        private readonly Lock _lock = new();
        private bool _gathering;
        private RingId? _committing, _recovering;

        public int Gather { get; private set; }

        public int Commit { get; private set; }

        public int Recovery { get; private set; }

        /// <summary>Whether the packets of one datagram begin a phase.</summary>
        public bool Enters(IReadOnlyList<Packet> packets)
        {
            lock (_lock)
            {
                foreach (var packet in packets)
                {
                    switch (packet)
                    {
                        case JoinMessage when !_gathering:
                            _gathering = true;
                            Gather++;
                            return true;
                        case CommitToken commit when commit.Ring != _committing:
                            _committing = commit.Ring;
                            Commit++;
                            return true;
                        case Token token when token.Ring == _committing && token.Ring != _recovering:
                            _recovering = token.Ring;
                            _gathering = false;
                            Recovery++;
                            return true;
                    }
                }
                return false;
            }
        }

        public override string ToString()
        {
            lock (_lock) return $"gather {Gather}, commit {Commit}, recovery {Recovery}";
        }
    }
}
