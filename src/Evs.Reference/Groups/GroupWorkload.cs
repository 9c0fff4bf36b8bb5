// Named groups in the simulator: every process runs a GroupLayer over the simulated ring, and a
// seeded application joins, leaves, rejoins and sends to a few groups with all three services, so
// that properties can judge each group's history (GroupHistories) under random fault schedules.
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Simulation;

namespace Evs.Reference.Groups;

/// <summary>
/// A simulated application per process over a <see cref="GroupLayer"/>: at each traffic tick it
/// picks one of <paramref name="groups"/> and, by its own seeded draw, joins it when out, or else
/// mostly sends to it (causal, agreed or safe) and sometimes leaves it. Deterministic for a seed.
/// </summary>
public sealed class GroupWorkload(IReadOnlyList<string> groups, long seed, double leaveChance = 0.08) : ISimulatedApplication
{
    private readonly DeterministicRandom _random = new(seed);
    private readonly Dictionary<ProcessId, GroupLayer> _layers = [];
    private readonly List<GroupOutput> _outputs = [];
    private readonly Dictionary<long, GroupInput> _open = [];
    private readonly List<string> _mismatches = [];
    private long _tickets;

    /// <summary>The requests that have not come to an end (sent, lost, joined or left), by ticket.</summary>
    public IReadOnlyDictionary<long, GroupInput> Open => _open;

    /// <summary>Every end of a request that was not open, or not of the request's kind: none, if the layer keeps its tickets.</summary>
    public IReadOnlyList<string> Mismatches => _mismatches;

    /// <summary>The group layer of <paramref name="process"/>, made at its first use.</summary>
    public GroupLayer LayerOf(ProcessId process)
    {
        if (!_layers.TryGetValue(process, out var layer)) _layers[process] = layer = new GroupLayer(process);
        return layer;
    }

    /// <inheritdoc/>
    public void Observe(ProcessId process, NodeOutput output, List<SendRequested> sends)
    {
        if (GroupInput.From(output) is { } input) Handle(process, input, sends);
    }

    /// <inheritdoc/>
    public void Tick(ProcessId process, List<SendRequested> sends)
    {
        string group = groups[(int)_random.Below(groups.Count)];
        var layer = LayerOf(process);
        GroupInput request = layer.AskedOf(group) switch
        {
            GroupMembership.Out => new GroupJoinRequested(group, ++_tickets),
            _ when _random.Chance(leaveChance) => new GroupLeaveRequested(group, ++_tickets),
            _ => new GroupSendRequested(group, System.Text.Encoding.UTF8.GetBytes($"{process}:{group}:{++_tickets}"), (DeliveryService)_random.Below(3), _tickets),
        };
        Handle(process, request, sends);
    }

    /// <inheritdoc/>
    public void Crashed(ProcessId process) => Handle(process, new RingFailed(), []);

    private void Handle(ProcessId process, GroupInput input, List<SendRequested> sends)
    {
        _outputs.Clear();
        if (TicketOf(input) is { } asked) _open[asked] = input;
        LayerOf(process).Handle(input, _outputs);
        foreach (var output in _outputs)
        {
            if (output is RingSendRequested ring) sends.Add(new SendRequested(ring.Payload, ring.Service));
            if (EndOf(output) is var (ticket, fits)) End(process, ticket, fits, output);
        }
    }

    private static long? TicketOf(GroupInput input) => input switch
    {
        GroupJoinRequested j => j.Ticket,
        GroupLeaveRequested l => l.Ticket,
        GroupSendRequested s => s.Ticket,
        _ => null,
    };

    // A request's end, and whether it is an end for a request of that kind.
    private static (long Ticket, Func<GroupInput, bool> Fits)? EndOf(GroupOutput output) => output switch
    {
        GroupMessageSent s => (s.Ticket, r => r is GroupSendRequested),
        GroupSendLost l => (l.Ticket, r => r is GroupSendRequested),
        GroupJoined j => (j.Ticket, r => r is GroupJoinRequested),
        GroupLeft l => (l.Ticket, r => r is GroupLeaveRequested),
        GroupRequestLost { Kind: GroupRequestKind.Join } l => (l.Ticket, r => r is GroupJoinRequested),
        GroupRequestLost l => (l.Ticket, r => r is GroupLeaveRequested),
        _ => null,
    };

    private void End(ProcessId process, long ticket, Func<GroupInput, bool> fits, GroupOutput end)
    {
        if (_open.Remove(ticket, out var request) && fits(request)) return;
        _mismatches.Add($"{process}: {end} ends {(request is null ? "no open request" : request.ToString())}");
    }
}
