// Step 1 against an adversarial network: a hand-driven network (not the simulator) whose packets
// are handed over in a random order, lost and duplicated, with the token retransmission and hold
// timers fired at random. After every single step it looks inside every node: "The process
// delivers a message as safe when it has ... received acknowledgments for the message from all of
// the other processes" — so at a safe delivery, every member holds it.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Simulation;
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

    /// <summary>A ring of nodes and a bag of packets in flight; every choice from one seeded source.</summary>
    private sealed class AdversarialRing
    {
        private readonly DeterministicRandom _random;
        private readonly double _loss;
        private readonly HandNetwork _net;
        private readonly ImmutableArray<ProcessId> _ids;
        private readonly Dictionary<ProcessId, List<MessageId>> _delivered = new();
        private readonly Dictionary<MessageId, long> _ordinals = new();

        public AdversarialRing(long seed, double loss, int count)
        {
            _random = new DeterministicRandom(seed);
            _loss = loss;
            _ids = [.. Enumerable.Range(1, count).Select(i => new ProcessId($"p{i}"))];
            _net = new HandNetwork(_ids.Select(p => new TotemNode(p)));
            foreach (var p in _ids) _delivered[p] = new();
        }

        public string? Run(int messages)
        {
            var ring = new RingId(1, _ids[0]);
            foreach (var p in _ids)
                if (Check(p, _net.Input(p, new StartInRing(ring, _ids))) is { } f) return f;
            int requested = 0;
            for (int step = 0; step < 200_000; step++)
            {
                if (requested < messages && _random.Chance(0.2))
                {
                    var p = _ids[(int)(_random.NextUInt64() % (ulong)_ids.Length)];
                    var svc = (DeliveryService)(_random.NextUInt64() % 3);
                    if (Check(p, _net.Input(p, new SendRequested([(byte)requested], svc))) is { } f) return f;
                    requested++;
                }
                if (_net.Waiting.Count == 0 || _random.Chance(0.02))
                {
                    // Nothing moves (or the adversary waits): the retransmission and hold timers fire everywhere.
                    foreach (var p in _ids)
                        foreach (var timer in new[] { TimerKind.TokenRetransmit, TimerKind.TokenHold })
                            if (Check(p, _net.Input(p, new TimerExpired(timer))) is { } f) return f;
                    continue;
                }
                int pick = (int)(_random.NextUInt64() % (ulong)_net.Waiting.Count);
                if (_random.Chance(_loss))
                {
                    _net.Lose(pick);
                    continue;
                }
                if (_random.Chance(0.05)) _net.Duplicate(pick);
                var (packet, outputs) = _net.HandOn(pick);
                if (Check(packet.To, outputs) is { } failure) return failure;
                if (requested == messages && _delivered.Values.All(d => d.Count == messages)) return SameOrder();
            }
            return $"not every message was delivered everywhere: {string.Join(", ", _delivered.Select(d => $"{d.Key}:{d.Value.Count}"))} of {messages}";
        }

        private string? Check(ProcessId at, IReadOnlyList<NodeOutput> outputs)
        {
            foreach (var output in outputs)
            {
                switch (output)
                {
                    case Broadcast { Packet: RegularMessage m }:
                        _ordinals[m.Id] = m.Seq;
                        break;
                    case MessageDelivered d:
                        _delivered[at].Add(d.Message);
                        if (d.Service == DeliveryService.Safe && _ordinals[d.Message] is var seq)
                            foreach (var other in _net.Nodes.Values)
                                if (other.Snapshot().Regular!.MyAru is var aru && aru < seq)
                                    return $"{at} delivered safe {d.Message} (ordinal {seq}) while {other.Id} has received only up to {aru}";
                        break;
                }
            }
            return null;
        }

        private string? SameOrder()
        {
            var first = _delivered[_ids[0]];
            foreach (var p in _ids)
                if (!_delivered[p].SequenceEqual(first)) return $"{p} delivered in another order than {_ids[0]}";
            return null;
        }
    }
}
