// Issue #13, item 6: the network is not only lossy, it may be hostile. docs/SCENARIOS.md
// "adversary", as types: what the simulator's adversary may do to the packets it sees — replay
// them, copy them to a member they were not addressed to, replay a member that is absent — and,
// when it holds the group's key (a buggy or hostile member), forge packets with numbers no honest
// member sends. Read by ScenarioReader; carried out by Adversary.
using System.Collections.Immutable;
using System.Text;
using Evs.Reference.Membership;

namespace Evs.Reference.Simulation;

/// <summary>What the adversary does with one packet it puts on the network.</summary>
public enum AdversaryAttack
{
    /// <summary>An exact copy of a packet sent earlier, to (one of) its own destinations.</summary>
    Replay,

    /// <summary>An exact copy of a packet sent to one member (a token, a commit token, a hold cancel), to another member.</summary>
    Redirect,

    /// <summary>An exact copy of a packet of a member that is now crashed or cut off from the destination, as if from it.</summary>
    ReplayFromAbsent,

    /// <summary>With the key: a join claiming ring number 2^63 - 2 (<see cref="Forgeries.HugeRingSequence"/>).</summary>
    ForgeRingNumber,

    /// <summary>With the key: a regular message numbered 10^9 and up.</summary>
    ForgeMessageNumber,

    /// <summary>With the key: a token whose Seq is raised by 10^6.</summary>
    ForgeTokenSeq,

    /// <summary>With the key: a token carrying 5,000 fake retransmission requests.</summary>
    ForgeRetransmissionRequests,

    /// <summary>With the key: a join from a process outside the group (a ghost).</summary>
    ForgeGhostJoin,
}

/// <summary>The kinds of packet the nodes send, which the adversary captures and uses.</summary>
public enum CapturedPacketKind
{
    /// <summary><see cref="Membership.JoinMessage"/>.</summary>
    Join,

    /// <summary><see cref="Membership.CommitToken"/>.</summary>
    CommitToken,

    /// <summary><see cref="Ordering.Token"/>.</summary>
    Token,

    /// <summary><see cref="Ordering.RegularMessage"/>.</summary>
    RegularMessage,

    /// <summary><see cref="Ordering.RecoveredMessage"/>.</summary>
    RecoveredMessage,

    /// <summary><see cref="Membership.MergeDetect"/>.</summary>
    MergeDetect,

    /// <summary><see cref="Ordering.TokenHoldCancel"/>.</summary>
    TokenHoldCancel,

    /// <summary><see cref="Membership.HearingReport"/>.</summary>
    HearingReport,

    /// <summary><see cref="Membership.LeaveAnnouncement"/>.</summary>
    LeaveAnnouncement,
}

/// <summary>
/// An adversary on the simulated network. Between <see cref="FromMs"/> and <see cref="UntilMs"/>
/// (and never after the stop step, so that the run can settle) it strikes <see cref="Rate"/> times
/// a second on average: it picks one of its <see cref="Attacks"/>, a live process in one of the
/// <see cref="Phases"/>, and a captured packet of one of the <see cref="Kinds"/>, and puts the
/// copy or forgery on the network to that process.
/// </summary>
/// <param name="FromMs">When it starts striking, virtual milliseconds since the run began.</param>
/// <param name="UntilMs">When it stops striking.</param>
/// <param name="Rate">Strikes per second of virtual time, on average (a Poisson process).</param>
/// <param name="WithKey">Whether it holds the group's key, and so can forge packets: the forging attacks need it.</param>
/// <param name="Attacks">What it may do.</param>
/// <param name="Kinds">Which captured packets it may use.</param>
/// <param name="Phases">Where in Totem's membership algorithm a process must be for the adversary to aim at it.</param>
public sealed record AdversarySettings(
    double FromMs,
    double UntilMs,
    double Rate,
    bool WithKey,
    ImmutableArray<AdversaryAttack> Attacks,
    ImmutableArray<CapturedPacketKind> Kinds,
    ImmutableArray<MembershipState> Phases)
{
    /// <summary>Every attack it can make with or without the key, on every kind of packet, at every phase.</summary>
    public static AdversarySettings Everything(double fromMs, double untilMs, double rate, bool withKey) =>
        new(fromMs, untilMs, rate, withKey, AttacksPossible(withKey), [.. Enum.GetValues<CapturedPacketKind>()], [.. Enum.GetValues<MembershipState>()]);

    /// <summary>One attack, on the given kinds of packet, at the given phases.</summary>
    public static AdversarySettings Only(AdversaryAttack attack, ImmutableArray<CapturedPacketKind> kinds, ImmutableArray<MembershipState> phases, double fromMs, double untilMs, double rate) =>
        new(fromMs, untilMs, rate, NeedsKey(attack), [attack], kinds, phases);

    /// <summary>The attacks an adversary can make with the key, or without it.</summary>
    public static ImmutableArray<AdversaryAttack> AttacksPossible(bool withKey) =>
        [.. Enum.GetValues<AdversaryAttack>().Where(a => withKey || !NeedsKey(a))];

    /// <summary>Whether <paramref name="attack"/> forges a packet, which only a holder of the key can.</summary>
    public static bool NeedsKey(AdversaryAttack attack) =>
        attack is not (AdversaryAttack.Replay or AdversaryAttack.Redirect or AdversaryAttack.ReplayFromAbsent);

    /// <summary>Whether <paramref name="attack"/> can be made from a captured packet of this kind: a forgery only from the kind it changes, a copy from any.</summary>
    public static bool Uses(AdversaryAttack attack, CapturedPacketKind kind) => attack switch
    {
        AdversaryAttack.ForgeRingNumber or AdversaryAttack.ForgeGhostJoin => kind == CapturedPacketKind.Join,
        AdversaryAttack.ForgeMessageNumber => kind == CapturedPacketKind.RegularMessage,
        AdversaryAttack.ForgeTokenSeq or AdversaryAttack.ForgeRetransmissionRequests => kind == CapturedPacketKind.Token,
        _ => true,
    };

    /// <summary>A short description for failure messages: <c>with key, 200/s from 100 to 900 ms: replay, redirect on token at commit</c>.</summary>
    public override string ToString() =>
        $"{(WithKey ? "with" : "without")} key, {Rate}/s from {FromMs} to {UntilMs} ms: {string.Join(", ", Attacks.Select(AdversaryNames.ToName))} on {string.Join(", ", Kinds.Select(AdversaryNames.ToName))} at {string.Join(", ", Phases.Select(AdversaryNames.ToName))}";
}

/// <summary>The names docs/SCENARIOS.md gives attacks, packet kinds and phases: the enum's name in snake case (<c>replay_from_absent</c>).</summary>
public static class AdversaryNames
{
    /// <summary>The name of <paramref name="value"/> in a scenario file.</summary>
    public static string ToName<T>(T value) where T : struct, Enum
    {
        var text = new StringBuilder();
        foreach (char ch in value.ToString())
        {
            if (char.IsUpper(ch) && text.Length > 0) text.Append('_');
            text.Append(char.ToLowerInvariant(ch));
        }
        return text.ToString();
    }

    /// <summary>The value named <paramref name="name"/>; false when no value has that name.</summary>
    public static bool TryParse<T>(string name, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (ToName(candidate) != name) continue;
            value = candidate;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>Every name of <typeparamref name="T"/>, for messages.</summary>
    public static string All<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(ToName));
}
