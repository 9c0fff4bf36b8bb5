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
/// <param name="Application">
/// When given, what every process's application does (<see cref="ISimulatedApplication"/>): at each
/// traffic tick it sends what the application asks instead of a random payload, and it answers the
/// ring's events. Without it (the default) runs are the same, byte for byte, as before it existed.
/// </param>
public sealed record SimulationOptions(long Seed, TotemSettings? Settings = null, double SettleLimitMs = 60_000, double? StopAtMs = null, MidOutputCrash? CrashMidOutputs = null, string? Primary = null, bool VirtualSynchrony = false, bool Coverage = false, ISimulatedApplication? Application = null);

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
public sealed record SimulationResult(EvsTrace Trace, SimulationSummary Summary, VsTrace? VirtualSynchrony = null, IReadOnlyList<InjectedPacket>? Injected = null, SimulationCoverage? Coverage = null)
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
    // What can happen next, in the order of virtual time. A run has millions of them, so each is a
    // small value in the event queue rather than an object of its own: its kind, the process it
    // happens at (an index into the scenario's processes), and what the kind needs besides.
    private enum HappeningKind : byte
    {
        Arrival,            // Process receives Item (the PacketArrived of a packet From sent), unless cut off or crashed meanwhile
        TimerFires,         // Process's Timer expires, if Number is still its generation
        TrafficTick,        // Process's application sends its next message
        StepComesDue,       // the scenario's step Number is due
        StepDeadline,       // a waiting step's time is up
        RecoveryAfterCrash, // Process recovers after a crash between two outputs
        AdversaryStrikes,   // the adversary injects its next packet
        InjectionArrives,   // an injected packet (Item) reaches its addressee
    }

    private readonly record struct Happening(HappeningKind Kind, int Process = 0, int From = 0, long Number = 0, object? Item = null)
    {
        public static Happening Arrival(int to, int from, PacketArrived input) => new(HappeningKind.Arrival, to, from, Item: input);

        public static Happening TimerFires(int process, TimerKind timer, long generation) => new(HappeningKind.TimerFires, process, (int)timer, generation);

        /// <summary>The timer of a <see cref="HappeningKind.TimerFires"/> (kept in <see cref="From"/>, which a timer has no use for).</summary>
        public TimerKind Timer => (TimerKind)From;
    }

    private static readonly int TimerKinds = Enum.GetValues<TimerKind>().Length;

    private readonly Scenario _scenario;
    private readonly SimulationOptions _options;
    private readonly Action<double>? _progress;
    private readonly DeterministicRandom _random;
    private readonly NetworkModel _network;
    private readonly Adversary? _adversary;
    private readonly PriorityQueue<Happening, (long Time, long Order)> _queue = new();
    private readonly ImmutableArray<ProcessId> _processes;
    private readonly Dictionary<ProcessId, int> _indexOf = new();
    // Per process, by its index in the scenario: its node (null while crashed), stable storage,
    // recorder, filter, and the generation of each of its timers (a timer fires only if no start
    // or stop came after the start that scheduled it).
    private readonly TotemNode?[] _nodes;
    private readonly IStableStorage[] _storage;
    private readonly EventRecorder[] _recorders;
    private readonly VirtualSynchronyFilter?[] _filters;
    private readonly long[] _timerGenerations;
    private readonly List<NodeOutput> _outputs = new();
    private readonly Queue<(int Process, SendRequested Send)> _applicationSends = new();
    private readonly List<SendRequested> _asked = new();
    private bool _handingApplicationSends;
    private readonly List<EvsEvent> _events = new();
    private readonly PayloadDigests _digests = new();
    private readonly List<double> _stepsHappenedAt = new();
    private readonly long[] _sent = new long[Enum.GetValues<DeliveryService>().Length];
    private readonly long[] _delivered = new long[Enum.GetValues<DeliveryService>().Length];
    private readonly HashSet<ConfigurationId> _configurations = new();
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
        _processes = _scenario.Processes;
        for (int i = 0; i < _processes.Length; i++) _indexOf[_processes[i]] = i;
        _nodes = new TotemNode?[_processes.Length];
        _storage = new IStableStorage[_processes.Length];
        _recorders = new EventRecorder[_processes.Length];
        _filters = new VirtualSynchronyFilter?[_processes.Length];
        _timerGenerations = new long[_processes.Length * TimerKinds];
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
        for (int p = 0; p < _processes.Length; p++)
        {
            _storage[p] = new InMemoryStableStorage();
            _nodes[p] = NewNode(_processes[p]);
            _recorders[p] = new EventRecorder(_processes[p], digests: _digests);
            if (_options.VirtualSynchrony) _filters[p] = new VirtualSynchronyFilter(_processes[p]);
        }
        for (int i = 0; i < _scenario.Steps.Length; i++) Schedule(Micro(_scenario.Steps[i].At), new Happening(HappeningKind.StepComesDue, Number: i));
        // "Before the first step every component forms its own regular configuration": the
        // processes start in their components, and the membership algorithm forms the rings.
        _network.Partition(_scenario.Start);
        for (int p = 0; p < _processes.Length; p++) Handle(p, new Start());
        if (_scenario.Traffic.Rate > 0)
            for (int p = 0; p < _processes.Length; p++) Schedule(_now + NextTrafficGap(), new Happening(HappeningKind.TrafficTick, p));
        if (_adversary?.FirstStrike() is { } firstStrike) Schedule(firstStrike, new Happening(HappeningKind.AdversaryStrikes));

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
        var live = LiveNodes().ToList();
        var summary = new SimulationSummary(
            _configurations.Count, Counts(_sent), Counts(_delivered), _now / 1000.0,
            _network.PacketsSent, _network.PacketsLost, _network.PacketsDuplicated,
            live.Aggregate(_countsOfCrashedIncarnations.Copy(), (sum, n) => sum.Add(n.Snapshot().Counters)),
            quiescent, _refusedSends,
            live.Aggregate(_dropsOfCrashedIncarnations.Copy(), (sum, n) => sum.Add(n.Snapshot().Drops)),
            _adversary?.Injected.Count ?? 0);
        if (_options.VirtualSynchrony) StopIdentitiesNeverUsed();
        var filtered = _options.VirtualSynchrony ? new VsTrace(new VsTraceHeader("sim", _options.Seed, _scenario.Name, quiescent), _vsEvents) : null;
        return new SimulationResult(new EvsTrace(header, _events), summary, filtered, _adversary?.Injected, _coverage?.Result()) { StepsHappenedAt = _stepsHappenedAt };
    }

    // The virtual time so far, and when to tell it next: a hundredth of the run to the stop step later.
    private void TellProgress(long stopAt)
    {
        _progress!(_now / 1000.0);
        _nextProgress = _now + Math.Max(1, stopAt / 100);
    }

    private void Happen(Happening happening)
    {
        int p = happening.Process;
        switch (happening.Kind)
        {
            case HappeningKind.Arrival:
                // Unless p crashed, or a partition cut it off while the packet was in flight.
                if (_nodes[p] is not null && _network.Connected(_processes[happening.From], _processes[p]))
                    Handle(p, (PacketArrived)happening.Item!);
                break;
            case HappeningKind.TimerFires:
                // Unless it was stopped or restarted since.
                if (_timerGenerations[TimerSlot(p, happening.Timer)] == happening.Number)
                    Handle(p, new TimerExpired(happening.Timer));
                break;
            case HappeningKind.TrafficTick when _trafficOn:
                if (_nodes[p] is not null && _options.Application is { } application) Ask(p, sends => application.Tick(_processes[p], sends));
                else if (_nodes[p] is not null) RequestSend(p, DrawService(), _scenario.Traffic.Size);
                Schedule(_now + NextTrafficGap(), happening);
                break;
            case HappeningKind.TrafficTick:
                break;
            case HappeningKind.StepComesDue:
                int index = (int)happening.Number;
                _stepsDue = index + 1;
                if (_scenario.Steps[index].When is { } trigger) Schedule(_now + Micro(trigger.WithinMs), new Happening(HappeningKind.StepDeadline));
                break;
            case HappeningKind.StepDeadline:
                break; // the steps due are looked at after every happening
            case HappeningKind.RecoveryAfterCrash:
                if (_nodes[p] is null) Recover(p);
                break;
            case HappeningKind.AdversaryStrikes:
                Strike();
                break;
            case HappeningKind.InjectionArrives:
                var injection = (Injection)happening.Item!;
                if (_indexOf.TryGetValue(injection.To, out int to) && _nodes[to] is { } node) // not to a crashed process
                {
                    _adversary!.Arrived(injection, node.State, _now);
                    Handle(to, new PacketArrived(injection.Packet));
                }
                break;
        }
    }

    // The adversary strikes (or finds nothing to strike with) and says when it strikes again.
    private void Strike()
    {
        var live = Enumerable.Range(0, _processes.Length).Where(p => _nodes[p] is not null).Select(p => new LiveProcess(_processes[p], _nodes[p]!.State)).ToList();
        if (_adversary!.Strike(live, _network.Connected) is { } injection)
            Schedule(_now + _adversary.TransitDelay(injection, _network.Conditions), new Happening(HappeningKind.InjectionArrives, Item: injection));
        if (_adversary.NextStrike(_now) is { } next) Schedule(next, new Happening(HappeningKind.AdversaryStrikes));
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

    // Whether the recovery step a waiting step waits for is under way: at its process for a crash,
    // anywhere for a partition. Asked after every happening while a step waits, and most of that
    // time no process is recovering at all, which is quickly seen.
    private bool Holds(ScenarioStep step, PaperStep when) =>
        AnyRecovering() && RecoveryPicture.Holds(LiveNodes().ToList(), (step as CrashStep)?.Process, when);

    // Whether some live process is performing the recovery algorithm (Totem's Commit or Recovery state).
    private bool AnyRecovering()
    {
        foreach (var node in _nodes)
            if (node is { State: MembershipState.Commit or MembershipState.Recovery }) return true;
        return false;
    }

    private void Perform(ScenarioStep step)
    {
        switch (step)
        {
            case NetworkStep n:
                var c = _network.Conditions;
                _network.Conditions = new NetworkConditions(n.MinDelayMs ?? c.MinDelayMs, n.MaxDelayMs ?? c.MaxDelayMs, n.Loss ?? c.Loss, n.Duplicate ?? c.Duplicate);
                break;
            case SendStep send when _nodes[_indexOf[send.From]] is not null:
                for (int i = 0; i < send.Count; i++) RequestSend(_indexOf[send.From], send.Service, _scenario.Traffic.Size);
                break;
            case SendStep:
                break; // the application of a crashed process sends nothing
            case PartitionStep partition:
                var before = _coverage is null ? null : RecoveryPicture.Of(LiveNodes());
                _network.Partition(partition.Components);
                if (before is not null) _coverage!.Partitioned(before, LiveNodes().Select(n => n.Id).ToHashSet(), _network.Connected);
                break;
            case HealStep:
                _network.Heal();
                break;
            case LinksStep links:
                _network.Links = links.Faults;
                break;
            case CrashStep crash when _nodes[_indexOf[crash.Process]] is not null:
                Crash(_indexOf[crash.Process]);
                break;
            case RecoverStep recover when _nodes[_indexOf[recover.Process]] is null:
                Recover(_indexOf[recover.Process]);
                break;
            case LeaveStep leave when _nodes[_indexOf[leave.Process]] is not null:
                Handle(_indexOf[leave.Process], new LeaveRequested());
                break;
            case StopStep stop:
                _trafficOn = false;
                _network.Heal();
                if (stop.RecoverAll)
                    for (int p = 0; p < _processes.Length; p++)
                        if (_nodes[p] is null) Recover(p);
                break;
        }
    }

    // The live nodes, in the scenario's order of processes.
    private IEnumerable<TotemNode> LiveNodes()
    {
        foreach (var node in _nodes)
            if (node is not null) yield return node;
    }

    // fail_p(c): the process loses everything but its stable storage; its timers die with it. A
    // process that left gracefully stops the same way, and its fail is marked as a leave.
    private void Crash(int p, bool left = false)
    {
        _coverage?.Crashing(_processes[p], RecoveryPicture.Of(LiveNodes()));
        var last = _nodes[p]!.Snapshot();
        _countsOfCrashedIncarnations.Add(last.Counters);
        _dropsOfCrashedIncarnations.Add(last.Drops);
        _nodes[p] = null;
        for (int timer = 0; timer < TimerKinds; timer++) _timerGenerations[TimerSlot(p, (TimerKind)timer)]++;
        if (_recorders[p].Fail(_now / 1000.0, left) is { } fail) Record(p, fail, null);
        _options.Application?.Crashed(_processes[p]);
    }

    // The process starts again from its stable storage, with the same identifier.
    private void Recover(int p)
    {
        _coverage?.Recovered(_processes[p]);
        _nodes[p] = NewNode(_processes[p]);
        Handle(p, new Restart(_storage[p].Load()));
    }

    private TotemNode NewNode(ProcessId p) =>
        new(p, _options.Settings ?? TotemSettings.Simulation, MembershipSettings.Simulation,
            _options.Primary is { } name ? PrimaryComponentAlgorithms.Create(name, _scenario.Processes) : null);

    // The application asks to send. Behind the virtual synchrony filter, a process outside the
    // primary component is blocked: the send is refused (counted), not handed to the protocol.
    private void RequestSend(int p, DeliveryService service, int size)
    {
        if (_filters[p] is { Blocked: true })
        {
            _refusedSends++;
            return;
        }
        var payload = new byte[size];
        _random.Fill(payload);
        Handle(p, new SendRequested(payload, service));
    }

    // Process p's node handles one input; its outputs are carried out before anything else happens.
    // One list takes the outputs of every step: a step's outputs are done with before the next step.
    private void Handle(int p, NodeInput input)
    {
        _outputs.Clear();
        _nodes[p]!.Handle(input, _outputs);
        Apply(p, _outputs);
        HandApplicationSends();
    }

    // What an application asked, each request a step of its own, after the step that caused it (and
    // in the order asked, also when a request's step makes the application ask for more).
    private void HandApplicationSends()
    {
        if (_handingApplicationSends) return;
        _handingApplicationSends = true;
        while (_applicationSends.TryDequeue(out var ask))
            if (_nodes[ask.Process] is not null) Handle(ask.Process, ask.Send);
        _handingApplicationSends = false;
    }

    // Process p's application asks (through `asking`) for sends, queued for HandApplicationSends.
    private void Ask(int p, Action<List<SendRequested>> asking)
    {
        _asked.Clear();
        asking(_asked);
        foreach (var send in _asked) _applicationSends.Enqueue((p, send));
        HandApplicationSends();
    }

    /// <summary>Carries out a node's outputs: stable storage, the network, the timers, and the trace.</summary>
    private void Apply(int p, List<NodeOutput> outputs)
    {
        foreach (var output in outputs)
        {
            if (CrashesBefore(p))
            {
                Crash(p);
                Schedule(_now + Micro(_options.CrashMidOutputs!.RecoverAfterMs), new Happening(HappeningKind.RecoveryAfterCrash, p));
                return;
            }
            switch (output)
            {
                case PersistState persist:
                    _storage[p].Save(persist.State);
                    break;
                case Broadcast b:
                    _adversary?.Capture(_processes[p], null, b.Packet);
                    var arrived = new PacketArrived(b.Packet); // one input for every addressee: nothing changes it
                    for (int to = 0; to < _processes.Length; to++)
                        if (to != p && _nodes[to] is not null) Transmit(p, to, arrived);
                    break;
                case Unicast u:
                    _adversary?.Capture(_processes[p], u.To, u.Packet);
                    if (_indexOf.TryGetValue(u.To, out int addressee)) Transmit(p, addressee, new PacketArrived(u.Packet));
                    else _network.Transmit(_processes[p], u.To, out _, out _); // to a process outside the scenario: counted, and lost
                    break;
                case StartTimer t:
                    Schedule(_now + Micro(t.DelayMs), Happening.TimerFires(p, t.Timer, ++_timerGenerations[TimerSlot(p, t.Timer)]));
                    break;
                case StopTimer t:
                    _timerGenerations[TimerSlot(p, t.Timer)]++;
                    break;
                case ProcessLeft:
                    Crash(p, left: true);
                    return;
                default:
                    if (_recorders[p].Record(output, _now / 1000.0, out var view) is { } recorded)
                    {
                        Record(p, recorded, view);
                        if (_options.Application is { } application)
                        {
                            _asked.Clear();
                            application.Observe(_processes[p], output, _asked);
                            foreach (var send in _asked) _applicationSends.Enqueue((p, send));
                        }
                    }
                    break;
            }
        }
        _coverage?.Handled(_processes[p], _nodes[p]!, outputs);
    }

    // Whether the mid-output crash strikes now, before this output of p takes effect.
    private bool CrashesBefore(int p)
    {
        if (_options.CrashMidOutputs is not { } crash || crash.Process != _processes[p]) return false;
        return _outputsOfCrashCandidate++ == crash.AfterOutput;
    }

    private void Transmit(int from, int to, PacketArrived arrived)
    {
        int copies = _network.Transmit(_processes[from], _processes[to], out long first, out long second);
        if (copies > 0) Schedule(_now + first, Happening.Arrival(to, from, arrived));
        if (copies > 1) Schedule(_now + second, Happening.Arrival(to, from, arrived));
        // Lost by the loss probability, not cut off by a partition (a failure the coverage counts as such).
        if (copies == 0 && _coverage is not null && _network.Connected(_processes[from], _processes[to]) && _nodes[to] is { } addressee)
            _coverage.Lost(arrived.Packet, addressee);
    }

    private bool IsQuiescent()
    {
        foreach (var node in _nodes)
            if (node is not null && !Quiescence.Settled(node.Progress())) return false;
        return Quiescence.Holds([.. LiveNodes().Select(n => n.Progress())]);
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

    private static int TimerSlot(int p, TimerKind timer) => p * TimerKinds + (int)timer;

    // At the end of the run, a process's virtual synchrony identifiers that were given to it in a
    // primary component it never installed (the others may list them in a view) are stopped: the
    // application never held them. Like fail_p(c), this is written by the driver, which knows the
    // process's stable storage.
    private void StopIdentitiesNeverUsed()
    {
        for (int p = 0; p < _processes.Length; p++)
            if (_storage[p].Load()?.Primary is { } history)
                foreach (var name in history.NamesNeverUsed(_processes[p], history.Identities + 1))
                    _vsEvents.Add(_vsOrder.Accept(new Stop(name, 0, _now / 1000.0)));
    }

    // Into the trace and the run's counts, and through process p's virtual synchrony filter when
    // there is one (a primary regular configuration carries what the primary component algorithm
    // decided); each event the filter gives must be the next of its identity (GivenInOrder).
    private void Record(int p, EvsEvent e, PrimaryViewInfo? view)
    {
        _events.Add(e);
        switch (e)
        {
            case Send s: _sent[(int)s.Service]++; break;
            case Deliver d: _delivered[(int)d.Service]++; break;
            case DeliverConf c: _configurations.Add(c.Conf); break;
        }
        if (_filters[p] is { } filter) _vsEvents.AddRange(filter.Apply(new FilterInput(e, view)).Select(_vsOrder.Accept));
    }

    // The counts per service, as the summary gives them: a service nothing was counted for is left out.
    private static Dictionary<DeliveryService, long> Counts(long[] counts)
    {
        var byService = new Dictionary<DeliveryService, long>();
        foreach (var service in Enum.GetValues<DeliveryService>())
            if (counts[(int)service] > 0) byService[service] = counts[(int)service];
        return byService;
    }

    private static long Micro(double milliseconds) => (long)Math.Round(milliseconds * 1000);

    private static Scenario WithStopAt(Scenario scenario, double stopAt)
    {
        var steps = scenario.Steps.Where(s => s is not StopStep && s.At <= stopAt).ToImmutableArray();
        var stop = scenario.Stop with { At = Math.Max(stopAt, steps.IsEmpty ? 0 : steps[^1].At) };
        return scenario with { Steps = steps.Add(stop) };
    }
}
