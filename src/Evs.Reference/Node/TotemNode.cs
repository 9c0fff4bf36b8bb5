// The node: the composition of the parts of the paper's algorithm behind the sans-IO
// contract. Here, Step 1 (Totem ordering in a regular configuration) in a ring formed by the
// driver; membership and the recovery steps 2-6 plug in beside it.
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Reference.Storage;

namespace Evs.Reference.Node;

/// <summary>
/// One process of the extended virtual synchrony protocol over a Totem ring. It queues the
/// application's messages, runs <see cref="RegularDelivery"/> (step 1) in its regular
/// configuration and reports every send, delivery and configuration change as an output.
/// </summary>
public sealed class TotemNode : IProtocolNode
{
    private readonly IStableStorage _storage;
    private readonly TotemSettings _settings;
    private readonly Queue<PendingMessage> _pending = new();
    private RegularDelivery? _regular;

    /// <summary>A node of process <paramref name="id"/> with its stable storage.</summary>
    public TotemNode(ProcessId id, IStableStorage storage, TotemSettings? settings = null)
    {
        Id = id;
        _storage = storage;
        _settings = settings ?? TotemSettings.Default;
    }

    /// <inheritdoc/>
    public ProcessId Id { get; }

    /// <summary>The step-1 state of the current regular configuration, or null before the first.</summary>
    public RegularDelivery? Regular => _regular;

    /// <summary>Messages the application gave that are not yet originated.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Packets that belong to no ring this node is in (counted, then dropped).</summary>
    public long ForeignPackets { get; private set; }

    /// <inheritdoc/>
    public IReadOnlyList<NodeOutput> Handle(NodeInput input)
    {
        var outputs = new List<NodeOutput>();
        switch (input)
        {
            case StartInRing start:
                Install(start, outputs);
                break;
            case SendRequested send:
                _pending.Enqueue(new PendingMessage(send.Payload, send.Service));
                break;
            case PacketArrived { Packet: var packet } when _regular is null || packet.Ring != _regular.Ring:
                ForeignPackets++;
                break;
            case PacketArrived { Packet: Token token }:
                if (_regular!.AcceptToken(token, outputs)) _regular.ForwardToken(token, _pending, outputs);
                break;
            case PacketArrived { Packet: RingMessage message }:
                _regular!.OnMessage(message, outputs);
                break;
            case TimerExpired { Timer: TimerKind.TokenRetransmit }:
                _regular?.OnTokenRetransmitTimeout(outputs);
                break;
            default:
                throw new ArgumentException($"{Id}: unexpected input {input}", nameof(input));
        }
        return outputs;
    }

    private void Install(StartInRing start, List<NodeOutput> outputs)
    {
        var configuration = Configuration.Regular(start.Ring, start.Members);
        if (!configuration.Contains(Id))
            throw new ArgumentException($"{Id} is not a member of {configuration.Id}", nameof(start));
        long highest = Math.Max(_storage.Load()?.HighestRingSequence ?? 0, start.Ring.Sequence);
        _storage.Save(new StableState(highest));
        _regular = new RegularDelivery(Id, start.Ring, configuration, _settings);
        outputs.Add(new ConfigurationDelivered(configuration));
        if (start.Ring.Representative == Id) _regular.StartFirstRotation(_pending, outputs);
    }
}
