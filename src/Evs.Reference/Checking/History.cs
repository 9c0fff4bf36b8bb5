// Section 2: "A history H is a set of events" of four kinds. A trace lists them in any
// interleaving; every specification asks questions like "the events of p in order", "every
// delivery of m", "every deliver_conf of c", "reg_p(c)". This file answers them once, with
// dense integer indices and flat arrays over a CompactTrace's columns, so that a million events
// are checked in about a second.
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Reference.Checking;

/// <summary>
/// A trace indexed for checking. Events are numbered 0..N-1 after sorting by (process, index),
/// so the events of one process are a contiguous run in local order (Specification 1.2) and
/// an event's number doubles as its position in that order. Messages and configurations are
/// numbered too; per message and per configuration the relevant events are listed in event order.
/// </summary>
internal sealed class History
{
    private readonly CompactTrace _trace;
    private readonly Dictionary<ProcessId, int> _processNumber = [];
    private readonly int[] _deliveryStart, _deliveries, _confChangeStart, _confChanges;

    /// <summary>Indexes <paramref name="trace"/>.</summary>
    public History(CompactTrace trace)
    {
        _trace = trace;
        int n = trace.Count;
        for (int p = 0; p < Processes.Length; p++) _processNumber[Processes[p]] = p;
        ProcessStart = new int[Processes.Length + 1];
        for (int e = 0; e < n; e++) ProcessStart[ProcessOf[e] + 1]++;
        for (int p = 0; p < Processes.Length; p++) ProcessStart[p + 1] += ProcessStart[p];

        Declaration = new DeliverConf?[Configurations.Length];
        for (int e = 0; e < n; e++)
            if (Kind[e] == EventKind.DeliverConf) Declaration[ConfigOf[e]] ??= ConfChange(e);
        var configNumbers = new Dictionary<ConfigurationId, int>();
        for (int c = 0; c < Configurations.Length; c++) configNumbers[Configurations[c]] = c;
        RegularOf = new int[Configurations.Length];
        for (int c = 0; c < RegularOf.Length; c++)
            RegularOf[c] = Declaration[c] is { Kind: ConfigurationKind.Transitional, PreviousRegular: { } reg } ? configNumbers[reg] : c;

        SendOf = new int[Messages.Length];
        Array.Fill(SendOf, -1);
        for (int e = 0; e < n; e++)
            if (Kind[e] == EventKind.Send && SendOf[MessageOf[e]] < 0) SendOf[MessageOf[e]] = e;
        (_deliveryStart, _deliveries) = Buckets.Of(n, Messages.Length, e => Kind[e] == EventKind.Deliver ? MessageOf[e] : -1);
        (_confChangeStart, _confChanges) = Buckets.Of(n, Configurations.Length, e => Kind[e] == EventKind.DeliverConf ? ConfigOf[e] : -1);
    }

    /// <summary>Whether the run ended settled (docs/TRACE.md), so its end may be judged.</summary>
    public bool Quiescent => _trace.Header.Quiescent;

    /// <summary>The number of events.</summary>
    public int Count => _trace.Count;

    /// <summary>The processes that have events, in ordinal order of their names.</summary>
    public ProcessId[] Processes => _trace.Processes;

    /// <summary>For each event, the number of its process.</summary>
    public int[] ProcessOf => _trace.ProcessOf;

    /// <summary>The events of process k are <c>ProcessStart[k] .. ProcessStart[k+1]-1</c>.</summary>
    public int[] ProcessStart { get; }

    /// <summary>For each event, its index in its process's local order.</summary>
    public long[] Index => _trace.Index;

    /// <summary>For each event, its kind.</summary>
    public EventKind[] Kind => _trace.Kind;

    /// <summary>For each event, the number of its configuration (the c of the paper's notation).</summary>
    public int[] ConfigOf => _trace.ConfigOf;

    /// <summary>For each send or deliver event, the number of its message; -1 for the others.</summary>
    public int[] MessageOf => _trace.MessageOf;

    /// <summary>For each send or deliver event, its delivery service.</summary>
    public DeliveryService[] Service => _trace.Service;

    /// <summary>For each send or deliver event with a payload digest, the digest's number in <see cref="Digests"/>; -1 otherwise.</summary>
    public int[] DigestOf => _trace.DigestOf;

    /// <summary>The configurations, by number.</summary>
    public ConfigurationId[] Configurations => _trace.Configurations;

    /// <summary>The messages, by number.</summary>
    public MessageId[] Messages => _trace.Messages;

    /// <summary>The payload digests, by number.</summary>
    public string[] Digests => _trace.Digests;

    /// <summary>For each configuration, its first deliver_conf (kind, members, reg), or null if none was delivered.</summary>
    public DeliverConf?[] Declaration { get; }

    /// <summary>For each configuration c, the number of reg(c): c itself unless it is transitional.</summary>
    public int[] RegularOf { get; }

    /// <summary>For each message, its first send event, or -1 when it was never sent.</summary>
    public int[] SendOf { get; }

    /// <summary>The deliver_conf event e (<see cref="Kind"/> says it is one), with its members, kind, reg and primary.</summary>
    public DeliverConf ConfChange(int e) => _trace.ConfChanges[e];

    /// <summary>The number of process <paramref name="process"/>, or -1 when it has no event.</summary>
    public int ProcessNumber(ProcessId process) => _processNumber.TryGetValue(process, out int k) ? k : -1;

    /// <summary>The process of event e.</summary>
    public ProcessId ProcessName(int e) => Processes[ProcessOf[e]];

    /// <summary>The deliver events of message m, in event order (so grouped by process, each in local order).</summary>
    public ReadOnlySpan<int> DeliveriesOf(int m) => _deliveries.AsSpan(_deliveryStart[m], _deliveryStart[m + 1] - _deliveryStart[m]);

    /// <summary>The deliver_conf events of configuration c, in event order.</summary>
    public ReadOnlySpan<int> ConfChangesOf(int c) => _confChanges.AsSpan(_confChangeStart[c], _confChangeStart[c + 1] - _confChangeStart[c]);

    /// <summary>Whether configuration c was declared transitional by a deliver_conf.</summary>
    public bool IsTransitional(int c) => Declaration[c]?.Kind == ConfigurationKind.Transitional;

    /// <summary>The members of configuration c as its first deliver_conf states them (none if never delivered).</summary>
    public IEnumerable<ProcessId> MembersOf(int c) => Declaration[c]?.Members ?? [];

    /// <summary>How a report names event e.</summary>
    public EventRef Ref(int e) => new(ProcessName(e), Index[e]);

    /// <summary>The name of event e's configuration.</summary>
    public ConfigurationId ConfigName(int e) => Configurations[ConfigOf[e]];

    /// <summary>The message of send or deliver event e.</summary>
    public MessageId MessageName(int e) => Messages[MessageOf[e]];
}
