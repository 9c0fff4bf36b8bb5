// A ring played by hand for the group layer's unit tests: each process's GroupLayer fed the four
// events of the paper's model as a ring with extended virtual synchrony would give them, with no
// network and no timing. The test decides when the ring sends (Settle), what is still in flight
// when the configuration changes (SendOnly), and how the processes split and merge (Form), so that
// each rule of the layer can be driven to the exact case it is about.
using System.Collections.Immutable;
using Evs.Reference.Groups;
using Evs.Reference.Model;

namespace SpecTests.Groups;

/// <summary>The group layers of a few processes over a ring played by hand.</summary>
public sealed class HandRing
{
    private readonly SortedDictionary<ProcessId, GroupLayer> _layers = new(ProcessId.Ordinal);
    private readonly Dictionary<ProcessId, Queue<RingSendRequested>> _handed = [];
    private readonly Dictionary<ProcessId, Configuration> _ring = [];
    private readonly List<(ProcessId Sender, MessageId Message, RingSendRequested Request)> _inFlight = [];
    private readonly Dictionary<ProcessId, long> _counter = [];
    private long _ringSequence;
    private long _tickets;

    /// <summary>Processes <paramref name="processes"/>, all in one first ring.</summary>
    public HandRing(params string[] processes)
    {
        foreach (var name in processes)
        {
            var p = new ProcessId(name);
            _layers[p] = new GroupLayer(p);
            _handed[p] = new Queue<RingSendRequested>();
            Outputs[p] = [];
        }
        Form([processes]);
    }

    /// <summary>Everything each process's layer has said, in order.</summary>
    public Dictionary<ProcessId, List<GroupOutput>> Outputs { get; } = [];

    /// <summary>The layer of <paramref name="process"/>.</summary>
    public GroupLayer Layer(string process) => _layers[new ProcessId(process)];

    /// <summary>The outputs of <paramref name="process"/> of type <typeparamref name="T"/>.</summary>
    public List<T> Of<T>(string process) where T : GroupOutput => [.. Outputs[new ProcessId(process)].OfType<T>()];

    /// <summary>The group views <paramref name="process"/> installed in <paramref name="group"/>, by name.</summary>
    public List<string> ViewsOf(string process, string group) =>
        [.. Of<GroupViewInstalled>(process).Where(v => v.Group == group).Select(v => v.View.Id.Name)];

    /// <summary>The application of <paramref name="process"/> asks to join <paramref name="group"/>; its ticket.</summary>
    public long Join(string process, string group) => Ask(process, t => new GroupJoinRequested(group, t));

    /// <summary>The application of <paramref name="process"/> asks to leave <paramref name="group"/>; its ticket.</summary>
    public long Leave(string process, string group) => Ask(process, t => new GroupLeaveRequested(group, t));

    /// <summary>The application of <paramref name="process"/> sends <paramref name="text"/> to <paramref name="group"/>; its ticket.</summary>
    public long Send(string process, string group, string text, DeliveryService service = DeliveryService.Agreed) =>
        Ask(process, t => new GroupSendRequested(group, System.Text.Encoding.UTF8.GetBytes(text), service, t));

    /// <summary><paramref name="process"/> fails (or stops).</summary>
    public void Crash(string process) => Feed(new ProcessId(process), new RingFailed());

    /// <summary>
    /// The ring sends every message handed to it and delivers each to the members of its sender's
    /// ring, one at a time in one total order (the first process with something to send goes first),
    /// until nothing more is handed over.
    /// </summary>
    public void Settle()
    {
        while (_handed.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key).Order(ProcessId.Ordinal).FirstOrDefault() is { Name: not null } p)
            SendAndDeliver(p);
    }

    /// <summary>The ring sends the oldest message <paramref name="process"/> handed over, and every member of its ring delivers it.</summary>
    public void Step(string process) => SendAndDeliver(new ProcessId(process));

    private void SendAndDeliver(ProcessId p)
    {
        var (message, request) = SendOne(p, _handed[p]);
        foreach (var q in _ring[p].Members) Feed(q, new RingMessageDelivered(message, p, request.Service, GroupEnvelope.TryDecode(request.Payload)));
    }

    /// <summary>The ring sends what <paramref name="process"/> handed over, but nobody delivers it before the next <see cref="Form"/>.</summary>
    public void SendOnly(string process)
    {
        var p = new ProcessId(process);
        while (_handed[p].Count > 0)
        {
            var (message, request) = SendOne(p, _handed[p]);
            _inFlight.Add((p, message, request));
        }
    }

    /// <summary>
    /// The processes of each of <paramref name="components"/> form a new ring: each first installs
    /// the transitional configuration of those it comes with from its old ring, delivers in it the
    /// messages still in flight from its old ring, then installs the new ring's regular configuration.
    /// </summary>
    public void Form(params string[][] components)
    {
        foreach (var component in components)
        {
            var members = component.Select(n => new ProcessId(n)).Order(ProcessId.Ordinal).ToImmutableArray();
            var ring = new RingId(++_ringSequence, members[0]);
            foreach (var p in members)
            {
                if (_ring.TryGetValue(p, out var old))
                {
                    var stay = old.Members.Where(members.Contains);
                    Feed(p, new RingConfigurationInstalled(Configuration.Transitional(ring, old.Id, stay)));
                    foreach (var (sender, message, request) in _inFlight.Where(f => old.Contains(f.Sender)))
                        Feed(p, new RingMessageDelivered(message, sender, request.Service, GroupEnvelope.TryDecode(request.Payload)));
                }
            }
            foreach (var p in members) _ring[p] = Configuration.Regular(ring, members);
            foreach (var p in members) Feed(p, new RingConfigurationInstalled(_ring[p]));
        }
        _inFlight.Clear();
    }

    private (MessageId, RingSendRequested) SendOne(ProcessId p, Queue<RingSendRequested> queue)
    {
        var request = queue.Dequeue();
        long counter = _counter[p] = _counter.GetValueOrDefault(p) + 1;
        var message = MessageId.Of(p, _ringSequence, counter);
        Feed(p, new RingMessageSent(message, request.Service, GroupEnvelope.TryDecode(request.Payload)));
        return (message, request);
    }

    private long Ask(string process, Func<long, GroupInput> request)
    {
        long ticket = ++_tickets;
        Feed(new ProcessId(process), request(ticket));
        return ticket;
    }

    private void Feed(ProcessId p, GroupInput input)
    {
        var outputs = new List<GroupOutput>();
        _layers[p].Handle(input, outputs);
        Outputs[p].AddRange(outputs);
        foreach (var send in outputs.OfType<RingSendRequested>()) _handed[p].Enqueue(send);
    }
}
