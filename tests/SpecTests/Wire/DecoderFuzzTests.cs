// Tests of the wire format, the fuzz test the issue "The real network" requires: "a decoder
// fuzz test (FsCheck or a seeded loop) sends at least a million random and mutated packets
// through the decoder and the node in CI-sized batches; nothing escapes as an exception, every
// bad packet is counted". Ten seeded batches of 100,000 datagrams; every datagram goes through
// WireFormat.Decode, and every packet it yields to two real nodes, one gathering and one in an
// operational ring, whose timers also fire now and then so that they move on.
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

        Assert.Equal(PerBatch, tally.Datagrams);
        Assert.Equal(tally.Datagrams, tally.Accepted + tally.Counters.Dropped);
        Assert.True(tally.Counters.Malformed > 0 && tally.Counters.Unauthenticated > 0 && tally.Counters.WrongVersion > 0 && tally.Counters.OtherCluster > 0,
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
        }

        public override string ToString() =>
            $"{Datagrams} datagrams: {Accepted} accepted, {Counters.Malformed} malformed, {Counters.Unauthenticated} unauthenticated, "
            + $"{Counters.WrongVersion} wrong version, {Counters.OtherCluster} other cluster; {PacketsToNodes} packets to the nodes, "
            + $"{ForgedPacketsToNodes} of them from mutated or hand-written datagrams";
    }

    // What a datagram must come to.
    private enum Expect { Anything, Accepted, Dropped, OtherCluster, Unauthenticated, WrongVersion }

    private sealed class Round
    {
        private readonly Random _random;
        private readonly WireSecurityMode _mode;
        private readonly Tally _tally;
        private readonly string _label;
        private readonly WireFormat _receiver;
        private readonly Authentication _seal;
        private readonly List<byte[]> _sealed = [], _plain = [], _foreign = [];
        private readonly List<Expect> _foreignExpect = [];
        private readonly TotemNode[] _nodes;

        public Round(Random random, WireSecurityMode mode, Tally tally, string label)
        {
            _random = random;
            _mode = mode;
            _tally = tally;
            _label = label;
            _receiver = Wires.Make(mode, slots: 4);
            _seal = new Authentication(Wires.Security(mode));
            using var sender = Wires.Make(mode);
            using var plain = Wires.Make();
            using var otherCluster = Wires.Make(mode, cluster: "another-cluster");
            using var otherKey = Wires.Make(mode, Wires.OtherKey);
            var packets = new RandomPackets(random);
            for (int i = 0; i < 150; i++)
            {
                var group = Enumerable.Range(0, random.Next(1, 7)).Select(_ => packets.Next(large: random.Next(40) == 0)).ToList();
                _sealed.AddRange(sender.Encode(group));
                _plain.AddRange(plain.Encode(group));
                AddForeign(otherCluster.Encode(group)[0], Expect.OtherCluster);
                if (mode != WireSecurityMode.None) AddForeign(otherKey.Encode(group)[0], Expect.Unauthenticated);
                var nextVersion = _sealed[^1].ToArray();
                nextVersion[DatagramHeader.VersionOffset]++;
                AddForeign(nextVersion, Expect.WrongVersion);
            }
            var gathering = new TotemNode(RandomPackets.Members[0]);
            gathering.Handle(new Start());
            var operational = new TotemNode(RandomPackets.Members[1]);
            operational.Handle(new StartInRing(RandomPackets.NodeRing, RandomPackets.Members));
            _nodes = [gathering, operational];
        }

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
                Decode(i, datagram, expect, forged);
                if (_random.Next(64) == 0) Fire(i);
            }
            _tally.Add(_receiver);
            _receiver.Dispose();
            _seal.Dispose();
        }

        private (byte[] Datagram, Expect Expect, bool Forged) Next()
        {
            int pick = _random.Next(100);
            if (pick < 3) return (Datagrams.Noise(_random), Expect.Anything, true);
            if (pick < 6) return ([.. "EVSW"u8, DatagramHeader.Version, .. Datagrams.Noise(_random)], Expect.Anything, true);
            if (pick < 16)
                return (Datagrams.Write(_seal, Wires.Cluster, (DatagramKind)_random.Next(1, 3), Datagrams.Noise(_random, 600)), Expect.Anything, true);
            if (pick < 31)
            {
                // A genuine datagram is accepted; in an open cluster a forged fragment may have spoiled
                // the reassembly of a genuine packet first (docs/WIRE.md, "Fragmentation"), so only whole packets are sure.
                var genuine = Any(_sealed);
                bool sure = _mode != WireSecurityMode.None || genuine[DatagramHeader.FlagsOffset + 1] == (byte)DatagramKind.Packets;
                return (genuine, sure ? Expect.Accepted : Expect.Anything, false);
            }
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
            // A mutation sealed afterwards, as a holder of the key could: it reaches the parser under every mode.
            var plain = Any(_plain).ToArray();
            plain[DatagramHeader.FlagsOffset] = (byte)_mode;
            var bytes = Datagrams.Mutate(_random, plain, Any(_plain));
            int split = Math.Min(Overhead.Header, bytes.Length);
            return (_seal.Seal(bytes.AsSpan(0, split), bytes.AsSpan(split)), Expect.Anything, true);
        }

        private byte[] Any(List<byte[]> list) => list[_random.Next(list.Count)];

        private void Decode(int index, byte[] datagram, Expect expect, bool forged)
        {
            _tally.Datagrams++;
            long accepted = _receiver.Accepted, dropped = _receiver.Counters.Dropped;
            long otherCluster = _receiver.Counters.OtherCluster, unauthenticated = _receiver.Counters.Unauthenticated, wrongVersion = _receiver.Counters.WrongVersion;
            IReadOnlyList<Packet> packets;
            try
            {
                packets = _receiver.Decode(datagram);
            }
            catch (Exception ex)
            {
                throw new XunitException($"{_label}, datagram {index}: Decode threw on {Convert.ToHexString(datagram)}\n{ex}");
            }
            bool wasAccepted = _receiver.Accepted == accepted + 1;
            Check(wasAccepted != (_receiver.Counters.Dropped == dropped + 1), index, datagram, "neither accepted nor counted as dropped, or both");
            Check(packets.Count == 0 || wasAccepted, index, datagram, "packets from a dropped datagram");
            Check(expect switch
            {
                Expect.Accepted => wasAccepted,
                Expect.Dropped => !wasAccepted,
                Expect.OtherCluster => _receiver.Counters.OtherCluster == otherCluster + 1,
                Expect.Unauthenticated => _receiver.Counters.Unauthenticated == unauthenticated + 1,
                Expect.WrongVersion => _receiver.Counters.WrongVersion == wrongVersion + 1,
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
