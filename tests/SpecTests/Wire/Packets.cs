// Tests of the wire format (docs/WIRE.md): packets to send through it. Hand-built ones with
// every field away from its default, so that a field the codec forgot shows; FsCheck generators
// of every kind for the round-trip property; and a seeded System.Random builder, fast enough
// for the million datagrams of the fuzz test.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Recovery;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace SpecTests.Wire;

/// <summary>Hand-built packets, every one sent by <see cref="P1"/>: only a datagram's own sender's packets pass the wire (docs/WIRE.md).</summary>
public static class Packets
{
    public static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("node-3_x");
    public static readonly RingId Ring = new(42, P1);

    public static ImmutableSortedSet<ProcessId> Set(params ProcessId[] processes) => ImmutableSortedSet.CreateRange(ProcessId.Ordinal, processes);

    public static Token Token(int requests = 3) =>
        new(P1, Ring, TokenSeq: 17, Seq: 1_000_000_000_007, Aru: -5, AruSetter: P3,
            Enumerable.Range(0, requests).Select(i => (long)i * 3 + 1).ToImmutableArray(),
            FlowControlCount: 9, RecoverySeq: 55, Backlog: 4, PendingInstalls: 2, LeaderInstalled: true, SendBacklog: 1_031);

    public static RegularMessage Regular(int payload = 5) =>
        new(P1, Ring, Seq: 12, MessageId.Of(P3, 42, 3), Originator: P3, DeliveryService.Safe,
            Enumerable.Range(0, payload).Select(i => (byte)(i * 7)).ToArray());

    public static RecoveredMessage Recovered() =>
        new(P1, new RingId(43, P2), Seq: 3, Regular() with { Sender = P2, Service = DeliveryService.Causal });

    public static JoinMessage Join() => new(P1, Ring, Set(P1, P2, P3), Set(P2), HighestRingSequence: 99);

    public static MergeDetect Detect() => new(P1, Ring);

    public static HearingReport Report() => new(P1, Ring, [P2, P1], Set(P3));

    public static LeaveAnnouncement Leave() => new(P1, Ring, AfterSeq: 1_000_000_000_007);

    public static CommitToken Commit(int members = 3)
    {
        var ids = Enumerable.Range(0, members).Select(i => new ProcessId($"member{i:D4}")).ToImmutableArray();
        var record = new PrimaryRecord(new ConfigurationId("R41.p1"), 41, Set([.. ids]), ids[0]);
        var infos = ids.Select((id, i) => new MemberInfo(
            id,
            i % 3 == 0 ? null : new Configuration(new ConfigurationId($"T{i}.p1/R40.p1"), ConfigurationKind.Transitional, ids, new ConfigurationId("R40.p1"), i % 2 == 0),
            MyAru: i, HighestSeen: i + 10, ReceivedByAll: i - 1, DeliveredUpTo: i + 2,
            new ObligationSet(Set([.. ids.Take(i % 4)])),
            i % 2 == 0 ? null : new PrimaryHistory(record, [record with { RingSequence = 40 + i }], i % 4 == 1 ? null : record, Identities: i, IdentityInUse: i - 1)))
            .ToImmutableArray();
        return new CommitToken(P1, new RingId(44, P1), ids, infos, Rotation: 2, TokenSeq: 8);
    }

    /// <summary>One of every kind, small.</summary>
    public static IEnumerable<Packet> OneOfEach() => [Token(), Regular(), Recovered(), Join(), Detect(), Commit(), Report(), Leave()];

    /// <summary>The three sizes the issue names: a long retransmission list, many member infos, a 64 KiB payload.</summary>
    public static IEnumerable<Packet> Large() => [Token(requests: 5_000), Commit(members: 200), Regular(payload: 64 * 1024)];

    public static TheoryData<string> KindNames() => new(OneOfEach().Select(p => p.GetType().Name));

    public static Packet OfKind(string kind) => OneOfEach().Single(p => p.GetType().Name == kind);

    // FsCheck generators of every kind: small processes and names with non-ASCII letters, extreme numbers.
    public static Gen<ProcessId> ProcessGen { get; } =
        from length in Gen.Choose(1, 12)
        from chars in Gen.ArrayOf(Gen.Elements("abcxyzABZ019-_".ToCharArray()), length)
        select new ProcessId(new string(chars));

    private static readonly Gen<long> Longs = Gen.OneOf(
        ArbMap.Default.GeneratorFor<long>(),
        Gen.Elements(0L, 1L, -1L, long.MinValue, long.MaxValue));

    private static readonly Gen<int> Ints = ArbMap.Default.GeneratorFor<int>();

    private static readonly Gen<string> Names =
        from chars in Gen.ArrayOf(Gen.Elements("Rpq.0123/é中T".ToCharArray()))
        from emoji in Gen.Elements("", "🙂")
        select new string(chars) + emoji;

    private static readonly Gen<RingId> Rings = from seq in Longs from rep in ProcessGen select new RingId(seq, rep);

    private static readonly Gen<ImmutableSortedSet<ProcessId>> Sets = Gen.ListOf(ProcessGen).Select(ps => ImmutableSortedSet.CreateRange(ProcessId.Ordinal, ps));

    private static readonly Gen<ImmutableArray<ProcessId>> Lists = Gen.ListOf(ProcessGen).Select(ps => ps.ToImmutableArray());

    private static readonly Gen<RegularMessage> Regulars =
        from sender in ProcessGen
        from ring in Rings
        from seq in Longs
        from id in Names
        from originator in ProcessGen
        from service in Gen.Elements(Enum.GetValues<DeliveryService>())
        from payload in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>())
        select new RegularMessage(sender, ring, seq, new MessageId(id), originator, service, payload);

    private static readonly Gen<Token> Tokens =
        from sender in ProcessGen
        from ring in Rings
        from numbers in Gen.ArrayOf(Longs, 3)
        from setter in Gen.OneOf(Gen.Constant<ProcessId?>(null), ProcessGen.Select(p => (ProcessId?)p))
        from requests in Gen.ListOf(Longs)
        from ints in Gen.ArrayOf(Ints, 4)
        from recoverySeq in Longs
        from leader in Gen.Elements(false, true)
        select new Token(sender, ring, numbers[0], numbers[1], numbers[2], setter, [.. requests], ints[0], recoverySeq, ints[1], ints[2], leader, ints[3]);

    private static readonly Gen<PrimaryRecord> Records =
        from id in Names from seq in Longs from members in Sets from leader in ProcessGen
        select new PrimaryRecord(new ConfigurationId(id), seq, members, leader);

    private static readonly Gen<PrimaryHistory> Histories =
        from last in Records.OrNull()
        from ambiguous in Gen.ListOf(Records)
        from installed in Records.OrNull()
        from ints in Gen.ArrayOf(Ints, 2)
        select new PrimaryHistory(last, [.. ambiguous], installed, ints[0], ints[1]);

    private static readonly Gen<Configuration> Configurations =
        from id in Names
        from kind in Gen.Elements(Enum.GetValues<ConfigurationKind>())
        from members in Lists
        from previous in Gen.OneOf(Gen.Constant<ConfigurationId?>(null), Names.Select(n => (ConfigurationId?)new ConfigurationId(n)))
        from primary in Gen.Elements<bool?>(null, false, true)
        select new Configuration(new ConfigurationId(id), kind, members, previous, primary);

    private static readonly Gen<MemberInfo> Infos =
        from process in ProcessGen
        from old in Configurations.OrNull()
        from numbers in Gen.ArrayOf(Longs, 4)
        from obligations in Sets
        from primary in Histories.OrNull()
        select new MemberInfo(process, old, numbers[0], numbers[1], numbers[2], numbers[3], new ObligationSet(obligations), primary);

    /// <summary>Any packet, of any kind, with any field values a correct node could send (<see cref="Evs.Runtime.Wire.PacketCodec.IsPossible"/>).</summary>
    public static Gen<Packet> Any { get; } = Gen.OneOf(
        Tokens.Select(t => (Packet)t),
        Regulars.Select(m => (Packet)m),
        from sender in ProcessGen from ring in Rings from seq in Longs from original in Regulars
        select (Packet)new RecoveredMessage(sender, ring, seq, original),
        from sender in ProcessGen from ring in Rings from proc in Sets from fail in Sets from highest in Longs
        select (Packet)new JoinMessage(sender, ring, proc, fail, highest),
        from sender in ProcessGen from ring in Rings select (Packet)new MergeDetect(sender, ring),
        from sender in ProcessGen from ring in Rings select (Packet)new TokenHoldCancel(sender, ring),
        from sender in ProcessGen from ring in Rings from others in Lists from heard in Sets
        select (Packet)new HearingReport(sender, ring, [sender, .. others.Where(p => p != sender).Distinct()], heard),
        from sender in ProcessGen from ring in Rings from seq in Longs
        select (Packet)new LeaveAnnouncement(sender, ring, Math.Abs(seq % long.MaxValue)),
        from sender in ProcessGen from ring in Rings
        from members in Gen.NonEmptyListOf(ProcessGen).Select(ps => ps.Distinct().ToImmutableArray())
        from infos in Gen.ListOf(Infos).Resize(6)
        from rotation in Gen.Elements(1, 2) from tokenSeq in Longs
        select (Packet)new CommitToken(sender, ring, members,
            [.. infos.Zip(members, (info, member) => info with { Process = member })], rotation, tokenSeq));

    /// <summary>FsCheck's arbitrary packets (no shrinking: a failing packet is printed whole).</summary>
    public static Arbitrary<Packet> Arbitrary() => Any.ToArbitrary();
}
