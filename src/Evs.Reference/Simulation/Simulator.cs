// The deterministic simulator (TigerBeetle's VOPR, MIT's labrpc): the real protocol nodes,
// driven on a virtual clock by one event queue, with faults from a scenario — partitions,
// heals, crashes that keep only stable storage, recoveries, an adversary on the network — and every
// random choice from one seeded source. Same scenario and seed, same trace, byte for byte. A fault
// may wait for a step of the recovery algorithm (RecoveryPicture); when asked, the simulator also
// counts the named situations the run goes through (CoverageObserver, docs/COVERAGE.md).
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Storage;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Simulation;

/// <summary>How to run a scenario.</summary>
/// <param name="Seed">The one seed every random choice comes from.</param>
/// <param name="Settings">The protocol's settings; null for the defaults.</param>
/// <param name="SettleLimitMs">After the stop step, how long the run may take to become quiescent.</param>
/// <param name="StopAtMs">When given, the stop step happens at this time instead (longer or shorter runs of a built-in scenario).</param>
/// <param name="CrashMidOutputs">When given, a crash between two outputs of one step of a node (see <see cref="MidOutputCrash"/>).</param>
/// <param name="Primary">When given, the primary component algorithm every node runs, by name (<see cref="PrimaryComponentAlgorithms.Names"/>), over the scenario's processes.</param>
/// <param name="Coverage">
/// Whether to count the named situations the run goes through (<see cref="Situation"/>,
/// docs/COVERAGE.md) into <see cref="SimulationResult.Coverage"/>. Counting only reads the nodes
/// and the network: the trace is the same, byte for byte, with it or without it.
/// </param>
/// <param name="VirtualSynchrony">
/// Whether every process's application sits behind the virtual synchrony filter (Section 5): the
/// run then also produces the filtered history, and the filter refuses the application's sends
/// while its process is outside the primary component (Rule 2), so fewer messages are sent.
/// Needs a <paramref name="Primary"/> component algorithm.
/// </param>
public sealed record SimulationOptions(long Seed, TotemSettings? Settings = null, double SettleLimitMs = 60_000, double? StopAtMs = null, MidOutputCrash? CrashMidOutputs = null, string? Primary = null, bool VirtualSynchrony = false, bool Coverage = false);

/// <summary>
/// A crash at the worst moment: <see cref="Process"/> fails right after its
/// <see cref="AfterOutput"/>-th output (counted over the whole run), so the outputs that the
/// same step still had — packets, deliveries — are lost; it recovers <see cref="RecoverAfterMs"/> later.
/// </summary>
public sealed record MidOutputCrash(ProcessId Process, long AfterOutput, double RecoverAfterMs);

/// <summary>
/// What a run produced: its trace, the filtered virtual synchrony history when asked for, a summary,
/// when the scenario has an adversary, the packets it injected that reached a live process, and,
/// when asked for (<see cref="SimulationOptions.Coverage"/>), the named situations it went through.
/// <see cref="StepsHappenedAt"/> says when each of the scenario's steps happened, in virtual ms: at
/// its <c>at</c>, or later when it or a step before it waited for a step of the recovery algorithm
/// (<see cref="StepTrigger"/>); a run that ended before a step has fewer times than steps.
/// </summary>
public sealed record SimulationResult(Trace Trace, SimulationSummary Summary, VsTrace? VirtualSynchrony = null, IReadOnlyList<InjectedPacket>? Injected = null, SimulationCoverage? Coverage = null)
{
    /// <summary>When each step of the scenario happened, in the order of the file.</summary>
    public IReadOnlyList<double> StepsHappenedAt { get; init; } = [];
}

/// <summary>Numbers about a run, for people: nothing here goes into the trace. The simulator has no clock: wall time is its caller's to measure.</summary>
public sealed record SimulationSummary(
    int Configurations,
    IReadOnlyDictionary<DeliveryService, long> Sent,
    IReadOnlyDictionary<DeliveryService, long> Delivered,
    double VirtualMs,
    long PacketsSent,
    long PacketsLost,
    long PacketsDuplicated,
    OrderingCounters Ordering,
    bool Quiescent,
    long SendsRefusedByFilter,
    PacketDrops Drops,
    long PacketsInjected)
{
    /// <summary>Times a token was sent again after the token retransmission timeout, by every process.</summary>
    public long TokenRetransmissions => Ordering.TokenRetransmissions;

    /// <summary>Messages broadcast again on request, by every process.</summary>
    public long Retransmissions => Ordering.Retransmissions;
}

/// <summary>Runs a scenario on the real protocol nodes in virtual time.</summary>
public sealed class Simulator
{
    private abstract record Happening;
    private sealed record Arrival(ProcessId From, ProcessId To, Packet Packet) : Happening;
    private sealed record TimerFires(ProcessId Process, TimerKind Timer, long Generation) : Happening;
    private sealed record TrafficTick(ProcessId Process) : Happening;
    private sealed record StepComesDue(int Index) : Happening;
    private sealed record StepDeadline : Happening;
    private sealed record RecoveryAfterCrash(ProcessId Process) : Happening;
    private sealed record AdversaryStrikes : Happening;
    private sealed record InjectionArrives(Injection Injection) : Happening;

    private readonly Scenario _scenario;
    private readonly SimulationOptions _options;
    private readonly Action<double>? _progress;
    private readonly DeterministicRandom _random;
    private readonly NetworkModel _network;
    private readonly Adversary? _adversary;
    private readonly PriorityQueue<Happening, (long Time, long Order)> _queue = new();
    private readonly Dictionary<ProcessId, IProtocolNode> _nodes = new();
    private readonly Dictionary<ProcessId, IStableStorage> _storage = new();
    private readonly Dictionary<ProcessId, EventRecorder> _recorders = new();
    private readonly Dictionary<(ProcessId, TimerKind), long> _timerGenerations = new();
    private readonly List<EvsEvent> _events = new();
    private readonly List<double> _stepsHappenedAt = new();
    private readonly Dictionary<DeliveryService, long> _sent = new();
    private readonly Dictionary<DeliveryService, long> _delivered = new();
    private readonly HashSet<ConfigurationId> _configurations = new();
    private readonly Dictionary<ProcessId, VirtualSynchronyFilter> _filters = new();
    private readonly List<VsEvent> _vsEvents = new();
    private readonly GivenInOrder _vsOrder = new();
    private readonly CoverageObserver? _coverage;
    private readonly OrderingCounters _countsOfCrashedIncarnations = new();
    private readonly PacketDrops _dropsOfCrashedIncarnations = new();
    private long _refusedSends;
    private long _order;
    private long _now;
    private long _outputsOfCrashCandidate;
    private int _stepsDue;
    private int _stepsPerformed;
    private bool _trafficOn = true;
    private long _nextProgress;

    private Simulator(Scenario scenario, SimulationOptions options, Action<double>? progress = null)
    {
        _progress = progress;
        if (options.VirtualSynchrony && options.Primary is null)
            throw new ArgumentException("the virtual synchrony filter needs a primary component algorithm (SimulationOptions.Primary)", nameof(options));
        _scenario = options.StopAtMs is { } stopAt ? WithStopAt(scenario, stopAt) : scenario;
        _options = options;
        _random = new DeterministicRandom(options.Seed);
        _network = new NetworkModel(_random, _scenario.Network, _scenario.Processes);
        if (_scenario.Adversary is { } adversary)
            _adversary = new Adversary(adversary, options.Seed, _scenario.Processes, _scenario.Stop.At);
        if (options.Coverage) _coverage = new CoverageObserver(options.Primary is not null);
    }

    /// <summary>Runs <paramref name="scenario"/> to its end and returns the trace.</summary>
    public static SimulationResult Run(Scenario scenario, SimulationOptions options) => new Simulator(scenario, options).Run();

    /// <summary>
    /// Runs <paramref name="scenario"/> as <see cref="Run(Scenario, SimulationOptions)"/> does, and
    /// tells <paramref name="progress"/> the virtual time in ms as it passes, about every hundredth
    /// of the way to the stop step and on after it while the run settles, and last the time the
    /// run ended at: for a progress bar. The callback only hears: the run, its trace and its
    /// random choices are the same without it.
    /// </summary>
    public static SimulationResult Run(Scenario scenario, SimulationOptions options, Action<double> progress) =>
        new Simulator(scenario, options, progress).Run();

    private SimulationResult Run()
    {
        foreach (var p in _scenario.Processes)
        {
            _storage[p] = new InMemoryStableStorage();
            _nodes[p] = NewNode(p);
            _recorders[p] = new EventRecorder(p);
            if (_options.VirtualSynchrony) _filters[p] = new VirtualSynchronyFilter(p);
        }
        for (int i = 0; i < _scenario.Steps.Length; i++) Schedule(Micro(_scenario.Steps[i].At), new StepComesDue(i));
        // "Before the first step every component forms its own regular configuration": the
        // processes start in their components, and the membership algorithm forms the rings.
        _network.Partition(_scenario.Start);
        foreach (var p in _scenario.Processes) Apply(p, _nodes[p].Handle(new Start()));
        if (_scenario.Traffic.Rate > 0)
            foreach (var p in _scenario.Processes) Schedule(_now + NextTrafficGap(), new TrafficTick(p));
        if (_adversary?.FirstStrike() is { } firstStrike) Schedule(firstStrike, new AdversaryStrikes());

        long stopAt = Micro(_scenario.Stop.At);
        long settleLimit = stopAt + Micro(_options.SettleLimitMs);
        bool quiescent = false;
        while (_queue.TryDequeue(out var happening, out var when))
        {
            if (when.Time > settleLimit) break;
            _now = when.Time;
            if (_progress is not null && _now >= _nextProgress) TellProgress(stopAt);
            Happen(happening);
            if (_stepsPerformed < _stepsDue) PerformStepsDue();
            if (_now >= stopAt && !_trafficOn && IsQuiescent())
            {
                quiescent = true;
                break;
            }
        }
        _progress?.Invoke(_now / 1000.0);
        var header = new TraceHeader("sim", _options.Seed, _scenario.Name, quiescent);
        var summary = new SimulationSummary(
            _configurations.Count, _sent, _delivered, _now / 1000.0,
            _network.PacketsSent, _network.PacketsLost, _network.PacketsDuplicated,
            _nodes.Values.Aggregate(_countsOfCrashedIncarnations.Copy(), (sum, n) => sum.Add(n.Snapshot().Counters)),
            quiescent, _refusedSends,
            _nodes.Values.Aggregate(_dropsOfCrashedIncarnations.Copy(), (sum, n) => sum.Add(n.Snapshot().Drops)),
            _adversary?.Injected.Count ?? 0);
        if (_options.VirtualSynchrony) StopIdentitiesNeverUsed();
        var filtered = _options.VirtualSynchrony ? new VsTrace(new VsTraceHeader("sim", _options.Seed, _scenario.Name, quiescent), _vsEvents) : null;
        return new SimulationResult(new Trace(header, _events), summary, filtered, _adversary?.Injected, _coverage?.Result()) { StepsHappenedAt = _stepsHappenedAt };
    }

    // The virtual time so far, and when to tell it next: a hundredth of the run to the stop step later.
    private void TellProgress(long stopAt)
    {
        _progress!(_now / 1000.0);
        _nextProgress = _now + Math.Max(1, stopAt / 100);
    }

    private void Happen(Happening happening)
    {
        switch (happening)
        {
            case Arrival arrival when _nodes.ContainsKey(arrival.To) && _network.Connected(arrival.From, arrival.To):
                Apply(arrival.To, _nodes[arrival.To].Handle(new PacketArrived(arrival.Packet)));
                break;
            case Arrival:
                break; // to a crashed process, or cut off by a partition while in flight
            case TimerFires timer when _timerGenerations.GetValueOrDefault((timer.Process, timer.Timer)) == timer.Generation:
                Apply(timer.Process, _nodes[timer.Process].Handle(new TimerExpired(timer.Timer)));
                break;
            case TimerFires:
                break; // stopped or restarted since
            case TrafficTick tick when _trafficOn:
                if (_nodes.ContainsKey(tick.Process)) RequestSend(tick.Process, DrawService(), _scenario.Traffic.Size);
                Schedule(_now + NextTrafficGap(), tick);
                break;
            case TrafficTick:
                break;
            case StepComesDue due:
                _stepsDue = due.Index + 1;
                if (_scenario.Steps[due.Index].When is { } trigger) Schedule(_now + Micro(trigger.WithinMs), new StepDeadline());
                break;
            case StepDeadline:
                break; // the steps due are looked at after every happening
            case RecoveryAfterCrash recovery when !_nodes.ContainsKey(recovery.Process):
                Recover(recovery.Process);
                break;
            case RecoveryAfterCrash:
                break;
            case AdversaryStrikes strike:
                Strike(strike);
                break;
            case InjectionArrives { Injection: var injection } when _nodes.TryGetValue(injection.To, out var node):
                _adversary!.Arrived(injection, node.State, _now);
                Apply(injection.To, node.Handle(new PacketArrived(injection.Packet)));
                break;
            case InjectionArrives:
                break; // to a crashed process
        }
    }

    // The adversary strikes (or finds nothing to strike with) and says when it strikes again.
    private void Strike(AdversaryStrikes strike)
    {
        var live = _scenario.Processes.Where(_nodes.ContainsKey).Select(p => new LiveProcess(p, _nodes[p].State)).ToList();
        if (_adversary!.Strike(live, _network.Connected) is { } injection)
            Schedule(_now + _adversary.TransitDelay(injection, _network.Conditions), new InjectionArrives(injection));
        if (_adversary.NextStrike(_now) is { } next) Schedule(next, strike);
    }

    // The steps in the order of the file, each at its time or, behind a step still waiting for
    // the recovery step it names ("when", docs/SCENARIOS.md), as soon as that one has happened. A
    // waiting step happens at the first moment its process (a crash) or some process (a partition)
    // is in that step, or at its deadline.
    private void PerformStepsDue()
    {
        while (_stepsPerformed < _stepsDue)
        {
            var step = _scenario.Steps[_stepsPerformed];
            if (step.When is { } trigger && _now < Micro(step.At + trigger.WithinMs) && !Holds(step, trigger.Step)) return;
            _stepsPerformed++;
            _stepsHappenedAt.Add(_now / 1000.0);
            Perform(step);
        }
    }

    // Whether the recovery step a waiting step waits for is under way: at its process for a crash, anywhere for a partition.
    private bool Holds(ScenarioStep step, PaperStep when) =>
        RecoveryPicture.Holds(_nodes.Values, (step as CrashStep)?.Process, when);

    private void Perform(ScenarioStep step)
    {
        switch (step)
        {
            case NetworkStep n:
                var c = _network.Conditions;
                _network.Conditions = new NetworkConditions(n.MinDelayMs ?? c.MinDelayMs, n.MaxDelayMs ?? c.MaxDelayMs, n.Loss ?? c.Loss, n.Duplicate ?? c.Duplicate);
                break;
            case SendStep send when _nodes.ContainsKey(send.From):
                for (int i = 0; i < send.Count; i++) RequestSend(send.From, send.Service, _scenario.Traffic.Size);
                break;
            case SendStep:
                break; // the application of a crashed process sends nothing
            case PartitionStep partition:
                var before = _coverage is null ? null : RecoveryPicture.Of(_nodes.Values);
                _network.Partition(partition.Components);
                if (before is not null) _coverage!.Partitioned(before, _nodes.Keys.ToHashSet(), _network.Connected);
                break;
            case HealStep:
                _network.Heal();
                break;
            case CrashStep crash:
                Crash(crash.Process);
                break;
            case RecoverStep recover:
                Recover(recover.Process);
                break;
            case StopStep stop:
                _trafficOn = false;
                _network.Heal();
                if (stop.RecoverAll)
                    foreach (var p in _scenario.Processes.Where(p => !_nodes.ContainsKey(p))) Recover(p);
                break;
        }
    }

    // fail_p(c): the process loses everything but its stable storage; its timers die with it.
    private void Crash(ProcessId p)
    {
        _coverage?.Crashing(p, RecoveryPicture.Of(_nodes.Values));
        var last = _nodes[p].Snapshot();
        _countsOfCrashedIncarnations.Add(last.Counters);
        _dropsOfCrashedIncarnations.Add(last.Drops);
        _nodes.Remove(p);
        foreach (var timer in Enum.GetValues<TimerKind>())
            _timerGenerations[(p, timer)] = _timerGenerations.GetValueOrDefault((p, timer)) + 1;
        if (_recorders[p].Fail(_now / 1000.0) is { } fail) Record(fail, null);
    }

    // The process starts again from its stable storage, with the same identifier.
    private void Recover(ProcessId p)
    {
        _coverage?.Recovered(p);
        _nodes[p] = NewNode(p);
        Apply(p, _nodes[p].Handle(new Restart(_storage[p].Load())));
    }

    private TotemNode NewNode(ProcessId p) =>
        new(p, _options.Settings ?? TotemSettings.Simulation, MembershipSettings.Simulation,
            _options.Primary is { } name ? PrimaryComponentAlgorithms.Create(name, _scenario.Processes) : null);

    // The application asks to send. Behind the virtual synchrony filter, a process outside the
    // primary component is blocked: the send is refused (counted), not handed to the protocol.
    private void RequestSend(ProcessId from, DeliveryService service, int size)
    {
        if (_filters.TryGetValue(from, out var filter) && filter.Blocked)
        {
            _refusedSends++;
            return;
        }
        var payload = new byte[size];
        _random.Fill(payload);
        Apply(from, _nodes[from].Handle(new SendRequested(payload, service)));
    }

    /// <summary>Carries out a node's outputs: stable storage, the network, the timers, and the trace.</summary>
    private void Apply(ProcessId p, IReadOnlyList<NodeOutput> outputs)
    {
        foreach (var output in outputs)
        {
            if (CrashesBefore(p))
            {
                Crash(p);
                Schedule(_now + Micro(_options.CrashMidOutputs!.RecoverAfterMs), new RecoveryAfterCrash(p));
                return;
            }
            switch (output)
            {
                case PersistState persist:
                    _storage[p].Save(persist.State);
                    break;
                case Broadcast b:
                    _adversary?.Capture(p, null, b.Packet);
                    foreach (var to in _scenario.Processes)
                        if (to != p && _nodes.ContainsKey(to)) Transmit(p, to, b.Packet);
                    break;
                case Unicast u:
                    _adversary?.Capture(p, u.To, u.Packet);
                    Transmit(p, u.To, u.Packet);
                    break;
                case StartTimer t:
                {
                    long generation = _timerGenerations.GetValueOrDefault((p, t.Timer)) + 1;
                    _timerGenerations[(p, t.Timer)] = generation;
                    Schedule(_now + Micro(t.DelayMs), new TimerFires(p, t.Timer, generation));
                    break;
                }
                case StopTimer t:
                    _timerGenerations[(p, t.Timer)] = _timerGenerations.GetValueOrDefault((p, t.Timer)) + 1;
                    break;
                default:
                    if (_recorders[p].Record(output, _now / 1000.0, out var view) is { } recorded) Record(recorded, view);
                    break;
            }
        }
        _coverage?.Handled(p, _nodes[p], outputs);
    }

    // Whether the mid-output crash strikes now, before this output of p takes effect.
    private bool CrashesBefore(ProcessId p)
    {
        if (_options.CrashMidOutputs is not { } crash || crash.Process != p) return false;
        return _outputsOfCrashCandidate++ == crash.AfterOutput;
    }

    private void Transmit(ProcessId from, ProcessId to, Packet packet)
    {
        bool arrives = false;
        foreach (var delay in _network.Transmit(from, to))
        {
            Schedule(_now + delay, new Arrival(from, to, packet));
            arrives = true;
        }
        // Lost by the loss probability, not cut off by a partition (a failure the coverage counts as such).
        if (!arrives && _coverage is not null && _network.Connected(from, to) && _nodes.TryGetValue(to, out var addressee)) _coverage.Lost(packet, addressee);
    }

    private bool IsQuiescent()
    {
        foreach (var node in _nodes.Values)
            if (!Quiescence.Settled(node.Progress())) return false;
        return Quiescence.Holds([.. _nodes.Values.Select(n => n.Progress())]);
    }

    private DeliveryService DrawService()
    {
        var t = _scenario.Traffic;
        double x = _random.NextDouble() * (t.CausalWeight + t.AgreedWeight + t.SafeWeight);
        return x < t.CausalWeight ? DeliveryService.Causal
            : x < t.CausalWeight + t.AgreedWeight ? DeliveryService.Agreed
            : DeliveryService.Safe;
    }

    private long NextTrafficGap() => Math.Max(1, (long)Math.Round(_random.Exponential(1_000_000.0 / _scenario.Traffic.Rate)));

    private void Schedule(long time, Happening happening) => _queue.Enqueue(happening, (time, _order++));

    // At the end of the run, a process's virtual synchrony identifiers that were given to it in a
    // primary component it never installed (the others may list them in a view) are stopped: the
    // application never held them. Like fail_p(c), this is written by the driver, which knows the
    // process's stable storage.
    private void StopIdentitiesNeverUsed()
    {
        foreach (var p in _scenario.Processes)
            if (_storage[p].Load()?.Primary is { } history)
                foreach (var name in history.NamesNeverUsed(p, history.Identities + 1))
                    _vsEvents.Add(_vsOrder.Accept(new Stop(name, 0, _now / 1000.0)));
    }

    // Into the trace and the run's counts, and through the process's virtual synchrony filter when
    // there is one (a primary regular configuration carries what the primary component algorithm
    // decided); each event the filter gives must be the next of its identity (GivenInOrder).
    private void Record(EvsEvent e, PrimaryViewInfo? view)
    {
        _events.Add(e);
        switch (e)
        {
            case Send s: Count(_sent, s.Service); break;
            case Deliver d: Count(_delivered, d.Service); break;
            case DeliverConf c: _configurations.Add(c.Conf); break;
        }
        if (_filters.TryGetValue(e.Process, out var filter)) _vsEvents.AddRange(filter.Apply(new FilterInput(e, view)).Select(_vsOrder.Accept));
    }

    private static void Count(Dictionary<DeliveryService, long> counts, DeliveryService service) =>
        counts[service] = counts.GetValueOrDefault(service) + 1;

    private static long Micro(double milliseconds) => (long)Math.Round(milliseconds * 1000);

    private static Scenario WithStopAt(Scenario scenario, double stopAt)
    {
        var steps = scenario.Steps.Where(s => s is not StopStep && s.At <= stopAt).ToImmutableArray();
        var stop = scenario.Stop with { At = Math.Max(stopAt, steps.IsEmpty ? 0 : steps[^1].At) };
        return scenario with { Steps = steps.Add(stop) };
    }
}
