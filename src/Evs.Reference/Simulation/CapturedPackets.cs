// The adversary's memory of the packets it has seen go by. For each kind it keeps the latest few
// (a copied token that is still current is the one that bites) and a uniform sample of all of that
// kind since the run began (reservoir sampling), so that a join of the first Gather can come back
// in a later one, and so that a flood of regular messages never pushes the rarer kinds out.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;

namespace Evs.Reference.Simulation;

/// <summary>A packet as the adversary saw it sent: by <see cref="From"/>, to <see cref="To"/> (null for a broadcast).</summary>
public sealed record CapturedPacket(ProcessId From, ProcessId? To, Packet Packet, CapturedPacketKind Kind)
{
    /// <summary>The kind of <paramref name="packet"/>.</summary>
    public static CapturedPacketKind KindOf(Packet packet) => packet switch
    {
        JoinMessage => CapturedPacketKind.Join,
        CommitToken => CapturedPacketKind.CommitToken,
        Token => CapturedPacketKind.Token,
        RegularMessage => CapturedPacketKind.RegularMessage,
        RecoveredMessage => CapturedPacketKind.RecoveredMessage,
        MergeDetect => CapturedPacketKind.MergeDetect,
        TokenHoldCancel => CapturedPacketKind.TokenHoldCancel,
        HearingReport => CapturedPacketKind.HearingReport,
        LeaveAnnouncement => CapturedPacketKind.LeaveAnnouncement,
        _ => throw new ArgumentOutOfRangeException(nameof(packet), packet.GetType().Name, "a packet the adversary does not know"),
    };
}

/// <summary>The captured packets of every kind: the latest and a sample of all.</summary>
public sealed class CapturedPackets
{
    private const int Latest = 8;
    private const int Sampled = 24;

    private readonly DeterministicRandom _random;
    private readonly Dictionary<CapturedPacketKind, OfOneKind> _kinds = new();

    /// <summary>A memory whose sampling draws from <paramref name="random"/>.</summary>
    public CapturedPackets(DeterministicRandom random)
    {
        _random = random;
        foreach (var kind in Enum.GetValues<CapturedPacketKind>()) _kinds[kind] = new OfOneKind();
    }

    /// <summary>Remembers one packet sent.</summary>
    public void Add(CapturedPacket packet) => _kinds[packet.Kind].Add(packet, _random);

    /// <summary>What is remembered of the given kinds, latest first, then the sample, kind after kind.</summary>
    public IEnumerable<CapturedPacket> Of(IEnumerable<CapturedPacketKind> kinds) =>
        kinds.SelectMany(kind => _kinds[kind].Latest.Concat(_kinds[kind].Sample));

    private sealed class OfOneKind
    {
        private long _seen;

        public LinkedList<CapturedPacket> Latest { get; } = new();

        public List<CapturedPacket> Sample { get; } = new();

        public void Add(CapturedPacket packet, DeterministicRandom random)
        {
            Latest.AddFirst(packet);
            if (Latest.Count > CapturedPackets.Latest) Latest.RemoveLast();
            _seen++;
            if (Sample.Count < Sampled) Sample.Add(packet);
            else if (random.Below(_seen) is var slot && slot < Sampled) Sample[(int)slot] = packet;
        }
    }
}
