// docs/TRACE.md, held compactly. Of each event the specification checker reads only its process,
// index, kind, configuration, message, service and payload digest: a few numbers. An EvsTrace holds an
// object per event with strings in it, and reading a file into one holds the whole file in memory
// first; at a million events the two took most of `evs check`'s time and memory. This file keeps a
// history as columns of numbers, one entry per event, each name stored once, and reads trace files
// into them line by line, so that `evs check` judges a million events in under two seconds and
// 300 MB (docs/CHECKER-SPEED.md). An EvsTrace becomes the same columns, so both are judged by one checker.
using System.Runtime.InteropServices;
using Evs.Reference.Model;

namespace Evs.Reference.Tracing;

/// <summary>The four kinds of event of the paper's Section 2, as a column of a <see cref="CompactTrace"/> stores them.</summary>
internal enum EventKind : byte
{
    /// <summary>deliver_conf_p(c).</summary>
    DeliverConf,

    /// <summary>send_p(m, c).</summary>
    Send,

    /// <summary>deliver_p(m, c).</summary>
    Deliver,

    /// <summary>fail_p(c).</summary>
    Fail,
}

/// <summary>
/// A whole history as columns: event e (0..<see cref="Count"/>-1, sorted by process and then index,
/// so the events of one process are a contiguous run in local order) has its process, index, kind,
/// configuration, message, service and digest at position e of each column. Processes,
/// configurations and messages are numbered in the order the sorted events first name them, and
/// each name is stored once. Build one from an <see cref="EvsTrace"/> or from trace files with a <see cref="Builder"/>.
/// </summary>
public sealed class CompactTrace
{
    /// <summary>The header of the history (of its first file; quiescent only when every file is).</summary>
    public TraceHeader Header { get; }

    /// <summary>The number of events.</summary>
    public int Count => ProcessOf.Length;

    /// <summary>
    /// Whether a send or deliver carries a group tag (docs/TRACE.md, "Groups"): only then is there a
    /// group to judge, and only then does a checker read the history again, whole, to project it.
    /// </summary>
    public bool HasGroupTags { get; private init; }

    /// <summary>The processes that have events, in ordinal order of their names.</summary>
    internal ProcessId[] Processes { get; }

    /// <summary>For each event, the number of its process.</summary>
    internal int[] ProcessOf { get; }

    /// <summary>For each event, its index in its process's local order (the trace's <c>i</c>).</summary>
    internal long[] Index { get; }

    /// <summary>For each event, its kind.</summary>
    internal EventKind[] Kind { get; }

    /// <summary>For each event, the number of its configuration (the c of the paper's notation).</summary>
    internal int[] ConfigOf { get; }

    /// <summary>For each send or deliver event, the number of its message; -1 for the others.</summary>
    internal int[] MessageOf { get; }

    /// <summary>For each send or deliver event, its delivery service (Causal for the others).</summary>
    internal DeliveryService[] Service { get; }

    /// <summary>For each send or deliver event with a payload digest, the digest's number in <see cref="Digests"/>; -1 otherwise.</summary>
    internal int[] DigestOf { get; }

    /// <summary>The configurations by number: those of the events, and the reg of each transitional deliver_conf.</summary>
    internal ConfigurationId[] Configurations { get; }

    /// <summary>The messages by number.</summary>
    internal MessageId[] Messages { get; }

    /// <summary>The payload digests by number, each once.</summary>
    internal string[] Digests { get; }

    /// <summary>The deliver_conf events, which carry more than numbers (members, kind, reg, primary), by event.</summary>
    internal Dictionary<int, DeliverConf> ConfChanges { get; }

    private CompactTrace(TraceHeader header, ProcessId[] processes, int[] processOf, long[] index, EventKind[] kind,
        int[] configOf, int[] messageOf, DeliveryService[] service, int[] digestOf,
        ConfigurationId[] configurations, MessageId[] messages, string[] digests, Dictionary<int, DeliverConf> confChanges)
    {
        Header = header;
        Processes = processes;
        ProcessOf = processOf;
        Index = index;
        Kind = kind;
        ConfigOf = configOf;
        MessageOf = messageOf;
        Service = service;
        DigestOf = digestOf;
        Configurations = configurations;
        Messages = messages;
        Digests = digests;
        ConfChanges = confChanges;
    }

    /// <summary>The history of <paramref name="trace"/>, compactly.</summary>
    public static CompactTrace Of(EvsTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var builder = new Builder();
        builder.Add(trace);
        return builder.Build();
    }

    /// <summary>
    /// Collects the events of one or more traces, in any order, as one history (as
    /// <see cref="EvsTrace.Combine"/> joins traces: the first header is kept, and the history is quiescent
    /// only if every part is), then sorts and numbers them once in <see cref="Build"/>.
    /// </summary>
    public sealed class Builder : IEventLineSink
    {
        // The events as they come, in columns; names numbered in the order they come.
        private readonly List<int> _process = [];
        private readonly List<long> _index = [];
        private readonly List<EventKind> _kind = [];
        private readonly List<int> _config = [];
        private readonly List<int> _message = [];
        private readonly List<DeliveryService> _service = [];
        private readonly List<int> _digest = [];
        private readonly Names _processNames = new(), _configNames = new(), _messageNames = new(), _digestNames = new();
        private readonly Dictionary<int, DeliverConf> _confChanges = []; // by the position the event came in
        private TraceHeader? _header;
        private bool _built;
        private bool _hasGroupTags;

        /// <summary>Adds a whole trace: its header and its events.</summary>
        public void Add(EvsTrace trace)
        {
            ArgumentNullException.ThrowIfNull(trace);
            AddHeader(trace.Header);
            foreach (var e in trace.Events) Add(e);
        }

        /// <summary>
        /// Reads one trace file from <paramref name="utf8"/> and adds it, line by line (never holding the
        /// file whole), with every check <see cref="TraceReader"/> makes; <paramref name="source"/> names it in errors.
        /// </summary>
        /// <exception cref="TraceFormatException">A line is not what the format asks for; the message names the source and line.</exception>
        public void Read(Stream utf8, string source)
        {
            ArgumentNullException.ThrowIfNull(utf8);
            AddHeader(TraceReader.Read(utf8, source, this));
        }

        /// <summary>
        /// The history of everything added: the events sorted by (process, index), a stable sort (two
        /// events of one process with the same index, a violation of 1.2, stay in the order they came),
        /// and numbered. A builder builds once.
        /// </summary>
        /// <exception cref="InvalidOperationException">Nothing was added, or the builder has built already.</exception>
        public CompactTrace Build()
        {
            if (_header is null) throw new InvalidOperationException("no trace was added to build a history of");
            if (_built) throw new InvalidOperationException("a builder builds one history");
            _built = true;
            var byName = InOrdinalOrder(_processNames.All);
            var rank = new int[byName.Length];
            for (int r = 0; r < byName.Length; r++) rank[byName[r]] = r;
            var processes = byName.Select(k => new ProcessId(_processNames.All[k])).ToArray();
            return Numbered(processes, rank, SortedByProcessAndIndex(rank, processes.Length));
        }

        private void AddHeader(TraceHeader header) =>
            _header = _header is null ? header : _header with { Quiescent = _header.Quiescent && header.Quiescent };

        private void Add(EvsEvent e)
        {
            _process.Add(_processNames.NumberOf(e.Process.Name));
            _index.Add(e.Index);
            _config.Add(_configNames.NumberOf(e.Configuration.Name));
            switch (e)
            {
                case Send s:
                    _hasGroupTags |= s.Group is not null;
                    AddMessage(EventKind.Send, s.Message, s.Service, s.Hash);
                    break;
                case Deliver d:
                    _hasGroupTags |= d.Group is not null;
                    AddMessage(EventKind.Deliver, d.Message, d.Service, d.Hash);
                    break;
                case DeliverConf dc:
                    // reg(c) may name a configuration no event is in; it is numbered in Build, after c.
                    if (dc.PreviousRegular is { } reg) _configNames.NumberOf(reg.Name);
                    _confChanges[_kind.Count] = dc;
                    AddOther(EventKind.DeliverConf);
                    break;
                default:
                    AddOther(EventKind.Fail);
                    break;
            }
        }

        // A line read from a file: taken straight into the columns, with the checks ToEvent makes. Only a
        // deliver_conf, rare and carrying a list of members, becomes an object.
        void IEventLineSink.Take(in EventLine line)
        {
            var kind = line.Check();
            if (kind == EventKind.DeliverConf)
            {
                Add(line.ToEvent());
                return;
            }
            _process.Add(_processNames.NumberOf(line.P!));
            _index.Add(line.I.GetValueOrDefault());
            _config.Add(_configNames.NumberOf(line.C!));
            if (kind == EventKind.Fail)
            {
                AddOther(EventKind.Fail);
                return;
            }
            _hasGroupTags |= line.G is not null || line.GOp is not null; // either field makes the line a group's, and its reading names what is wrong
            _kind.Add(kind);
            _message.Add(_messageNames.NumberOf(line.M));
            _service.Add(line.Service());
            _digest.Add(line.HasH ? _digestNames.NumberOf(line.H) : -1);
        }

        private void AddMessage(EventKind kind, MessageId message, DeliveryService service, string? digest)
        {
            _kind.Add(kind);
            _message.Add(_messageNames.NumberOf(message.Name));
            _service.Add(service);
            _digest.Add(digest is null ? -1 : _digestNames.NumberOf(digest));
        }

        private void AddOther(EventKind kind)
        {
            _kind.Add(kind);
            _message.Add(-1);
            _service.Add(DeliveryService.Causal);
            _digest.Add(-1);
        }

        // The numbers of the names, in ordinal order of the names (the order of processes of ProcessId and the ring).
        private static int[] InOrdinalOrder(IReadOnlyList<string> names)
        {
            var byName = Enumerable.Range(0, names.Count).ToArray();
            Array.Sort([.. names], byName, StringComparer.Ordinal);
            return byName;
        }

        /// <summary>
        /// The positions of the events as they came, sorted by (process rank, index, position): a
        /// counting sort by process, which keeps the order they came in, then, for a process whose
        /// events did not come in increasing index (a hand-written trace may mix them), a sort of its
        /// run by index, with ties put back in the order they came.
        /// </summary>
        private int[] SortedByProcessAndIndex(int[] rank, int processes)
        {
            var process = CollectionsMarshal.AsSpan(_process);
            var index = CollectionsMarshal.AsSpan(_index);
            var start = new int[processes + 1];
            foreach (int p in process) start[rank[p] + 1]++;
            for (int r = 0; r < processes; r++) start[r + 1] += start[r];
            var order = new int[process.Length];
            var fill = (int[])start.Clone();
            for (int k = 0; k < process.Length; k++) order[fill[rank[process[k]]]++] = k;
            for (int r = 0; r < processes; r++)
                if (!InIncreasingIndex(order, start[r], start[r + 1], index)) SortRun(order, start[r], start[r + 1], index);
            return order;
        }

        private static bool InIncreasingIndex(int[] order, int from, int to, ReadOnlySpan<long> index)
        {
            for (int k = from + 1; k < to; k++) if (index[order[k]] < index[order[k - 1]]) return false;
            return true;
        }

        // Sorts order[from..to-1] by index; runs of equal index are sorted by position, which makes the sort stable.
        private static void SortRun(int[] order, int from, int to, ReadOnlySpan<long> index)
        {
            var positions = order[from..to];
            var keys = new long[positions.Length];
            for (int k = 0; k < keys.Length; k++) keys[k] = index[positions[k]];
            Array.Sort(keys, positions);
            for (int run = 0, end; run < keys.Length; run = end)
            {
                for (end = run + 1; end < keys.Length && keys[end] == keys[run]; end++) { }
                if (end - run > 1) Array.Sort(positions, run, end - run);
            }
            positions.CopyTo(order, from);
        }

        /// <summary>
        /// The columns in event order (<paramref name="order"/> gives the position each event came in),
        /// with configurations and messages renumbered in the order the sorted events first name them:
        /// a configuration when an event is in it, or when a deliver_conf names it as reg.
        /// </summary>
        private CompactTrace Numbered(ProcessId[] processes, int[] rank, int[] order)
        {
            int n = order.Length;
            var processOf = new int[n];
            var index = new long[n];
            var kind = new EventKind[n];
            var service = new DeliveryService[n];
            var digestOf = new int[n];
            var confChanges = new Dictionary<int, DeliverConf>();
            var configs = new Renumbering(_configNames.Count);
            var configOf = new int[n];
            var messages = new Renumbering(_messageNames.Count);
            var messageOf = new int[n];
            // The columns as the events came, read as spans: this loop runs once per event.
            var processCame = CollectionsMarshal.AsSpan(_process);
            var indexCame = CollectionsMarshal.AsSpan(_index);
            var kindCame = CollectionsMarshal.AsSpan(_kind);
            var configCame = CollectionsMarshal.AsSpan(_config);
            var messageCame = CollectionsMarshal.AsSpan(_message);
            var serviceCame = CollectionsMarshal.AsSpan(_service);
            var digestCame = CollectionsMarshal.AsSpan(_digest);
            for (int e = 0; e < n; e++)
            {
                int k = order[e];
                processOf[e] = rank[processCame[k]];
                index[e] = indexCame[k];
                kind[e] = kindCame[k];
                service[e] = serviceCame[k];
                digestOf[e] = digestCame[k];
                configOf[e] = configs.NumberOf(configCame[k]);
                if (kind[e] == EventKind.DeliverConf)
                {
                    var dc = confChanges[e] = _confChanges[k];
                    if (dc.PreviousRegular is { } reg) configs.NumberOf(_configNames.NumberOf(reg.Name));
                }
                messageOf[e] = messageCame[k] >= 0 ? messages.NumberOf(messageCame[k]) : -1;
            }

            return new CompactTrace(_header!, processes, processOf, index, kind, configOf, messageOf, service, digestOf,
                configs.InNewOrder(_configNames.All, name => new ConfigurationId(name)),
                messages.InNewOrder(_messageNames.All, name => new MessageId(name)),
                [.. _digestNames.All], confChanges) { HasGroupTags = _hasGroupTags };
        }
    }

    /// <summary>Strings numbered 0, 1, 2, … in the order they are first seen, found by their characters too.</summary>
    private sealed class Names
    {
        private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
        private readonly List<string> _all = [];

        public Names() => _byCharacters = _numbers.GetAlternateLookup<ReadOnlySpan<char>>();

        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _byCharacters;

        public int Count => _all.Count;

        /// <summary>The names by number.</summary>
        public IReadOnlyList<string> All => _all;

        /// <summary>The number of <paramref name="name"/>, the next one when it is new.</summary>
        public int NumberOf(string name)
        {
            ref int number = ref CollectionsMarshal.GetValueRefOrAddDefault(_numbers, name, out bool known);
            if (!known)
            {
                number = _all.Count;
                _all.Add(name);
            }
            return number;
        }

        /// <summary>The number of the name spelled <paramref name="name"/>; a string is made only for a new one.</summary>
        public int NumberOf(ReadOnlySpan<char> name) => _byCharacters.TryGetValue(name, out int number) ? number : NumberOf(new string(name));
    }

    /// <summary>New numbers for old ones, given in the order the old ones are first met.</summary>
    private sealed class Renumbering
    {
        private readonly int[] _newOf;
        private readonly List<int> _oldOf = [];

        public Renumbering(int count)
        {
            _newOf = new int[count];
            Array.Fill(_newOf, -1);
        }

        /// <summary>The new number of <paramref name="old"/>, the next one when it is met first.</summary>
        public int NumberOf(int old)
        {
            if (_newOf[old] < 0)
            {
                _newOf[old] = _oldOf.Count;
                _oldOf.Add(old);
            }
            return _newOf[old];
        }

        /// <summary>The things met, by new number, made from their names by old number.</summary>
        public T[] InNewOrder<T>(IReadOnlyList<string> names, Func<string, T> make) => [.. _oldOf.Select(old => make(names[old]))];
    }
}
