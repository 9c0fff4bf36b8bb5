// Issue #13, item 6: an adversary on the simulated network. It sees every packet a node sends
// (CapturedPackets) and, while it is active, now and then puts a packet of its own on the network:
// an exact copy of a captured one — replayed later, copied to a member it was not addressed to,
// replayed as if from a member that is crashed or cut off — or, when it holds the key, a forgery
// with numbers no honest member sends (Forgeries). A forged token is the token on its way to a
// member, changed and sent to arrive first, so that the member takes the forgery for the token and
// drops the real one as a copy. It stands everywhere at once, so its packets cross partitions;
// they reach only live processes, and never the process named as their sender (a driver drops its
// own echoes, as Evs.Runtime's NodeHost does). Every choice it makes comes from a random stream of
// its own (DeterministicRandom.Stream), so a run without an adversary draws exactly what it drew
// before there was one, and a run with one is as repeatable as any.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;

namespace Evs.Reference.Simulation;

/// <summary>A live process as the adversary sees it: where it is in Totem's membership algorithm.</summary>
public readonly record struct LiveProcess(ProcessId Id, MembershipState Phase);

/// <summary>A packet the adversary puts on the network: what it does, from which kind of packet, to whom.</summary>
public sealed record Injection(AdversaryAttack Attack, CapturedPacketKind Kind, ProcessId To, Packet Packet);

/// <summary>An injected packet that reached a live process, at <see cref="AtMs"/>, while it was in <see cref="Phase"/>.</summary>
public sealed record InjectedPacket(double AtMs, AdversaryAttack Attack, CapturedPacketKind Kind, ProcessId To, MembershipState Phase, Packet Packet)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{AtMs} ms: {AdversaryNames.ToName(Attack)} of a {AdversaryNames.ToName(Kind)} (sender {Packet.Sender}, ring {Packet.Ring}) to {To} in {AdversaryNames.ToName(Phase)}";
}

/// <summary>The adversary of one run (<see cref="AdversarySettings"/>).</summary>
public sealed class Adversary
{
    /// <summary>The stream of the run's seed the adversary draws from (stream 0 is the run's own).</summary>
    public const int RandomStream = 1;

    private readonly AdversarySettings _settings;
    private readonly DeterministicRandom _random;
    private readonly CapturedPackets _captured;
    private readonly ImmutableArray<ProcessId> _ghosts;
    private readonly long _from;
    private readonly long _until;
    private readonly List<InjectedPacket> _injected = new();
    private readonly Dictionary<ProcessId, CapturedPacket> _tokensOnTheirWay = new();

    /// <summary>
    /// The adversary of the run of <paramref name="seed"/> over <paramref name="processes"/>; it
    /// strikes no later than <paramref name="stopAtMs"/>, the stop step, after which the run settles.
    /// </summary>
    public Adversary(AdversarySettings settings, long seed, IReadOnlyCollection<ProcessId> processes, double stopAtMs)
    {
        _settings = settings;
        _random = DeterministicRandom.Stream(seed, RandomStream);
        _captured = new CapturedPackets(_random);
        _ghosts = Forgeries.Ghosts(processes);
        _from = Micro(settings.FromMs);
        _until = Micro(Math.Min(settings.UntilMs, stopAtMs));
    }

    /// <summary>The injected packets that reached a live process, in the order they arrived.</summary>
    public IReadOnlyList<InjectedPacket> Injected => _injected;

    /// <summary>Sees a packet go by: <paramref name="from"/> sent it to <paramref name="to"/>, or to everyone when null.</summary>
    public void Capture(ProcessId from, ProcessId? to, Packet packet)
    {
        var captured = new CapturedPacket(from, to, packet, CapturedPacket.KindOf(packet));
        _captured.Add(captured);
        if (packet is not Token || to is not { } next) return;
        _tokensOnTheirWay.Remove(from); // it has passed on the token it had
        _tokensOnTheirWay[next] = captured;
    }

    /// <summary>When it strikes first, in microseconds; null when it never strikes.</summary>
    public long? FirstStrike() => _settings.Rate > 0 && _from < _until ? _from : null;

    /// <summary>When it strikes next after a strike at <paramref name="now"/>; null when it is done.</summary>
    public long? NextStrike(long now)
    {
        long next = now + Math.Max(1, (long)Math.Round(_random.Exponential(1_000_000.0 / _settings.Rate)));
        return next < _until ? next : null;
    }

    /// <summary>
    /// One strike: an attack, a live process in one of the phases aimed at, and a captured packet
    /// the attack can be made of for that process; null when there is none.
    /// </summary>
    public Injection? Strike(IReadOnlyList<LiveProcess> live, Func<ProcessId, ProcessId, bool> connected)
    {
        var attack = Pick(_settings.Attacks);
        var targets = live.Where(p => _settings.Phases.Contains(p.Phase)).ToList();
        if (targets.Count == 0) return null;
        var target = Pick(targets).Id;
        var kinds = _settings.Kinds.Where(kind => AdversarySettings.Uses(attack, kind)).ToList();
        var candidates = ForgesAToken(attack)
            ? TokenOnItsWayTo(target, kinds)
            : _captured.Of(kinds).Where(c => Fits(attack, c, target, live, connected)).ToList();
        if (candidates.Count == 0) return null;
        var chosen = Pick(candidates);
        var packet = AdversarySettings.NeedsKey(attack) ? Forgeries.Forge(attack, chosen.Packet, _ghosts, _random) : chosen.Packet;
        return new Injection(attack, chosen.Kind, target, packet);
    }

    /// <summary>
    /// How long <paramref name="injection"/> takes to arrive, in microseconds: a delay of the network
    /// as it is, or its shortest for a forged token, which races the real one.
    /// </summary>
    public long TransitDelay(Injection injection, NetworkConditions conditions) =>
        Micro(ForgesAToken(injection.Attack) ? conditions.MinDelayMs : _random.Uniform(conditions.MinDelayMs, conditions.MaxDelayMs));

    /// <summary>Notes that <paramref name="injection"/> reached its live destination at <paramref name="now"/>, in <paramref name="phase"/>.</summary>
    public void Arrived(Injection injection, MembershipState phase, long now) =>
        _injected.Add(new InjectedPacket(now / 1000.0, injection.Attack, injection.Kind, injection.To, phase, injection.Packet));

    // Whether the captured packet c makes the attack on target: a copy goes where the packet went
    // (a broadcast anywhere), a redirected one where it did not, one of an absent member anywhere;
    // a ghost join anywhere. Nothing goes back to the process that sent it.
    private static bool Fits(AdversaryAttack attack, CapturedPacket c, ProcessId target, IReadOnlyList<LiveProcess> live, Func<ProcessId, ProcessId, bool> connected)
    {
        if (c.From == target) return false;
        return attack switch
        {
            AdversaryAttack.Redirect => c.To is { } to && to != target,
            AdversaryAttack.ReplayFromAbsent => !live.Any(p => p.Id == c.From) || !connected(c.From, target),
            AdversaryAttack.ForgeGhostJoin => true,
            _ => c.To is null || c.To == target,
        };
    }

    private static bool ForgesAToken(AdversaryAttack attack) =>
        attack is AdversaryAttack.ForgeTokenSeq or AdversaryAttack.ForgeRetransmissionRequests;

    // The token last sent to target, if target has not passed it on yet.
    private List<CapturedPacket> TokenOnItsWayTo(ProcessId target, List<CapturedPacketKind> kinds) =>
        kinds.Contains(CapturedPacketKind.Token) && _tokensOnTheirWay.TryGetValue(target, out var token) ? [token] : [];

    private T Pick<T>(IReadOnlyList<T> items) => items[(int)_random.Below(items.Count)];

    private static long Micro(double milliseconds) => (long)Math.Round(milliseconds * 1000);
}
