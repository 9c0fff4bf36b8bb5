// The real network (the runtime driver): the virtual synchrony filter of the paper's Section 5 on a
// real process, as the simulator runs it (Simulation/Simulator.cs). The filter itself is
// Evs.Reference's, pure and shared; this class is what a real process adds around it: it feeds the
// filter the events the process traces, with the primary component's view information; it turns
// what comes out into events for the application and lines of the virtual synchrony trace; it
// says when sends must be refused (Rule 2), and why; and it carries the filter across the ends
// and restarts of the process, reading what it needs from the VS trace and from stable storage.
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Runtime;

/// <summary>
/// The virtual synchrony filter of one run of one process, driven by <see cref="NodeHost"/> from its
/// event loop.
/// <list type="bullet">
/// <item><b>Inputs.</b> <see cref="Apply"/> takes each EVS event the process records (send, deliver,
/// deliver_conf, fail), with the <see cref="PrimaryViewInfo"/> of a primary regular configuration, in
/// the process's order: exactly what the simulator gives the filter.</item>
/// <item><b>Outputs.</b> Every virtual synchrony event goes to the VS trace (docs/VS-TRACE.md), when
/// there is one; the application gets views (<see cref="ViewInstalledEvent"/>), deliveries in them
/// (<see cref="MessageDeliveredInViewEvent"/>, with the payload the EVS delivery carried, also for a
/// delivery Rule 1 held back and released later), and the changes of the blocked state
/// (<see cref="SendsBlockedEvent"/>, <see cref="SendsUnblockedEvent"/>).</item>
/// <item><b>Blocked sends.</b> <see cref="BlockedReason"/> is set while the filter is blocked (Rule 2),
/// readable from any thread, so that the host refuses a send before it reaches the protocol.</item>
/// <item><b>A restart is a new virtual synchrony process.</b> The filter of a new run starts blocked,
/// with no identity, as the simulator's does after fail_p(c). What the earlier runs left live must
/// end: <see cref="Begin"/> stops, at the index its events reached in the VS trace, every identity of
/// the process that has not stopped, and every identity stable storage says it was given (one
/// installed just before a kill -9 cut off its view line, or given in a primary never installed): a
/// restarted process is merged under a new one (Rule 4), so none of them can ever go on.</item>
/// <item><b>Identities never used.</b> At the end of a run (<see cref="EndRun"/>) the identifiers the
/// process was given in primary components it never installed are stopped, as the simulator's
/// <c>StopIdentitiesNeverUsed</c> does: the others may list them in their views. A stop is written
/// once per identity: one that an earlier run's end or restart wrote already is not written again.</item>
/// </list>
/// </summary>
internal sealed class VirtualSynchronyDriver : IDisposable
{
    private readonly ProcessId _process;
    private readonly VirtualSynchronyFilter _filter;
    private readonly VsNodeTrace? _trace;
    private readonly Dictionary<MessageId, MessageDelivered> _notYetShown = new();
    private string? _view;
    private string? _blockedReason;
    private bool _unflushed;

    /// <summary>The filter of process <paramref name="process"/>, writing to the VS trace <paramref name="tracePath"/> when given (opened here).</summary>
    /// <exception cref="InvalidDataException">The VS trace is not this process's.</exception>
    public VirtualSynchronyDriver(ProcessId process, string? tracePath)
    {
        _process = process;
        _filter = new VirtualSynchronyFilter(process);
        _trace = tracePath is null ? null : VsNodeTrace.Open(tracePath, process);
    }

    /// <summary>
    /// Refuses, before any file is opened, a VS trace this process cannot append to: one that is
    /// not a VS trace of its identities written by a real node, or one that holds events of an
    /// earlier run while the process starts with no stable state (<paramref name="storeHasState"/>
    /// false): its primary component history is lost with the store, so it would be given its old
    /// identities (<c>p</c> first) again, and a stopped identity would come back to life.
    /// </summary>
    /// <exception cref="InvalidDataException">Why the VS trace cannot be appended to.</exception>
    public static void RefuseUnusableTrace(ProcessId process, string tracePath, bool storeHasState)
    {
        long events = VsNodeTrace.EventCount(tracePath, process);
        if (events > 0 && !storeHasState)
            throw new InvalidDataException(
                $"{process} starts with no stable state, but the virtual synchrony trace {tracePath} holds {events} events of its identities from an earlier run: " +
                $"without its primary component history it would be given those identities again ({process.Name} first). Give it a new virtual synchrony trace file, or restore its store.");
    }

    /// <summary>The VS trace file, or null when none is written.</summary>
    public string? TracePath => _trace?.Path;

    /// <summary>Why sends are refused (Rule 2), or null while the process is in a primary view. Safe to read from any thread.</summary>
    public string? BlockedReason => Volatile.Read(ref _blockedReason);

    /// <summary>
    /// The start of a run: stops the identities the earlier runs left (see the class), and returns
    /// the application's first event: sends are blocked until the process is merged into a primary component.
    /// </summary>
    public SendsBlockedEvent Begin(PrimaryHistory? stored, double now)
    {
        if (_trace is { } trace)
        {
            var given = Enumerable.Range(1, stored?.Identities ?? 0).Select(j => PrimaryDecision.NameOf(_process, j));
            foreach (var name in trace.Identities.Concat(given).Distinct().Order(StringComparer.Ordinal).ToList())
                if (!trace.HasStopped(name)) Write(new Stop(name, trace.NextIndex(name), now));
            Flush();
        }
        var reason = Blocked($"{_process} has not been merged into a primary component since it started");
        return new SendsBlockedEvent(null, reason);
    }

    /// <summary>
    /// Feeds the filter <paramref name="recorded"/>, with <paramref name="view"/> for a primary
    /// regular configuration and, for a delivery, the node's output <paramref name="delivered"/> (its
    /// payload); writes the virtual synchrony events it produces to the VS trace (not flushed:
    /// <see cref="Flush"/>) and returns what the application sees of them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The primary view information contradicts the process's history (an upstream bug; the filter says which).</exception>
    public IReadOnlyList<EvsNodeEvent> Apply(EvsEvent recorded, PrimaryViewInfo? view, MessageDelivered? delivered = null)
    {
        if (delivered is not null) _notYetShown[delivered.Message] = delivered;
        var liveBefore = (_filter.State as FilterState.Live)?.Identity.Name;
        bool wasBlocked = _filter.Blocked;
        var events = new List<EvsNodeEvent>();
        string? stopped = null;
        foreach (var e in _filter.Apply(new FilterInput(recorded, view)))
        {
            if (e is Stop && _trace?.HasStopped(e.Process) == true) continue; // stopped by an earlier run's end or restart
            Write(e);
            switch (e)
            {
                case ViewChange v:
                    _view = v.View;
                    events.Add(new ViewInstalledEvent(v.View, v.Members, v.Process, ((DeliverConf)recorded).Conf));
                    break;
                case VsDeliver d:
                    events.Add(Shown(d));
                    break;
                case Stop s when s.Process == liveBefore:
                    stopped = s.Process;
                    break;
            }
        }
        // Outside a masked transitional configuration nothing is held (Rule 1): what was not shown is dropped.
        if (_filter.State is not FilterState.InTransitional) _notYetShown.Clear();
        if (_filter.Blocked && recorded is DeliverConf { Kind: ConfigurationKind.Regular } outside)
        {
            var reason = Blocked($"its configuration {outside.Conf} [{string.Join(", ", outside.Members)}] is not a primary component");
            if (!wasBlocked) events.Add(new SendsBlockedEvent(stopped, reason));
        }
        else if (_filter.Blocked && !wasBlocked)
        {
            events.Add(new SendsBlockedEvent(stopped, Blocked($"{_process} has failed")));
        }
        else if (!_filter.Blocked && wasBlocked)
        {
            Volatile.Write(ref _blockedReason, null);
            events.Add(new SendsUnblockedEvent(((FilterState.Live)_filter.State).Identity.Name, _view!));
        }
        return events;
    }

    /// <summary>
    /// The end of a run (the process stops, failing or not): the identifiers it was given in primary
    /// components it never installed are stopped (see the class), with <paramref name="history"/>,
    /// its primary component history as stable storage holds it.
    /// </summary>
    public void EndRun(PrimaryHistory history, double now)
    {
        if (_trace is not { } trace) return;
        foreach (var name in history.NamesNeverUsed(_process, history.Identities + 1))
            if (!trace.HasStopped(name)) Write(new Stop(name, trace.NextIndex(name), now));
        Flush();
    }

    /// <summary>Hands the VS trace lines written since the last flush to the operating system.</summary>
    public void Flush()
    {
        if (!_unflushed) return;
        _trace!.Flush();
        _unflushed = false;
    }

    /// <summary>Closes the VS trace; every line written is kept.</summary>
    public void Dispose() => _trace?.Dispose();

    // The full refusal for the detail of why the process is outside the primary component, set as the reason sends are refused.
    private string Blocked(string why)
    {
        var reason = $"{_process} is not in the primary component (Rule 2 of the virtual synchrony filter): {why}; sends are refused until it is merged into the primary component again";
        Volatile.Write(ref _blockedReason, reason);
        return reason;
    }

    private MessageDeliveredInViewEvent Shown(VsDeliver d)
    {
        if (!_notYetShown.Remove(d.Message, out var delivered))
            throw new InvalidOperationException($"the virtual synchrony filter of {_process} delivers {d.Message}, which the process did not deliver or has shown already");
        return new MessageDeliveredInViewEvent(d.Message, delivered.Originator, _view!, d.Service, delivered.Payload);
    }

    private void Write(VsEvent e)
    {
        if (_trace is null) return;
        _trace.Write(e);
        _unflushed = true;
    }
}
