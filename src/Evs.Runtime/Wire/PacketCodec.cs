// The real network, the wire format (docs/WIRE.md, "Packets"): every Packet record of the
// sans-IO node as bytes and back, every field, so that a decoded packet is the packet that was
// sent. The encoding is canonical (sets strictly ascending, booleans 0 or 1, no trailing bytes):
// one packet has exactly one encoding, which is what lets tests compare packets by their bytes.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Recovery;

namespace Evs.Runtime.Wire;

/// <summary>The first byte of an encoded packet: which record follows.</summary>
internal enum PacketKind : byte
{
    /// <summary><see cref="Evs.Reference.Ordering.Token"/>.</summary>
    Token = 1,

    /// <summary><see cref="Evs.Reference.Ordering.RegularMessage"/>.</summary>
    RegularMessage = 2,

    /// <summary><see cref="Evs.Reference.Ordering.RecoveredMessage"/>.</summary>
    RecoveredMessage = 3,

    /// <summary><see cref="Evs.Reference.Membership.JoinMessage"/>.</summary>
    JoinMessage = 4,

    /// <summary><see cref="Evs.Reference.Membership.MergeDetect"/>.</summary>
    MergeDetect = 5,

    /// <summary><see cref="Evs.Reference.Membership.CommitToken"/>.</summary>
    CommitToken = 6,

    /// <summary><see cref="Evs.Reference.Ordering.TokenHoldCancel"/>.</summary>
    TokenHoldCancel = 7,

    /// <summary><see cref="Evs.Reference.Membership.HearingReport"/>.</summary>
    HearingReport = 8,

    /// <summary><see cref="Evs.Reference.Membership.LeaveAnnouncement"/>.</summary>
    LeaveAnnouncement = 9,
}

/// <summary>
/// Encodes one <see cref="Packet"/> as bytes (a kind byte, then its fields in declaration order)
/// and decodes bytes from the network into a packet, or null when they are not exactly one
/// well-formed packet. Decoding never throws.
/// </summary>
internal static class PacketCodec
{
    // The smallest encodings, used to refuse element counts the remaining bytes cannot hold.
    private const int MinProcessBytes = 2;
    private const int MinRecordBytes = 2 + 8 + 4 + MinProcessBytes;
    private const int MinInfoBytes = MinProcessBytes + 1 + 4 * 8 + 4 + 1;

    /// <summary>The bytes of <paramref name="packet"/>.</summary>
    /// <exception cref="ArgumentException">A field the wire cannot carry (an illegal process identifier, a name over 65,535 bytes).</exception>
    public static byte[] Encode(Packet packet)
    {
        var w = new WireWriter(packet is RegularMessage m ? m.Payload.Length + 128 : 256);
        Write(w, packet);
        return w.ToArray();
    }

    /// <summary>The packet <paramref name="bytes"/> encode, or null if they are not exactly one well-formed packet.</summary>
    public static Packet? Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes);
        var packet = Read(ref r);
        return r.Complete && packet is not null && IsPossible(packet) ? packet : null;
    }

    /// <summary>
    /// Whether a correct node could have sent <paramref name="packet"/>: the shapes the protocol
    /// relies on and every sender keeps (docs/WIRE.md, "Packets no node sends"). A commit token
    /// names at least one member, each once, is in rotation 1 or 2, and its infos are the members'
    /// own, in ring order: the i-th member writes the i-th info. A hearing report names its sender
    /// among its ring's members, each once. A leave announcement's point is an ordinal, never
    /// negative. Values within those shapes are the protocol's to judge, not the wire's.
    /// </summary>
    public static bool IsPossible(Packet packet) => packet switch
    {
        LeaveAnnouncement l => l.AfterSeq >= 0,
        HearingReport h => h.Members.Contains(h.Sender) && h.Members.Distinct().Count() == h.Members.Length,
        CommitToken c => c.Members.Length > 0 && c.Members.Distinct().Count() == c.Members.Length && c.Rotation is 1 or 2
            && c.Infos.Length <= c.Members.Length && c.Infos.Select(i => i.Process).SequenceEqual(c.Members.Take(c.Infos.Length)),
        _ => true,
    };

    private static void Write(WireWriter w, Packet packet)
    {
        switch (packet)
        {
            case Token t:
                w.U8((byte)PacketKind.Token);
                WriteHead(w, t);
                w.I64(t.TokenSeq);
                w.I64(t.Seq);
                w.I64(t.Aru);
                WriteOptionalProcess(w, t.AruSetter);
                w.U32(t.RetransmissionRequests.Length);
                foreach (var seq in t.RetransmissionRequests) w.I64(seq);
                w.I32(t.FlowControlCount);
                w.I64(t.RecoverySeq);
                w.I32(t.Backlog);
                w.I32(t.PendingInstalls);
                w.Bool(t.LeaderInstalled);
                w.I32(t.SendBacklog);
                break;
            case RegularMessage m:
                w.U8((byte)PacketKind.RegularMessage);
                WriteRegular(w, m);
                break;
            case RecoveredMessage rm:
                w.U8((byte)PacketKind.RecoveredMessage);
                WriteHead(w, rm);
                w.I64(rm.Seq);
                WriteRegular(w, rm.Original);
                break;
            case JoinMessage j:
                w.U8((byte)PacketKind.JoinMessage);
                WriteHead(w, j);
                WriteSet(w, j.ProcSet);
                WriteSet(w, j.FailSet);
                w.I64(j.HighestRingSequence);
                break;
            case MergeDetect d:
                w.U8((byte)PacketKind.MergeDetect);
                WriteHead(w, d);
                break;
            case TokenHoldCancel h:
                w.U8((byte)PacketKind.TokenHoldCancel);
                WriteHead(w, h);
                break;
            case HearingReport h:
                w.U8((byte)PacketKind.HearingReport);
                WriteHead(w, h);
                WriteProcesses(w, h.Members);
                WriteSet(w, h.Heard);
                break;
            case LeaveAnnouncement l:
                w.U8((byte)PacketKind.LeaveAnnouncement);
                WriteHead(w, l);
                w.I64(l.AfterSeq);
                break;
            case CommitToken c:
                w.U8((byte)PacketKind.CommitToken);
                WriteHead(w, c);
                WriteProcesses(w, c.Members);
                w.U32(c.Infos.Length);
                foreach (var info in c.Infos) WriteInfo(w, info);
                w.I32(c.Rotation);
                w.I64(c.TokenSeq);
                break;
            default:
                throw new ArgumentException($"no wire encoding for {packet.GetType().Name}", nameof(packet));
        }
    }

    private static Packet? Read(ref WireReader r) => (PacketKind)r.U8() switch
    {
        PacketKind.Token => ReadToken(ref r),
        PacketKind.RegularMessage => ReadRegular(ref r),
        PacketKind.RecoveredMessage => ReadRecovered(ref r),
        PacketKind.JoinMessage => ReadJoin(ref r),
        PacketKind.MergeDetect => new MergeDetect(r.Process(), ReadRing(ref r)),
        PacketKind.TokenHoldCancel => new TokenHoldCancel(r.Process(), ReadRing(ref r)),
        PacketKind.CommitToken => ReadCommit(ref r),
        PacketKind.HearingReport => ReadHearingReport(ref r),
        PacketKind.LeaveAnnouncement => new LeaveAnnouncement(r.Process(), ReadRing(ref r), r.I64()),
        _ => Unknown(ref r),
    };

    private static Packet? Unknown(ref WireReader r)
    {
        r.Fail();
        return null;
    }

    // Sender and ring: the fields every packet begins with.
    private static void WriteHead(WireWriter w, Packet p)
    {
        w.Process(p.Sender);
        WriteRing(w, p.Ring);
    }

    private static void WriteRing(WireWriter w, RingId ring)
    {
        w.I64(ring.Sequence);
        w.Process(ring.Representative);
    }

    private static RingId ReadRing(ref WireReader r) => new(r.I64(), r.Process());

    private static Token ReadToken(ref WireReader r)
    {
        var sender = r.Process();
        var ring = ReadRing(ref r);
        long tokenSeq = r.I64(), seq = r.I64(), aru = r.I64();
        var setter = ReadOptionalProcess(ref r);
        var requests = ImmutableArray.CreateBuilder<long>(r.Count(8));
        for (int i = requests.Capacity; i > 0; i--) requests.Add(r.I64());
        int flow = r.I32();
        long recoverySeq = r.I64();
        int backlog = r.I32(), pending = r.I32();
        bool leaderInstalled = r.Bool();
        int sendBacklog = r.I32();
        return new Token(sender, ring, tokenSeq, seq, aru, setter, requests.MoveToImmutable(), flow, recoverySeq, backlog, pending, leaderInstalled, sendBacklog);
    }

    private static void WriteRegular(WireWriter w, RegularMessage m)
    {
        WriteHead(w, m);
        w.I64(m.Seq);
        w.Name(m.Id.Name);
        w.Process(m.Originator);
        w.U8((byte)m.Service);
        w.U32(m.Payload.Length);
        w.Bytes(m.Payload);
    }

    private static RegularMessage ReadRegular(ref WireReader r)
    {
        var sender = r.Process();
        var ring = ReadRing(ref r);
        long seq = r.I64();
        var id = new MessageId(r.Name());
        var originator = r.Process();
        var service = ReadService(ref r);
        var payload = r.Bytes(r.U32()).ToArray();
        return new RegularMessage(sender, ring, seq, id, originator, service, payload);
    }

    private static DeliveryService ReadService(ref WireReader r)
    {
        var service = (DeliveryService)r.U8();
        if (!Enum.IsDefined(service)) r.Fail();
        return service;
    }

    private static RecoveredMessage ReadRecovered(ref WireReader r)
    {
        var sender = r.Process();
        var ring = ReadRing(ref r);
        long seq = r.I64();
        return new RecoveredMessage(sender, ring, seq, ReadRegular(ref r));
    }

    private static JoinMessage ReadJoin(ref WireReader r)
    {
        var sender = r.Process();
        var ring = ReadRing(ref r);
        var procSet = ReadSet(ref r);
        var failSet = ReadSet(ref r);
        return new JoinMessage(sender, ring, procSet, failSet, r.I64());
    }

    private static HearingReport ReadHearingReport(ref WireReader r)
    {
        var sender = r.Process();
        var ring = ReadRing(ref r);
        var members = ReadProcesses(ref r);
        return new HearingReport(sender, ring, members, ReadSet(ref r));
    }

    private static CommitToken ReadCommit(ref WireReader r)
    {
        var sender = r.Process();
        var ring = ReadRing(ref r);
        var members = ReadProcesses(ref r);
        var infos = ImmutableArray.CreateBuilder<MemberInfo>(r.Count(MinInfoBytes));
        for (int i = infos.Capacity; i > 0 && !r.Failed; i--) infos.Add(ReadInfo(ref r));
        int rotation = r.I32();
        long tokenSeq = r.I64();
        return new CommitToken(sender, ring, members, r.Failed ? [] : infos.MoveToImmutable(), rotation, tokenSeq);
    }

    private static void WriteInfo(WireWriter w, MemberInfo info)
    {
        w.Process(info.Process);
        w.Bool(info.OldConfiguration is not null);
        if (info.OldConfiguration is { } old) WriteConfiguration(w, old);
        w.I64(info.MyAru);
        w.I64(info.HighestSeen);
        w.I64(info.ReceivedByAll);
        w.I64(info.DeliveredUpTo);
        WriteSet(w, info.Obligations.Processes);
        w.Bool(info.Primary is not null);
        if (info.Primary is { } primary) WriteHistory(w, primary);
    }

    private static MemberInfo ReadInfo(ref WireReader r)
    {
        var process = r.Process();
        var old = r.Present() ? ReadConfiguration(ref r) : null;
        long myAru = r.I64(), highestSeen = r.I64(), receivedByAll = r.I64(), deliveredUpTo = r.I64();
        var obligations = new ObligationSet(ReadSet(ref r));
        var primary = r.Present() ? ReadHistory(ref r) : null;
        return new MemberInfo(process, old, myAru, highestSeen, receivedByAll, deliveredUpTo, obligations, primary);
    }

    private static void WriteConfiguration(WireWriter w, Configuration c)
    {
        w.Name(c.Id.Name);
        w.U8((byte)c.Kind);
        WriteProcesses(w, c.Members);
        w.Bool(c.PreviousRegular is not null);
        if (c.PreviousRegular is { } previous) w.Name(previous.Name);
        w.Bool(c.Primary is not null);
        if (c.Primary is { } primary) w.Bool(primary);
    }

    private static Configuration ReadConfiguration(ref WireReader r)
    {
        var id = new ConfigurationId(r.Name());
        var kind = (ConfigurationKind)r.U8();
        if (!Enum.IsDefined(kind)) r.Fail();
        var members = ReadProcesses(ref r);
        ConfigurationId? previous = r.Present() ? new ConfigurationId(r.Name()) : null;
        bool? primary = r.Present() ? r.Bool() : null;
        return new Configuration(id, kind, members, previous, primary);
    }

    private static void WriteHistory(WireWriter w, PrimaryHistory h)
    {
        WriteOptionalRecord(w, h.LastPrimary);
        w.U32(h.Ambiguous.Length);
        foreach (var record in h.Ambiguous) WriteRecord(w, record);
        WriteOptionalRecord(w, h.LastInstalled);
        w.I32(h.Identities);
        w.I32(h.IdentityInUse);
    }

    private static PrimaryHistory ReadHistory(ref WireReader r)
    {
        var last = ReadOptionalRecord(ref r);
        var ambiguous = ImmutableArray.CreateBuilder<PrimaryRecord>(r.Count(MinRecordBytes));
        for (int i = ambiguous.Capacity; i > 0 && !r.Failed; i--) ambiguous.Add(ReadRecord(ref r));
        var installed = ReadOptionalRecord(ref r);
        int identities = r.I32(), inUse = r.I32();
        return new PrimaryHistory(last, r.Failed ? [] : ambiguous.MoveToImmutable(), installed, identities, inUse);
    }

    private static void WriteOptionalRecord(WireWriter w, PrimaryRecord? record)
    {
        w.Bool(record is not null);
        if (record is not null) WriteRecord(w, record);
    }

    private static PrimaryRecord? ReadOptionalRecord(ref WireReader r) => r.Present() ? ReadRecord(ref r) : null;

    private static void WriteRecord(WireWriter w, PrimaryRecord record)
    {
        w.Name(record.Id.Name);
        w.I64(record.RingSequence);
        WriteSet(w, record.Members);
        w.Process(record.Leader);
    }

    private static PrimaryRecord ReadRecord(ref WireReader r) =>
        new(new ConfigurationId(r.Name()), r.I64(), ReadSet(ref r), r.Process());

    private static void WriteOptionalProcess(WireWriter w, ProcessId? process)
    {
        w.Bool(process is not null);
        if (process is { } p) w.Process(p);
    }

    private static ProcessId? ReadOptionalProcess(ref WireReader r) => r.Present() ? r.Process() : null;

    private static void WriteProcesses(WireWriter w, ImmutableArray<ProcessId> processes)
    {
        w.U32(processes.Length);
        foreach (var p in processes) w.Process(p);
    }

    private static ImmutableArray<ProcessId> ReadProcesses(ref WireReader r)
    {
        var processes = ImmutableArray.CreateBuilder<ProcessId>(r.Count(MinProcessBytes));
        for (int i = processes.Capacity; i > 0; i--) processes.Add(r.Process());
        return processes.MoveToImmutable();
    }

    // A set goes in ascending order; the reader insists on it, so that a set has one encoding.
    private static void WriteSet(WireWriter w, ImmutableSortedSet<ProcessId> set)
    {
        w.U32(set.Count);
        foreach (var p in set.OrderBy(p => p, ProcessId.Ordinal)) w.Process(p);
    }

    private static ImmutableSortedSet<ProcessId> ReadSet(ref WireReader r)
    {
        var processes = ReadProcesses(ref r);
        for (int i = 1; i < processes.Length; i++)
            if (ProcessId.Ordinal.Compare(processes[i - 1], processes[i]) >= 0) r.Fail();
        return processes.ToImmutableSortedSet(ProcessId.Ordinal);
    }
}
