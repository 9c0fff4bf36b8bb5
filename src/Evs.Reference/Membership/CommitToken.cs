// Totem's commit token (TOCS 1995): once consensus is reached, the representative of the new
// ring sends it around the new ring twice. On the first rotation each member writes in what the
// paper's step 3 exchanges; on the second every member reads what all wrote, and enters Recovery.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Recovery;

namespace Evs.Reference.Membership;

/// <summary>
/// Step 3: "each process supplies the identifier of its last regular configuration, the
/// identifier of the last safe message it delivered, and its obligation set". With them go the
/// numbers that tell which old messages someone may lack: what it holds without a gap
/// (<see cref="MyAru"/>) and the highest ordinal it has seen (<see cref="HighestSeen"/>).
/// <see cref="ReceivedByAll"/> is the highest ordinal it knows every member of the old ring
/// received: safe in the old regular configuration. A process that has never been in a
/// configuration supplies no old configuration. For the primary component algorithm it adds what
/// it knows of primary components (<see cref="Primary"/>).
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
/// The commit token of the ring <see cref="Packet.Ring"/> with these <see cref="Members"/> (in
/// ring order). <see cref="Rotation"/> is 1 while members fill in <see cref="Infos"/>, 2 while
/// they read them; <see cref="TokenSeq"/> grows at every hop, so copies are recognised.
/// </summary>
public sealed record CommitToken(
    ProcessId Sender,
    RingId Ring,
    ImmutableArray<ProcessId> Members,
    ImmutableArray<MemberInfo> Infos,
    int Rotation,
    long TokenSeq) : Packet(Sender, Ring)
{
    /// <summary>The member after <paramref name="process"/> on the new ring.</summary>
    public ProcessId Successor(ProcessId process) => Members[(Members.IndexOf(process) + 1) % Members.Length];

    /// <summary>Whether every member has written its information.</summary>
    public bool Complete => Infos.Length == Members.Length;
}
