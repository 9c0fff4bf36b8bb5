// Tests of the wire format, the decoder fuzz test's raw material (the issue "The real network":
// "a decoder fuzz test sends at least a million random and mutated packets through the decoder
// and the node"). Seeded, so a failure names the batch and index that reproduce it: random
// packets around one ring and a few processes (so that mutated ones still reach the node's
// interesting paths), datagrams written by hand from docs/WIRE.md, and the mutations.
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Recovery;
using Evs.Runtime;
using Evs.Runtime.Wire;

namespace SpecTests.Wire;

/// <summary>Random packets for the fuzz test: mostly of <see cref="NodeRing"/> and its members, sometimes of strangers.</summary>
public sealed class RandomPackets(Random random)
{
    public static readonly ImmutableArray<ProcessId> Members = [new("p1"), new("p2"), new("p3")];
    public static readonly RingId NodeRing = new(1, Members[0]);
    private static readonly ProcessId[] Pool = [.. Members, new("p4"), new("p5")];

    public ProcessId Process() => random.Next(20) == 0 ? new ProcessId($"x{random.Next(1000)}") : Pool[random.Next(Pool.Length)];

    public RingId Ring() => random.Next(2) == 0 ? NodeRing : new RingId(random.Next(0, 5), Process());

    public long Number() => random.Next(5) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : random.Next(0, 20);

    public ImmutableSortedSet<ProcessId> Set() => ImmutableSortedSet.CreateRange(ProcessId.Ordinal, Enumerable.Range(0, random.Next(5)).Select(_ => Process()));

    public ImmutableArray<ProcessId> List() => [.. Enumerable.Range(0, random.Next(5)).Select(_ => Process())];

    public Packet Next(bool large = false) => random.Next(7) switch
    {
        0 => new Token(Process(), Ring(), Number(), Number(), Number(), random.Next(2) == 0 ? null : Process(),
            [.. Enumerable.Range(0, large ? 3000 : random.Next(4)).Select(_ => Number())], random.Next(20), Number(), random.Next(5), random.Next(4), random.Next(2) == 0, random.Next(50)),
        1 => Regular(large),
        2 => new RecoveredMessage(Process(), Ring(), Number(), Regular(large)),
        3 => new JoinMessage(Process(), Ring(), Set(), Set(), Number()),
        4 => new MergeDetect(Process(), Ring()),
        5 => new TokenHoldCancel(Process(), Ring()),
        _ => Commit(large),
    };

    // A commit token a correct node could send (PacketCodec.IsPossible): mutations make the others.
    private CommitToken Commit(bool large)
    {
        var members = large ? Enumerable.Range(0, 150).Select(i => new ProcessId($"m{i}")).ToImmutableArray() : [.. List().Append(Process()).Distinct()];
        return new CommitToken(Process(), Ring(), members, [.. members.Take(random.Next(members.Length + 1)).Select(Info)], random.Next(1, 3), Number());
    }

    private RegularMessage Regular(bool large)
    {
        var payload = new byte[large ? random.Next(2000, 20_000) : random.Next(0, 40)];
        random.NextBytes(payload);
        var originator = Process();
        return new RegularMessage(Process(), Ring(), Number(), MessageId.Of(originator, random.Next(5), random.Next(100)), originator,
            (DeliveryService)random.Next(3), payload);
    }

    private MemberInfo Info(ProcessId member)
    {
        var record = new PrimaryRecord(new ConfigurationId(Ring().ToString()), Number(), Set(), Process());
        var config = random.Next(3) == 0 ? null : Configuration.Regular(Ring(), List());
        var history = random.Next(2) == 0 ? null : new PrimaryHistory(record, random.Next(2) == 0 ? [] : [record], null, random.Next(3), random.Next(3));
        return new MemberInfo(member, config, Number(), Number(), Number(), Number(), new ObligationSet(Set()), history);
    }
}

/// <summary>Datagrams written by hand from docs/WIRE.md, and the fuzz test's mutations of datagrams.</summary>
internal static class Datagrams
{
    /// <summary>
    /// A datagram laid out as docs/WIRE.md says, from <paramref name="sender"/> in its
    /// <paramref name="incarnation"/>, its datagram <paramref name="counter"/>, to
    /// <paramref name="destination"/> (null: every peer), sealed by <paramref name="seal"/>.
    /// </summary>
    public static byte[] Write(Authentication seal, string cluster, DatagramKind kind, ProcessId sender, ulong incarnation, ulong counter, ProcessId? destination,
        ReadOnlySpan<byte> body)
    {
        var name = Encoding.UTF8.GetBytes(cluster);
        var from = Encoding.ASCII.GetBytes(sender.Name);
        var to = Encoding.ASCII.GetBytes(destination?.Name ?? "");
        var header = new byte[28 + name.Length + from.Length + to.Length];
        "EVSW"u8.CopyTo(header);
        header[4] = 3;
        header[5] = (byte)seal.Mode;
        header[6] = (byte)kind;
        header[7] = (byte)name.Length;
        name.CopyTo(header, 8);
        int at = 8 + name.Length;
        header[at] = (byte)from.Length;
        from.CopyTo(header, at + 1);
        at += 1 + from.Length;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(at), incarnation);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(at + 8), counter);
        at += 16;
        header[at] = (byte)to.Length;
        to.CopyTo(header, at + 1);
        at += 1 + to.Length;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(at), (ushort)Math.Min(body.Length, ushort.MaxValue));
        return seal.Seal(header, body);
    }

    /// <summary>Random bytes of a random length up to a large datagram.</summary>
    public static byte[] Noise(Random random, int max = 1500)
    {
        var bytes = new byte[random.Next(max)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static readonly long[] Interesting = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x10000, 0x7FFF_FFFF, 0xFFFF_FFFF];

    /// <summary>One to three mutations of <paramref name="datagram"/>: bit flips, byte changes, truncations, extensions, corrupted length fields, splices with <paramref name="other"/>, cut or repeated slices.</summary>
    public static byte[] Mutate(Random random, byte[] datagram, byte[] other)
    {
        var bytes = datagram.ToArray();
        for (int n = random.Next(1, 4); n > 0; n--)
            bytes = MutateOnce(random, bytes, other);
        return bytes;
    }

    private static byte[] MutateOnce(Random random, byte[] bytes, byte[] other)
    {
        if (bytes.Length == 0) return Noise(random, 64);
        int at = random.Next(bytes.Length);
        switch (random.Next(8))
        {
            case 0:
                for (int flips = random.Next(1, 9); flips > 0; flips--) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 1:
                bytes[at] = (byte)random.Next(256);
                return bytes;
            case 2:
                return bytes[..at];
            case 3:
                var tail = new byte[random.Next(1, 65)];
                random.NextBytes(tail);
                return [.. bytes, .. tail];
            case 4:
                // A length or count field (u8, u16 or u32) set to a boundary value, or to one off the bytes left.
                int width = new[] { 1, 2, 4 }[random.Next(3)];
                if (at + width > bytes.Length) return bytes;
                long value = random.Next(3) == 0 ? bytes.Length - at - width + random.Next(-1, 2) : Interesting[random.Next(Interesting.Length)];
                for (int i = width - 1; i >= 0; i--, value >>= 8) bytes[at + i] = (byte)value;
                return bytes;
            case 5:
                return [.. bytes[..at], .. other[Math.Min(other.Length, random.Next(other.Length + 1))..]];
            case 6:
                int cut = random.Next(at, bytes.Length + 1);
                return [.. bytes[..at], .. bytes[cut..]];
            default:
                int end = Math.Min(bytes.Length, at + random.Next(1, 32));
                return [.. bytes[..end], .. bytes[at..end], .. bytes[end..]];
        }
    }
}
