// Tests of the wire format, the fuzz test the issue "The real network" requires: "a decoder
// fuzz test (FsCheck or a seeded loop) sends at least a million random and mutated packets
// through the decoder and the node in CI-sized batches; nothing escapes as an exception, every
// bad packet is counted". Ten seeded batches of 100,000 datagrams; every datagram goes through
// WireFormat.Decode, and every packet it yields to two real nodes, one gathering and one in an
// operational ring, whose timers also fire now and then so that they move on.
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Runtime;
using Evs.Runtime.Wire;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SpecTests.Wire;

public class DecoderFuzzTests(ITestOutputHelper output)
{
    /// <summary>Batches × datagrams per batch: one million.</summary>
    public const int Batches = 10, PerBatch = 100_000;

    /// <summary>Every round starts a fresh receiver, fresh nodes and a fresh corpus, so that no state grows without bound.</summary>
    private const int PerRound = 5_000;

    public static TheoryData<int> BatchNumbers() => new(Enumerable.Range(0, Batches));

    [Theory]
    [MemberData(nameof(BatchNumbers))]
    public void A_batch_of_random_and_mutated_datagrams_never_throws_and_every_bad_one_is_counted(int batch)
    {
        var tally = new Tally();
        var random = new Random(7919 * (batch + 1));
        for (int round = 0; round < PerBatch / PerRound; round++)
        {
            // Three rounds in five open (the parser sees everything), one HMAC, one AES-GCM.
            var mode = (round % 5) switch { < 3 => WireSecurityMode.None, 3 => WireSecurityMode.HmacSha256, _ => WireSecurityMode.Aes256Gcm };
            new Round(random, mode, tally, $"batch {batch} round {round} ({mode})").Run(PerRound);
        }
        output.WriteLine(tally.ToString());

        var c = tally.Counters;
        Assert.Equal(PerBatch, tally.Datagrams);
        Assert.Equal(tally.Datagrams, tally.Accepted + c.Dropped);
        Assert.True(c.Malformed > 0 && c.Unauthenticated > 0 && c.WrongVersion > 0 && c.OtherCluster > 0 && c.Misaddressed > 0 && c.Replayed > 0 && c.Stale > 0,
            "every reason to drop was exercised");
        Assert.True(tally.ForgedPacketsToNodes > 1000, "mutated and hand-written datagrams still reached the nodes");
    }

    private sealed class Tally
    {
        public long Datagrams, Accepted, PacketsToNodes, ForgedPacketsToNodes;
        public WireCounters Counters { get; } = new();

        public void Add(WireFormat receiver)
        {
            Accepted += receiver.Accepted;
            Counters.Malformed += receiver.Counters.Malformed;
            Counters.Unauthenticated += receiver.Counters.Unauthenticated;
            Counters.WrongVersion += receiver.Counters.WrongVersion;
            Counters.OtherCluster += receiver.Counters.OtherCluster;
            Counters.Misaddressed += receiver.Counters.Misaddressed;
            Counters.Replayed += receiver.Counters.Replayed;
            Counters.Stale += receiver.Counters.Stale;
        }

        public override string ToString() =>
            $"{Datagrams} datagrams: {Accepted} accepted, {Counters.Malformed} malformed, {Counters.Unauthenticated} unauthenticated, "
            + $"{Counters.WrongVersion} wrong version, {Counters.OtherCluster} other cluster, {Counters.Misaddressed} misaddressed, "
            + $"{Counters.Replayed} replayed, {Counters.Stale} stale; {PacketsToNodes} packets to the nodes, "
            + $"{ForgedPacketsToNodes} of them from mutated or hand-written datagrams";
    }

    // What a datagram must come to.
    private enum Expect { Anything, Accepted, Dropped, OtherCluster, Unauthenticated, WrongVersion, Misaddressed, Replayed }

    // One round: the receiver is p2 (the operational node's process). Genuine datagrams come from
    // sender wire formats of every process of the pool, each sealing its own packets. Forged ones
    // (noise, mutations, datagrams written by hand) go to a second receiver: in an open cluster a
    // mutated header can claim any incarnation or counter, and would make the genuine ones after it stale.
    private sealed class Round
    {
        private static readonly ProcessId Receiver = RandomPackets.Members[1], Elsewhere = new("p9");

        private readonly Random _random;
        private readonly WireSecurityMode _mode;
        private readonly Tally _tally;
        private readonly string _label;
        private readonly WireFormat _receiver, _forgedReceiver;
        private readonly Authentication _seal;
        private readonly RandomPackets _packets;
        private readonly Dictionary<ProcessId, WireFormat> _senders = [];
        private readonly List<byte[]> _sealed = [], _plain = [], _foreign = [];
        private readonly List<Expect> _foreignExpect = [];
        private readonly TotemNode[] _nodes;
        private byte[]? _lastGenuine;
        private ulong _byHandCounter;

        public Round(Random random, WireSecurityMode mode, Tally tally, string label)
        {
            _random = random;
            _mode = mode;
            _tally = tally;
            _label = label;
            _receiver = Wires.Make(mode, slots: 4, self: Receiver);
            _forgedReceiver = Wires.Make(mode, slots: 4, self: Receiver);
            _seal = new Authentication(Wires.Security(mode));
            _packets = new RandomPackets(random);
            var plain = new Dictionary<ProcessId, WireFormat>();
            using var otherCluster = Wires.Make(mode, cluster: "another-cluster");
            using var otherKey = Wires.Make(mode, Wires.OtherKey);
            using var earlierRun = Wires.Make(mode, incarnation: 0);
            for (int i = 0; i < 150; i++)
            {
                var (sender, group) = Group();
                _sealed.AddRange(SenderOf(_senders, sender, mode).Encode(group, To()));
                _plain.AddRange(SenderOf(plain, sender, WireSecurityMode.None).Encode(group, to: null));
                var p1 = group.Select(p => p with { Sender = Packets.P1 }).ToList();
                AddForeign(otherCluster.Encode(p1, to: null)[0], Expect.OtherCluster);
                if (mode != WireSecurityMode.None) AddForeign(otherKey.Encode(p1, to: null)[0], Expect.Unauthenticated);
                AddForeign(SenderOf(_senders, sender, mode).Encode(group, Elsewhere)[0], Expect.Misaddressed);
                AddForeign(earlierRun.Encode(p1, to: null)[0], Expect.Anything); // stale once p1's incarnation 1 was seen
                var nextVersion = _sealed[^1].ToArray();
                nextVersion[DatagramHeader.VersionOffset]++;
                AddForeign(nextVersion, Expect.WrongVersion);
            }
            foreach (var wire in plain.Values) wire.Dispose();
            var gathering = new TotemNode(RandomPackets.Members[0]);
            gathering.Handle(new Start());
            var operational = new TotemNode(Receiver);
            operational.Handle(new StartInRing(RandomPackets.NodeRing, RandomPackets.Members));
            _nodes = [gathering, operational];
        }

        // A few random packets, all of one random sender's.
        private (ProcessId Sender, List<Packet> Group) Group()
        {
            var sender = _packets.Process();
            var group = Enumerable.Range(0, _random.Next(1, 7)).Select(_ => _packets.Next(large: _random.Next(40) == 0) with { Sender = sender }).ToList();
            return (sender, group);
        }

        // Mostly every peer, sometimes the receiver alone.
        private ProcessId? To() => _random.Next(4) == 0 ? Receiver : null;

        private static WireFormat SenderOf(Dictionary<ProcessId, WireFormat> wires, ProcessId sender, WireSecurityMode mode) =>
            wires.TryGetValue(sender, out var wire) ? wire : wires[sender] = Wires.Make(mode, self: sender);

        private void AddForeign(byte[] datagram, Expect expect)
        {
            _foreign.Add(datagram);
            _foreignExpect.Add(expect);
        }

        public void Run(int count)
        {
            for (int i = 0; i < count; i++)
            {
                var (datagram, expect, forged) = Next();
                Decode(forged ? _forgedReceiver : _receiver, i, datagram, expect, forged);
                if (_random.Next(64) == 0) Fire(i);
            }
            _tally.Add(_receiver);
            _tally.Add(_forgedReceiver);
            _receiver.Dispose();
            _forgedReceiver.Dispose();
            _seal.Dispose();
            foreach (var wire in _senders.Values) wire.Dispose();
        }

        private (byte[] Datagram, Expect Expect, bool Forged) Next()
        {
            int pick = _random.Next(100);
            if (pick < 3) return (Datagrams.Noise(_random), Expect.Anything, true);
            if (pick < 6) return ([.. "EVSW"u8, DatagramHeader.Version, .. Datagrams.Noise(_random)], Expect.Anything, true);
            if (pick < 16) return (ByHand((DatagramKind)_random.Next(1, 3), _packets.Process(), Datagrams.Noise(_random, 600)), Expect.Anything, true);
            if (pick < 28) return Genuine();
            if (pick < 31 && _lastGenuine is { } last) return (last, Expect.Replayed, false);
            if (pick < 35)
            {
                int f = _random.Next(_foreign.Count);
                return (_foreign[f], _foreignExpect[f], false);
            }
            if (pick < 65)
            {
                byte[] source = Any(_sealed), other = Any(_sealed);
                var mutated = Datagrams.Mutate(_random, source, other);
                bool changed = !mutated.AsSpan().SequenceEqual(source) && !mutated.AsSpan().SequenceEqual(other);
                return (mutated, _mode != WireSecurityMode.None && changed ? Expect.Dropped : Expect.Anything, true);
            }
            return SealedAfterwards();
        }

        // A datagram its sender seals now: it is accepted. In an open cluster a forged fragment may have
        // spoiled the reassembly of a genuine packet first (docs/WIRE.md, "Fragmentation"), so only whole packets are sure.
        private (byte[], Expect, bool) Genuine()
        {
            var (sender, group) = Group();
            var genuine = SenderOf(_senders, sender, _mode).Encode(group, To())[0];
            bool sure = _mode != WireSecurityMode.None || genuine[DatagramHeader.KindOffset] == (byte)DatagramKind.Packets;
            _lastGenuine = sure ? genuine : null;
            return (genuine, sure ? Expect.Accepted : Expect.Anything, false);
        }

        // A mutation sealed afterwards, as a holder of the key could: it reaches the parser under every
        // mode. Half the time the header is mutated too; else only the body, under a fresh header of its sender's.
        private (byte[], Expect, bool) SealedAfterwards()
        {
            var plain = Any(_plain).ToArray();
            if (_random.Next(2) == 0)
            {
                plain[DatagramHeader.FlagsOffset] = (byte)_mode;
                var bytes = Datagrams.Mutate(_random, plain, Any(_plain));
                int split = Math.Min(DatagramHeader.LengthOf(bytes) ?? bytes.Length, bytes.Length);
                return (_seal.Seal(bytes.AsSpan(0, split), bytes.AsSpan(split)), Expect.Anything, true);
            }
            var header = DatagramHeader.Read(plain)!.Value;
            int headerLength = DatagramHeader.LengthOf(plain)!.Value;
            var body = Datagrams.Mutate(_random, plain[headerLength..], Any(_plain)[headerLength..]);
            return (ByHand(header.Kind, header.Sender, body), Expect.Anything, true);
        }

        // Of an incarnation above any a mutation is likely to make, so that one mutated header does not make every later datagram stale.
        private byte[] ByHand(DatagramKind kind, ProcessId sender, byte[] body) =>
            Datagrams.Write(_seal, Wires.Cluster, kind, sender, incarnation: ulong.MaxValue - 1, ++_byHandCounter, destination: null, body);

        private byte[] Any(List<byte[]> list) => list[_random.Next(list.Count)];

        private void Decode(WireFormat receiver, int index, byte[] datagram, Expect expect, bool forged)
        {
            _tally.Datagrams++;
            var counters = receiver.Counters;
            long accepted = receiver.Accepted, dropped = counters.Dropped;
            long otherCluster = counters.OtherCluster, unauthenticated = counters.Unauthenticated, wrongVersion = counters.WrongVersion;
            long misaddressed = counters.Misaddressed, replayed = counters.Replayed;
            IReadOnlyList<Packet> packets;
            try
            {
                packets = receiver.Decode(datagram);
            }
            catch (Exception ex)
            {
                throw new XunitException($"{_label}, datagram {index}: Decode threw on {Convert.ToHexString(datagram)}\n{ex}");
            }
            bool wasAccepted = receiver.Accepted == accepted + 1;
            Check(wasAccepted != (counters.Dropped == dropped + 1), index, datagram, "neither accepted nor counted as dropped, or both");
            Check(packets.Count == 0 || wasAccepted, index, datagram, "packets from a dropped datagram");
            Check(expect switch
            {
                Expect.Accepted => wasAccepted,
                Expect.Dropped => !wasAccepted,
                Expect.OtherCluster => counters.OtherCluster == otherCluster + 1,
                Expect.Unauthenticated => counters.Unauthenticated == unauthenticated + 1,
                Expect.WrongVersion => counters.WrongVersion == wrongVersion + 1,
                Expect.Misaddressed => counters.Misaddressed == misaddressed + 1,
                Expect.Replayed => counters.Replayed == replayed + 1,
                _ => true,
            }, index, datagram, $"expected {expect}");
            foreach (var packet in packets)
            {
                _tally.PacketsToNodes++;
                if (forged) _tally.ForgedPacketsToNodes++;
                foreach (var node in _nodes)
                {
                    try
                    {
                        node.Handle(new PacketArrived(packet));
                    }
                    catch (Exception ex)
                    {
                        throw new XunitException($"{_label}, datagram {index}: node {node.Id} ({node.State}) threw on {packet}\n{ex}");
                    }
                }
            }
        }

        private void Fire(int index)
        {
            var node = _nodes[_random.Next(_nodes.Length)];
            var timer = (TimerKind)_random.Next(Enum.GetValues<TimerKind>().Length);
            try
            {
                node.Handle(new TimerExpired(timer));
            }
            catch (Exception ex)
            {
                throw new XunitException($"{_label}, after datagram {index}: node {node.Id} ({node.State}) threw on timer {timer}\n{ex}");
            }
        }

        private void Check(bool condition, int index, byte[] datagram, string what)
        {
            if (!condition) throw new XunitException($"{_label}, datagram {index}: {what}: {Convert.ToHexString(datagram)}");
        }
    }
}
