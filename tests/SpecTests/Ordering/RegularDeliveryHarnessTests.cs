// Step 1 against an adversarial network: a tiny harness (not the simulator) that hands the
// nodes' packets over in a random order, loses and duplicates them, and fires the token
// retransmission timer at random. After every single step it looks inside every node:
// "The process delivers a message as safe when it has ... received acknowledgments for the
// message from all of the other processes" — so at a safe delivery, every member holds it.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Simulation;
using Evs.Reference.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace SpecTests.Ordering;

public class RegularDeliveryHarnessTests
{
    [Property(MaxTest = 60)]
    public Property Step1_a_safe_message_is_delivered_only_after_every_member_has_received_it(ulong seed, byte lossPercent, byte processes)
    {
        var run = new AdversarialRing(seed: (long)seed, loss: lossPercent % 30 / 100.0, count: 2 + processes % 5);
        string? failure = run.Run(messages: 60);
        return (failure is null).Label($"seed={seed} loss={lossPercent % 30}% processes={2 + processes % 5}: {failure}");
    }

    /// <summary>Nodes and a bag of packets in flight; every choice from one seeded source.</summary>
    private sealed class AdversarialRing
    {
        private readonly DeterministicRandom _random;
        private readonly double _loss;
        private readonly List<TotemNode> _nodes;
        private readonly List<(ProcessId To, Packet Packet)> _inFlight = new();
        private readonly Dictionary<ProcessId, List<MessageId>> _delivered = new();
        private readonly Dictionary<MessageId, long> _ordinals = new();

        public AdversarialRing(long seed, double loss, int count)
        {
            _random = new DeterministicRandom(seed);
            _loss = loss;
            var ids = Enumerable.Range(1, count).Select(i => new ProcessId($"p{i}")).ToImmutableArray();
            _nodes = ids.Select(p => new TotemNode(p, new InMemoryStableStorage())).ToList();
            foreach (var p in ids) _delivered[p] = new();
        }

        public string? Run(int messages)
        {
            var members = _nodes.Select(n => n.Id).ToImmutableArray();
            var ring = new RingId(1, members[0]);
            foreach (var node in _nodes)
                if (Apply(node, node.Handle(new StartInRing(ring, members))) is { } f) return f;
            int requested = 0;
            for (int step = 0; step < 200_000; step++)
            {
                if (requested < messages && _random.Chance(0.2))
                {
                    var node = _nodes[(int)(_random.NextUInt64() % (ulong)_nodes.Count)];
                    var svc = (DeliveryService)(_random.NextUInt64() % 3);
                    node.Handle(new SendRequested([(byte)requested], svc));
                    requested++;
                }
                if (_inFlight.Count == 0 || _random.Chance(0.02))
                {
                    // Nothing moves (or the adversary waits): every timer fires.
                    foreach (var node in _nodes)
                        if (Apply(node, node.Handle(new TimerExpired(TimerKind.TokenRetransmit))) is { } f) return f;
                    continue;
                }
                int pick = (int)(_random.NextUInt64() % (ulong)_inFlight.Count);
                var (to, packet) = _inFlight[pick];
                _inFlight.RemoveAt(pick);
                if (_random.Chance(_loss)) continue;
                if (_random.Chance(0.05)) _inFlight.Add((to, packet));
                var target = _nodes.First(n => n.Id == to);
                if (Apply(target, target.Handle(new PacketArrived(packet))) is { } failure) return failure;
                if (requested == messages && _delivered.Values.All(d => d.Count == messages)) return SameOrder();
            }
            return $"not every message was delivered everywhere: {string.Join(", ", _delivered.Select(d => $"{d.Key}:{d.Value.Count}"))} of {messages}";
        }

        private string? Apply(TotemNode from, IReadOnlyList<NodeOutput> outputs)
        {
            foreach (var output in outputs)
            {
                switch (output)
                {
                    case Broadcast b:
                        if (b.Packet is RegularMessage m) _ordinals[m.Id] = m.Seq;
                        foreach (var n in _nodes) if (n.Id != from.Id) _inFlight.Add((n.Id, b.Packet));
                        break;
                    case Unicast u:
                        _inFlight.Add((u.To, u.Packet));
                        break;
                    case MessageDelivered d:
                        _delivered[from.Id].Add(d.Message);
                        if (d.Service == DeliveryService.Safe && _ordinals[d.Message] is var seq)
                            foreach (var other in _nodes)
                                if (other.Regular!.Buffer.MyAru < seq)
                                    return $"{from.Id} delivered safe {d.Message} (ordinal {seq}) while {other.Id} has received only up to {other.Regular.Buffer.MyAru}";
                        break;
                }
            }
            return null;
        }

        private string? SameOrder()
        {
            var first = _delivered[_nodes[0].Id];
            foreach (var n in _nodes)
                if (!_delivered[n.Id].SequenceEqual(first)) return $"{n.Id} delivered in another order than {_nodes[0].Id}";
            return null;
        }
    }
}
