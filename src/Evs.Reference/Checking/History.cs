// Section 2: "A history H is a set of events" of four kinds. A trace lists them in any
// interleaving; every specification asks questions like "the events of p in order", "every
// delivery of m", "every deliver_conf of c", "reg_p(c)". This file answers them once, with
// dense integer indices and flat arrays, so that a million events are checked in seconds.
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking;

/// <summary>
/// A trace indexed for checking. Events are numbered 0..N-1 after sorting by (process, index),
/// so the events of one process are a contiguous run in local order (Specification 1.2) and
/// an event's number doubles as its position in that order. Messages and configurations are
/// numbered too; per message and per configuration the relevant events are listed in event order.
/// </summary>
internal sealed class History : NumberedEvents<EvsEvent, ProcessId>
{
    /// <summary>Whether the run ended settled (docs/TRACE.md), so its end may be judged.</summary>
    public bool Quiescent { get; }

    /// <summary>For each event, the number of its configuration (the c of the paper's notation).</summary>
    public int[] ConfigOf { get; }

    /// <summary>For each send or deliver event, the number of its message; -1 for the others.</summary>
    public int[] MessageOf { get; }

    /// <summary>The configurations, by number.</summary>
    public ConfigurationId[] Configurations { get; }

    /// <summary>For each configuration, its first deliver_conf (kind, members, reg), or null if none was delivered.</summary>
    public DeliverConf?[] Declaration { get; }

    /// <summary>For each configuration c, the number of reg(c): c itself unless it is transitional.</summary>
    public int[] RegularOf { get; }

    /// <summary>The messages, by number.</summary>
    public MessageId[] Messages { get; }

    /// <summary>For each message, its first send event, or -1 when it was never sent.</summary>
    public int[] SendOf { get; }

    private readonly int[] _deliveryStart, _deliveries, _confChangeStart, _confChanges;

    /// <summary>Indexes <paramref name="trace"/>.</summary>
    public History(Trace trace)
        : base(trace.Events, e => e.Process, e => e.Index, Comparer<ProcessId>.Default, EqualityComparer<ProcessId>.Default)
    {
        Quiescent = trace.Header.Quiescent;
        int n = Events.Length;

        var configNumbers = new Dictionary<ConfigurationId, int>();
        var configs = new List<ConfigurationId>();
        int ConfigNumber(ConfigurationId c)
        {
            if (configNumbers.TryGetValue(c, out int k)) return k;
            configNumbers[c] = configs.Count;
            configs.Add(c);
            return configs.Count - 1;
        }
        var messageNumbers = new Dictionary<MessageId, int>();
        var messages = new List<MessageId>();
        ConfigOf = new int[n];
        MessageOf = new int[n];
        for (int e = 0; e < n; e++)
        {
            ConfigOf[e] = ConfigNumber(Events[e].Configuration);
            // reg(c) may name a configuration this trace never shows otherwise; number it now.
            if (Events[e] is DeliverConf { PreviousRegular: { } reg }) ConfigNumber(reg);
            MessageOf[e] = -1;
            MessageId? m = Events[e] switch { Send s => s.Message, Deliver d => d.Message, _ => null };
            if (m is not { } id) continue;
            if (!messageNumbers.TryGetValue(id, out int k))
            {
                k = messages.Count;
                messageNumbers[id] = k;
                messages.Add(id);
            }
            MessageOf[e] = k;
        }
        Configurations = configs.ToArray();
        Messages = messages.ToArray();

        Declaration = new DeliverConf?[Configurations.Length];
        for (int e = 0; e < n; e++)
            if (Events[e] is DeliverConf dc) Declaration[ConfigOf[e]] ??= dc;
        RegularOf = new int[Configurations.Length];
        for (int c = 0; c < RegularOf.Length; c++)
            RegularOf[c] = Declaration[c] is { Kind: ConfigurationKind.Transitional, PreviousRegular: { } reg } ? configNumbers[reg] : c;

        SendOf = new int[Messages.Length];
        Array.Fill(SendOf, -1);
        for (int e = 0; e < n; e++)
        {
            if (Events[e] is not Send) continue;
            int m = MessageOf[e];
            if (SendOf[m] < 0) SendOf[m] = e;
        }
        (_deliveryStart, _deliveries) = Bucket(Messages.Length, e => Events[e] is Deliver ? MessageOf[e] : -1);
        (_confChangeStart, _confChanges) = Bucket(Configurations.Length, e => Events[e] is DeliverConf ? ConfigOf[e] : -1);
    }

    /// <summary>The deliver events of message m, in event order (so grouped by process, each in local order).</summary>
    public ReadOnlySpan<int> DeliveriesOf(int m) => _deliveries.AsSpan(_deliveryStart[m], _deliveryStart[m + 1] - _deliveryStart[m]);

    /// <summary>The deliver_conf events of configuration c, in event order.</summary>
    public ReadOnlySpan<int> ConfChangesOf(int c) => _confChanges.AsSpan(_confChangeStart[c], _confChangeStart[c + 1] - _confChangeStart[c]);

    /// <summary>Whether configuration c was declared transitional by a deliver_conf.</summary>
    public bool IsTransitional(int c) => Declaration[c]?.Kind == ConfigurationKind.Transitional;

    /// <summary>The members of configuration c as its first deliver_conf states them (none if never delivered).</summary>
    public IEnumerable<ProcessId> MembersOf(int c) => Declaration[c]?.Members ?? [];

    /// <summary>How a report names event e.</summary>
    public EventRef Ref(int e) => EventRef.Of(Events[e]);

    /// <summary>The name of event e's configuration.</summary>
    public ConfigurationId ConfigName(int e) => Configurations[ConfigOf[e]];
}
