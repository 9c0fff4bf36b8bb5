// Totem's commit token (TOCS 1995): once consensus is reached, the representative of the new
// ring sends it around the new ring twice. On the first rotation each member writes in what the
// paper's step 3 exchanges (Recovery/Step3Exchange: MemberInfo); on the second every member reads
// what all wrote, and enters Recovery.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Recovery;

namespace Evs.Reference.Membership;

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

    /// <summary>
    /// The member before <paramref name="process"/> on the new ring, the only one that passes it the
    /// commit token (on the first hop, the representative that made it); null if it is not a member.
    /// </summary>
    public ProcessId? Predecessor(ProcessId process) =>
        Members.IndexOf(process) is var mine and >= 0 ? Members[(mine + Members.Length - 1) % Members.Length] : null;

    /// <summary>Whether every member has written its information.</summary>
    public bool Complete => Infos.Length == Members.Length;
}
