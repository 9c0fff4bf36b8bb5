// docs/TRACE.md, read: the specification checker sees a run only through this class. It is
// strict about what the format requires and names the line at fault, and it tolerates what the
// format allows: extra fields, any interleaving of processes, several files concatenated, and a
// file without its end line when its header does not claim a whole run. A file with an end line is
// checked against it, and a file whose header says "quiescent": true must have one, so that a file
// cut short or damaged is refused rather than judged as a run.
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Evs.Reference.Groups;
using Evs.Reference.Model;

namespace Evs.Reference.Tracing;

/// <summary>Reads traces written per docs/TRACE.md, by this project or any other tool.</summary>
public static class TraceReader
{
    /// <summary>Reads a trace from text (tests, notebooks).</summary>
    public static EvsTrace ReadText(string text, string source = "<text>") => Read(Encoding.UTF8.GetBytes(text), source);

    /// <summary>
    /// Reads a trace from UTF-8 bytes; <paramref name="source"/> names it in errors. Where a file
    /// ends with an end line (<c>{"e":"end","events":N}</c>), N must be the number of event lines
    /// since the file's header, and nothing but the header of a next file may follow it. A file
    /// whose header says <c>"quiescent": true</c> must end with an end line: the header promises
    /// the whole run, and without the end line nothing shows that the file holds all of it.
    /// </summary>
    /// <exception cref="TraceFormatException">A line is not what the format asks for; the message names the source and line.</exception>
    public static EvsTrace Read(ReadOnlySpan<byte> utf8, string source)
    {
        var events = new EventList();
        var file = new FileOfLines(source, events);
        var lines = new JsonLinesReader(utf8, source);
        while (lines.Next(out var line)) file.Take(line, lines.LineNumber);
        return new EvsTrace(file.End(lines.LineNumber), events.Events);
    }

    /// <summary>
    /// Reads a trace from a UTF-8 stream, line by line, as <see cref="Read(ReadOnlySpan{byte}, string)"/>
    /// reads its bytes: the same checks, the same errors. Each event line goes to <paramref name="sink"/>
    /// as it is read, so that a large file is never held whole; the header is returned at the end.
    /// </summary>
    /// <exception cref="TraceFormatException">A line is not what the format asks for; the message names the source and line.</exception>
    internal static TraceHeader Read(Stream utf8, string source, IEventLineSink sink)
    {
        var file = new FileOfLines(source, sink);
        using var lines = new JsonLinesStreamReader(utf8);
        while (lines.Next(out var line)) file.Take(line, lines.LineNumber);
        return file.End(lines.LineNumber);
    }

    /// <summary>Collects the events of a trace as objects.</summary>
    private sealed class EventList : IEventLineSink
    {
        public List<EvsEvent> Events { get; } = [];

        public void Take(in EventLine line) => Events.Add(line.ToEvent());
    }

    /// <summary>
    /// The rules of one trace file (or of files joined into one stream), applied line by line: a header
    /// first, the end line's count, nothing after it, an end line where the header says quiescent.
    /// </summary>
    private sealed class FileOfLines(string source, IEventLineSink sink)
    {
        private readonly Dictionary<string, string> _interned = new(StringComparer.Ordinal);
        private char[] _characters = []; // where a line's messages and digests are decoded
        private TraceHeader? _header;
        private long _eventsOfFile; // event lines since the last header: one file of a concatenation
        private int _endedAt; // the line of that file's end line, 0 while none has been read
        private int _quiescentAt; // the line of that file's header when it says "quiescent": true, else 0
        private int _lastLine; // the last line that is not blank

        /// <summary>Takes line <paramref name="number"/>, which is not blank.</summary>
        public void Take(ReadOnlySpan<byte> line, int number)
        {
            _lastLine = number;
            try
            {
                if (_characters.Length < line.Length) _characters = new char[line.Length];
                var f = EventLine.Parse(line, _interned, _characters);
                if (f.E == "run")
                {
                    if (_quiescentAt > 0 && _endedAt == 0) throw Error(number, CutShort(_quiescentAt, "before the header of the next file, on this line"));
                    _eventsOfFile = 0;
                    _endedAt = 0;
                    _quiescentAt = f.Header.Quiescent == true ? number : 0;
                    if (_header is not null) return; // concatenated files: only one header is kept
                    var h = f.Header;
                    if (h.Format != TraceHeader.FormatName)
                        throw new LineFormatError($"format is \"{h.Format}\", expected \"{TraceHeader.FormatName}\"");
                    _header = new TraceHeader(h.Source ?? "unknown", h.Seed, h.Scenario, h.Quiescent ?? false);
                    return;
                }
                if (_header is null) throw new LineFormatError("the first line must be the header {\"e\":\"run\",...}");
                if (_endedAt > 0)
                    throw new LineFormatError($"a line after the end line (line {_endedAt}), which closes the file: only the header of a next file may follow it");
                if (f.E == "end")
                {
                    if (f.Events is not { } counted || counted < 0)
                        throw new LineFormatError("the end line needs \"events\", the number of event lines of the file (an integer at least 0)");
                    if (counted != _eventsOfFile)
                        throw new LineFormatError($"the end line counts {counted} event lines, but the file holds {_eventsOfFile} before it: the file is damaged or lines are missing");
                    _endedAt = number;
                    return;
                }
                sink.Take(f);
                _eventsOfFile++;
            }
            catch (Exception ex) when (ex is JsonException or LineFormatError)
            {
                throw Error(number, ex is JsonException ? $"not a JSON object: {ex.Message}" : ex.Message);
            }
        }

        /// <summary>The header, once every line is taken (<paramref name="lines"/> of them, blank ones counted).</summary>
        public TraceHeader End(int lines)
        {
            if (_header is null) throw Error(lines, "empty trace: no header line");
            if (_quiescentAt > 0 && _endedAt == 0) throw Error(_lastLine, CutShort(_quiescentAt, "at the end of the file"));
            return _header;
        }

        private TraceFormatException Error(int line, string problem) => new(source, line, problem);
    }

    // A file whose header claims a settled run but that has no end line: docs/TRACE.md, "The end line".
    private static string CutShort(int headerLine, string where) =>
        $"the trace is cut short: its header (line {headerLine}) says \"quiescent\": true, but there is no end line {{\"e\":\"end\",\"events\":N}} {where}, " +
        "so it may not hold the whole run and cannot be judged as one (its writer adds the end line when it closes the file)";

    /// <summary>
    /// Reads one line of a trace on its own, as a live view reads a file that is still being
    /// written: the event of an event line, or null for the header, the end line and a blank line,
    /// which say nothing about the history. An event line is checked as <see cref="Read(ReadOnlySpan{byte}, string)"/> checks it;
    /// what needs the whole file (a header first, the count of the end line) is not.
    /// </summary>
    /// <exception cref="TraceFormatException">The line is not what the format asks for; the message names <paramref name="source"/> and <paramref name="lineNumber"/>.</exception>
    public static EvsEvent? ReadLine(ReadOnlySpan<byte> line, string source, int lineNumber)
    {
        if (line.Trim(" \r\n"u8).IsEmpty) return null;
        try
        {
            var f = EventLine.Parse(line, new Dictionary<string, string>(StringComparer.Ordinal), new char[line.Length]);
            return f.E is "run" or "end" ? null : f.ToEvent();
        }
        catch (Exception ex) when (ex is JsonException or LineFormatError)
        {
            throw new TraceFormatException(source, lineNumber, ex is JsonException ? $"not a JSON object: {ex.Message}" : ex.Message);
        }
    }

    /// <summary>Whether <paramref name="line"/> (one line, without its line ending) is an end line, <c>{"e":"end",...}</c>.</summary>
    public static bool IsEndLine(ReadOnlySpan<byte> line)
    {
        try
        {
            var r = new JsonFieldReader(line, new Dictionary<string, string>(StringComparer.Ordinal));
            while (r.Next(out var name))
            {
                if (name.SequenceEqual("e"u8)) return r.Str("e") == "end";
                r.Skip();
            }
            return false;
        }
        catch (Exception ex) when (ex is JsonException or LineFormatError)
        {
            return false;
        }
    }

}

/// <summary>Where a reader puts the event lines of a trace, one by one, as it reads them.</summary>
internal interface IEventLineSink
{
    /// <summary>Takes one event line; its characters are valid only during the call.</summary>
    void Take(in EventLine line);
}

/// <summary>
/// The fields of one line, as found; checked when turned into an event (<see cref="ToEvent"/>) or
/// taken as one (<see cref="Check"/>). The message and the digest stay characters in a buffer the
/// reader reuses, not strings: the checker numbers them without making two strings per line.
/// </summary>
internal ref struct EventLine
{
    public string? E, P, C, Svc, Text, Kind, Reg, G, GOp, Gv;
    public List<string>? Groups;
    public long? I, Events;
    public double? T;
    public bool? Primary, LeftGracefully;
    public List<string>? Members, Left;
    public HeaderFields Header;
    public ReadOnlySpan<char> M, H;
    public bool HasM, HasH;

    // The values of "e", "svc" and "kind" that the format knows, the most frequent first.
    private static readonly KnownNames EventKinds = new("deliver", "send", "deliver_conf", "fail", "run", "end");
    private static readonly KnownNames Services = new("causal", "agreed", "safe");
    private static readonly KnownNames ConfigurationKinds = new("regular", "transitional");

    /// <summary>
    /// The fields of <paramref name="line"/>; names are shared through <paramref name="interned"/>, and
    /// the message and digest are decoded into <paramref name="characters"/>, at least as long as the line.
    /// </summary>
    public static EventLine Parse(ReadOnlySpan<byte> line, Dictionary<string, string> interned, char[] characters)
    {
        var f = new EventLine();
        var r = new JsonFieldReader(line, interned);
        int used = 0; // characters[used..] is free: a value has at most as many characters as its bytes in the line
        while (r.Next(out var name))
        {
            // The one-letter fields come on every line: told apart by their letter, not one by one.
            if (name.Length == 1)
            {
                switch (name[0])
                {
                    case (byte)'e': f.E = r.OneOf("e", EventKinds); break;
                    case (byte)'p': f.P = r.Name("p"); break;
                    case (byte)'i': f.I = r.Long("i"); break;
                    case (byte)'t': f.T = r.Double("t"); break;
                    case (byte)'c': f.C = r.Name("c"); break;
                    case (byte)'m': f.HasM = Decoded(ref r, "m", characters, ref used, out f.M); break;
                    case (byte)'h': f.HasH = Decoded(ref r, "h", characters, ref used, out f.H); break;
                    case (byte)'g': f.G = r.Str("g"); break;
                    default: r.Skip(); break; // docs/TRACE.md: a writer may add fields of its own
                }
            }
            else if (name.SequenceEqual("svc"u8)) f.Svc = r.OneOf("svc", Services);
            else if (name.SequenceEqual("text"u8)) f.Text = r.Str("text");
            else if (name.SequenceEqual("kind"u8)) f.Kind = r.OneOf("kind", ConfigurationKinds);
            else if (name.SequenceEqual("reg"u8)) f.Reg = r.Name("reg");
            else if (name.SequenceEqual("primary"u8)) f.Primary = r.Bool("primary");
            else if (name.SequenceEqual("members"u8)) f.Members = r.Names("members");
            else if (name.SequenceEqual("left"u8) && r.IsArray) f.Left = r.Names("left"); // a deliver_conf's leavers
            else if (name.SequenceEqual("left"u8)) f.LeftGracefully = r.Bool("left"); // a fail that was a leave
            else if (name.SequenceEqual("gop"u8)) f.GOp = r.Str("gop");
            else if (name.SequenceEqual("gv"u8)) f.Gv = r.Str("gv");
            else if (name.SequenceEqual("groups"u8)) f.Groups = r.Names("groups");
            else if (name.SequenceEqual("events"u8)) f.Events = r.TryLong(out var n) ? n : -1;
            else if (!f.Header.Read(name, ref r)) r.Skip(); // docs/TRACE.md: a writer may add fields of its own
        }
        return f;
    }

    // A string value decoded into characters[used..], after which `used` moves; true: the field was found.
    private static bool Decoded(scoped ref JsonFieldReader r, string field, char[] characters, scoped ref int used, out ReadOnlySpan<char> value)
    {
        int length = r.Characters(field, characters.AsSpan(used));
        value = characters.AsSpan(used, length);
        used += length;
        return true;
    }

    /// <summary>The kind of event of this line, once every check of <see cref="ToEvent"/> has passed, in the same order.</summary>
    /// <exception cref="LineFormatError">The line is no event the format allows.</exception>
    public readonly EventKind Check()
    {
        if (E is null) throw new LineFormatError("missing \"e\"");
        if (P is null) throw new LineFormatError("missing \"p\" (process)");
        if (I is not { } index || index < 0) throw new LineFormatError("missing or negative \"i\" (event index)");
        switch (E)
        {
            case "deliver_conf":
                Need(C, "c");
                var kind = ConfigurationKindOf();
                if (Members is null) throw new LineFormatError("missing \"members\"");
                if (kind == ConfigurationKind.Transitional && Reg is null)
                    throw new LineFormatError("a transitional deliver_conf needs \"reg\"");
                return EventKind.DeliverConf;
            case "send":
            case "deliver":
                if (!HasM) throw new LineFormatError("missing \"m\"");
                Need(C, "c");
                Service();
                return E == "send" ? EventKind.Send : EventKind.Deliver;
            case "fail":
                Need(C, "c");
                return EventKind.Fail;
            default:
                throw new LineFormatError($"unknown event kind \"e\":\"{E}\"");
        }
    }

    /// <summary>The event of this line.</summary>
    /// <exception cref="LineFormatError">The line is no event the format allows.</exception>
    public readonly EvsEvent ToEvent()
    {
        var p = new ProcessId(P!);
        long index = I.GetValueOrDefault();
        double t = T ?? 0;
        switch (Check())
        {
            case EventKind.DeliverConf:
                var members = Members!.Select(m => new ProcessId(m)).ToImmutableArray();
                return new DeliverConf(p, index, t, new ConfigurationId(C!), ConfigurationKindOf(), members, Reg is null ? null : new ConfigurationId(Reg), Primary,
                    Left?.Select(m => new ProcessId(m)).ToImmutableArray());
            case EventKind.Send:
                return new Send(p, index, t, new MessageId(new string(M)), new ConfigurationId(C!), Service(), Digest, Text, GroupOf());
            case EventKind.Deliver:
                return new Deliver(p, index, t, new MessageId(new string(M)), new ConfigurationId(C!), Service(), Digest, Text, GroupOf());
            default:
                return new Fail(p, index, t, new ConfigurationId(C!), LeftGracefully ?? false);
        }
    }

    /// <summary>The delivery service of a send or deliver line.</summary>
    public readonly DeliveryService Service() =>
        DeliveryServiceNames.TryParse(Svc, out var s) ? s
            : throw new LineFormatError($"\"svc\" must be causal, agreed or safe, not \"{Svc}\"");

    private readonly string? Digest => HasH ? new string(H) : null;

    // docs/TRACE.md, "Groups": the group envelope of a message, when the line has one.
    private readonly GroupTag? GroupOf()
    {
        if (G is null && GOp is null) return null;
        if (G is null || !GroupTag.TryParse(GOp, out var op))
            throw new LineFormatError($"a group message needs \"g\" and \"gop\" (data, join, leave, flush or state), not \"g\":{(G is null ? "none" : $"\"{G}\"")} \"gop\":{(GOp is null ? "none" : $"\"{GOp}\"")}");
        return new GroupTag(op, G, Gv, Groups is null ? [] : [.. Groups]);
    }

    private readonly ConfigurationKind ConfigurationKindOf() => Kind switch
    {
        "regular" => ConfigurationKind.Regular,
        "transitional" => ConfigurationKind.Transitional,
        _ => throw new LineFormatError($"\"kind\" must be \"regular\" or \"transitional\", not \"{Kind}\""),
    };

    private static string Need(string? value, string field) => value ?? throw new LineFormatError($"missing \"{field}\"");
}
