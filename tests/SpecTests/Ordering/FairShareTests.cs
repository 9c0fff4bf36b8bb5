// Totem's flow control on a whole ring: the window is shared in proportion to what each process
// has waiting (the token's send backlog), so that when every process has more to send than the
// window holds, the first holders after the window opens do not take all of it and starve the
// processes behind them.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Simulation;
using Xunit;

namespace SpecTests.Ordering;

public class FairShareTests
{
    [Fact]
    public void Five_processes_with_long_queues_each_broadcast_a_fifth_of_the_window_per_rotation()
    {
        var ids = Enumerable.Range(1, 5).Select(i => new ProcessId($"p{i}")).ToImmutableArray();
        var sent = LosslessRing(ids, queuedAtEach: 1000, rotations: 60);

        // 60 rotations of a 50-message window is 3,000 messages, an even share 600 each (the first
        // rotation, before the token has carried every backlog round, is not quite even). Without
        // the backlog, p1, p2 and p3 take 17, 17 and 16 on every rotation and p4 and p5 none.
        Assert.All(ids, p => Assert.True(sent[p] is >= 570 and <= 630, string.Join(", ", sent.Select(s => $"{s.Key}: {s.Value}"))));
    }

    [Fact]
    public void A_process_with_little_waiting_sends_all_of_it_at_once_beside_one_with_a_long_queue()
    {
        var ids = ImmutableArray.Create(new ProcessId("p1"), new ProcessId("p2"));
        var sent = LosslessRing(ids, queuedAtEach: 0, rotations: 3, extra: new() { [ids[0]] = 1000, [ids[1]] = 5 });
        Assert.True(sent[ids[1]] == 5, string.Join(", ", sent.Select(s => $"{s.Key}: {s.Value}")));
    }

    /// <summary>
    /// Runs <paramref name="ids"/> as one installed ring over a network that loses nothing and
    /// delivers in order (a <see cref="HandNetwork"/> handing on the oldest packet each time), each
    /// process with <paramref name="queuedAtEach"/> agreed messages queued (plus <paramref name="extra"/>),
    /// for that many token rotations; returns how many each broadcast.
    /// </summary>
    private static Dictionary<ProcessId, int> LosslessRing(
        ImmutableArray<ProcessId> ids, int queuedAtEach, int rotations, Dictionary<ProcessId, int>? extra = null)
    {
        var net = new HandNetwork(ids.Select(p => new TotemNode(p)));
        var sent = ids.ToDictionary(p => p, _ => 0);
        void Count(ProcessId from, IReadOnlyList<NodeOutput> outputs) => sent[from] += outputs.OfType<MessageSent>().Count();

        foreach (var p in ids)
        {
            int queued = queuedAtEach + (extra?.GetValueOrDefault(p) ?? 0);
            for (int i = 0; i < queued; i++) net.Input(p, new SendRequested([(byte)i], DeliveryService.Agreed));
        }
        var ring = new RingId(1, ids[0]);
        foreach (var p in ids) Count(p, net.Input(p, new StartInRing(ring, ids)));
        int tokensAtRepresentative = 0;
        while (net.Waiting.Count > 0 && tokensAtRepresentative < rotations)
        {
            if (net.Waiting[0] is { Packet: Token, To: var to } && to == ids[0]) tokensAtRepresentative++;
            var (next, outputs) = net.HandOn(0);
            Count(next.To, outputs);
        }
        return sent;
    }
}
