// The paper, Section 3, Step 3: "Exchange information with each process of the proposed new
// configuration. In particular, each process supplies the identifier of its last regular
// configuration, the identifier of the last safe message it delivered, and its obligation set."
// The exchange rides on Totem's commit token (Membership/CommitToken): the representative of the
// proposed ring sends it round the ring twice; on the first rotation each member writes its
// MemberInfo, on the second every member reads what all wrote and goes on to step 4.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;

namespace Evs.Reference.Recovery;

/// <summary>
/// What one process supplies in step 3: "the identifier of its last regular configuration"
/// (<see cref="OldConfiguration"/>, null for a process never in one), "the identifier of the last
/// safe message it delivered" (<see cref="DeliveredUpTo"/>: every ordinal up to it is delivered),
/// and "its obligation set" (<see cref="Obligations"/>). With them go the numbers that tell which
/// old messages someone may lack: what it holds without a gap (<see cref="MyAru"/>) and the highest
/// ordinal it has seen (<see cref="HighestSeen"/>); and <see cref="ReceivedByAll"/>, the highest
/// ordinal it knows every member of the old ring received, safe in the old regular configuration.
/// For the primary component algorithm it adds what it knows of primary components (<see cref="Primary"/>).
/// </summary>
public sealed record MemberInfo(
    ProcessId Process,
    Configuration? OldConfiguration,
    long MyAru,
    long HighestSeen,
    long ReceivedByAll,
    long DeliveredUpTo,
    ObligationSet Obligations,
    PrimaryHistory? Primary = null);

/// <summary>
/// Step 3 towards one proposed ring: this process's part in the commit token's two rotations. It
/// writes its <see cref="MemberInfo"/> on the first, passes the token on, sends it again when it
/// seems lost (Totem's token retransmission), and drops the copies it has seen already. The
/// exchange is complete when the token carries every member's information (<see cref="Exchanged"/>).
/// </summary>
public sealed class Step3Exchange
{
    private readonly ProcessId _me;
    private readonly TotemSettings _settings;
    private long _lastTokenSeqReceived;
    private (ProcessId To, CommitToken Token)? _inFlight;

    /// <summary>Step 3 at <paramref name="me"/> for the ring <paramref name="commit"/> proposes, from the commit token just received (or just made, at the representative).</summary>
    public Step3Exchange(ProcessId me, CommitToken commit, TotemSettings settings)
    {
        _me = me;
        _settings = settings;
        Commit = commit;
        _lastTokenSeqReceived = commit.TokenSeq;
    }

    /// <summary>The commit token as this process last saw or sent it.</summary>
    public CommitToken Commit { get; private set; }

    /// <summary>The proposed ring.</summary>
    public RingId Ring => Commit.Ring;

    /// <summary>Every member's information, once the token has been round once (<see cref="CommitToken.Complete"/>).</summary>
    public ImmutableArray<MemberInfo> Exchanged => Commit.Infos;

    /// <summary>
    /// The information <paramref name="me"/> supplies about its last regular configuration's ring
    /// (<paramref name="old"/>, null if it has never been in one), its obligation set, and for the
    /// primary component algorithm what it knows of primary components.
    /// </summary>
    public static MemberInfo InfoOf(ProcessId me, TotemRing? old, ObligationSet obligations, PrimaryHistory? primary = null) =>
        old is null
            ? new MemberInfo(me, null, 0, 0, 0, 0, obligations, primary)
            : new MemberInfo(me, old.Configuration, old.Buffer.MyAru, Math.Max(old.Buffer.HighestSeen, old.DeliveredUpTo),
                old.ReceivedByAll, old.DeliveredUpTo, obligations, primary);

    /// <summary>The first rotation: this process writes <paramref name="mine"/> on the token and passes it on.</summary>
    public void Write(MemberInfo mine, List<NodeOutput> outputs) => PassOn(Commit with { Infos = Commit.Infos.Add(mine) }, outputs);

    /// <summary>The second rotation: this process has read every member's information; the token goes on, marked so.</summary>
    public void PassOnRead(List<NodeOutput> outputs) => PassOn(Commit with { Rotation = 2 }, outputs);

    /// <summary>Whether <paramref name="commit"/> is a copy of a token of this ring this process has handled already.</summary>
    public bool IsCopy(CommitToken commit) => commit.Ring == Ring && commit.TokenSeq <= _lastTokenSeqReceived;

    /// <summary>This process has handled <paramref name="commit"/>: it is the token it passes on next, and later copies of it are dropped.</summary>
    public void Received(CommitToken commit)
    {
        Commit = commit;
        _lastTokenSeqReceived = commit.TokenSeq;
    }

    /// <summary>Whether this process passed the token on and has seen no sign yet that it moved on.</summary>
    public bool InFlight => _inFlight is not null;

    /// <summary>The token retransmission timer expired while the token may be lost: send it again.</summary>
    public void Retransmit(List<NodeOutput> outputs)
    {
        if (_inFlight is not { } inFlight) return;
        outputs.Add(new Unicast(inFlight.To, inFlight.Token));
        outputs.Add(new StartTimer(TimerKind.TokenRetransmit, _settings.TokenRetransmitTimeoutMs));
    }

    /// <summary>The token moved on (the new ring's traffic began): stop sending it again.</summary>
    public void StopRetransmission(List<NodeOutput> outputs)
    {
        if (_inFlight is null) return;
        _inFlight = null;
        outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
    }

    /// <summary>The representative has seen the token back from its second rotation: the exchange is over.</summary>
    public void End(List<NodeOutput> outputs)
    {
        _inFlight = null;
        outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
    }

    private void PassOn(CommitToken commit, List<NodeOutput> outputs)
    {
        var next = commit with { Sender = _me, TokenSeq = checked(commit.TokenSeq + 1) };
        Commit = next;
        var to = next.Successor(_me);
        _inFlight = (to, next);
        outputs.Add(new Unicast(to, next));
        outputs.Add(new StartTimer(TimerKind.TokenRetransmit, _settings.TokenRetransmitTimeoutMs));
    }
}
