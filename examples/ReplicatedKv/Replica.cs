// One replica of the key-value store: a member of the group "kv" on an Evs.Runtime node. It sends
// every write to the group as a safe message and applies what the group delivers, in the order it
// delivers it; after every regular view of the group it sends its whole map, so that the sides of a
// partition, or a replica that restarted empty, end with the same map (KeyValueStore says how).
//
// Why safe messages: a write delivered in a regular view is then known to every member of that
// view (Specification 7.2 per group), so a replica that answers "applied" never answers for a
// write that a surviving member lacks.
using Evs.Reference.Model;
using Evs.Runtime;

namespace ReplicatedKv;

/// <summary>The store of one replica and what drives it from its node's group events.</summary>
public sealed class Replica : IDisposable
{
    /// <summary>The group every replica joins.</summary>
    public const string GroupName = "kv";

    private readonly KeyValueStore _store = new();
    private readonly object _gate = new();
    private readonly TextWriter _output;
    private readonly IDisposable _subscription;
    private NamedGroup? _group;
    private long _clock; // the Lamport clock: the highest clock seen, in a write delivered or merged, or stamped here
    private GroupView? _view;

    private Replica(EvsNode node, TextWriter output)
    {
        _output = output;
        // Handlers run one at a time, in order, on the node's dispatcher, never inside this
        // replica's own calls to the node (EvsNode's threading contract); the lock is for the
        // commands that read the store from the console.
        _subscription = node.OnEvent(OnEvent);
    }

    /// <summary>Starts a replica on <paramref name="node"/>: subscribes, then joins the group.</summary>
    public static async Task<Replica> StartAsync(EvsNode node, TextWriter output, CancellationToken cancellationToken = default)
    {
        var replica = new Replica(node, output);
        replica._group = await node.JoinAsync(GroupName, cancellationToken).ConfigureAwait(false);
        return replica;
    }

    /// <summary>Sends a write to the group; returns the receipt of the message that carries it.</summary>
    public Task<SendReceipt> SetAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        long clock;
        lock (_gate) clock = ++_clock;
        return Group.SendAsync(new Set(key, value, clock).Encode(), DeliveryService.Safe, cancellationToken);
    }

    /// <summary>The value of <paramref name="key"/> here.</summary>
    public string? Get(string key)
    {
        lock (_gate) return _store.Get(key);
    }

    /// <summary>The digest of this replica's map, the number of keys, and the group view it is in.</summary>
    public (string Digest, int Keys, GroupView? View) Describe()
    {
        lock (_gate) return (_store.Digest(), _store.Count, _view);
    }

    private NamedGroup Group => _group ?? throw new InvalidOperationException("the replica has not joined its group yet");

    private void OnEvent(EvsNodeEvent e)
    {
        switch (e)
        {
            case GroupViewChangedEvent { View.Group: GroupName } changed:
                OnView(changed.View);
                break;
            case GroupMessageDeliveredEvent { Group: GroupName } delivered:
                OnDelivered(delivered);
                break;
        }
    }

    private void OnView(GroupView view)
    {
        KeyValuePair<string, Entry>[] map;
        lock (_gate)
        {
            _view = view;
            map = [.. _store.Entries];
        }
        Print($"view {view.Id} {view.Kind.ToString().ToLowerInvariant()} [{string.Join(",", view.Members)}] cause={view.Cause}");
        if (view.Kind != ConfigurationKind.Regular || _group is null) return;
        // Every member sends its map in every regular view: whoever was apart, or restarted empty,
        // gets what the others hold. A view that changes again before the maps are delivered
        // is followed by another regular view, which sends them again.
        _ = SendMapAsync(map);
    }

    private async Task SendMapAsync(KeyValuePair<string, Entry>[] map)
    {
        try
        {
            await Group.SendAsync(new Map(map).Encode(), DeliveryService.Safe).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or OperationCanceledException)
        {
            Print($"map not sent: {e.Message}");
        }
    }

    private void OnDelivered(GroupMessageDeliveredEvent delivered)
    {
        var command = Command.Decode(delivered.Payload);
        lock (_gate)
        {
            switch (command)
            {
                case Set set:
                    _store.Apply(set.Key, new Entry(set.Value, new WriteVersion(set.Clock, delivered.Sender.Name, delivered.Message.Counter ?? 0)));
                    break;
                case Map map:
                    _store.Merge(map.Entries);
                    break;
                default:
                    Print($"ignored a message of {delivered.Sender} that is not a command");
                    return;
            }
        }
        lock (_gate) _clock = Math.Max(_clock, _store.Clock);
        if (command is Set applied) Print($"applied {applied.Key}={applied.Value} {delivered.Message}");
    }

    private void Print(string line)
    {
        lock (_output) _output.WriteLine(line);
    }

    /// <inheritdoc/>
    public void Dispose() => _subscription.Dispose();
}
