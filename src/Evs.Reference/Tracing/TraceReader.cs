// docs/TRACE.md, read: the specification checker sees a run only through this class. It is
// strict about what the format requires and names the line at fault, and it tolerates what the
// format allows: extra fields, any interleaving of processes, several files concatenated, and a
// file without its end line when its header does not claim a whole run. A file with an end line is
// checked against it, and a file whose header says "quiescent": true must have one, so that a file
// cut short or damaged is refused rather than judged as a run.
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Evs.Reference.Model;

namespace Evs.Reference.Tracing;

/// <summary>Reads traces written per docs/TRACE.md, by this project or any other tool.</summary>
public static class TraceReader
{
    /// <summary>Reads a trace from text (tests, notebooks).</summary>
    public static Trace ReadText(string text, string source = "<text>") => Read(Encoding.UTF8.GetBytes(text), source);

    /// <summary>
    /// Reads a trace from UTF-8 bytes; <paramref name="source"/> names it in errors. Where a file
    /// ends with an end line (<c>{"e":"end","events":N}</c>), N must be the number of event lines
    /// since the file's header, and nothing but the header of a next file may follow it. A file
    /// whose header says <c>"quiescent": true</c> must end with an end line: the header promises
    /// the whole run, and without the end line nothing shows that the file holds all of it.
    /// </summary>
    /// <exception cref="TraceFormatException">A line is not what the format asks for; the message names the source and line.</exception>
    public static Trace Read(ReadOnlySpan<byte> utf8, string source)
    {
        var events = new List<EvsEvent>();
        var file = new FileOfLines(source, events.Add);
        var lines = new JsonLinesReader(utf8, source);
        while (lines.Next(out var line)) file.Take(line, lines.LineNumber);
        return new Trace(file.End(lines.LineNumber), events);
    }

    /// <summary>
    /// Reads a trace from a UTF-8 stream, line by line, as <see cref="Read(ReadOnlySpan{byte}, string)"/>
    /// reads its bytes: the same checks, the same errors. Each event goes to <paramref name="onEvent"/>
    /// as its line is read, so that a large file is never held whole; the header is returned at the end.
    /// </summary>
    /// <exception cref="TraceFormatException">A line is not what the format asks for; the message names the source and line.</exception>
    public static TraceHeader Read(Stream utf8, string source, Action<EvsEvent> onEvent)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        ArgumentNullException.ThrowIfNull(onEvent);
        var file = new FileOfLines(source, onEvent);
        using var lines = new JsonLinesStreamReader(utf8);
        while (lines.Next(out var line)) file.Take(line, lines.LineNumber);
        return file.End(lines.LineNumber);
    }

    /// <summary>
    /// The rules of one trace file (or of files joined into one stream), applied line by line: a header
    /// first, the end line's count, nothing after it, an end line where the header says quiescent.
    /// </summary>
    private sealed class FileOfLines(string source, Action<EvsEvent> onEvent)
    {
        private readonly Dictionary<string, string> _interned = new(StringComparer.Ordinal);
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
                var f = Fields.Parse(line, _interned);
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
                onEvent(f.ToEvent());
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
            var f = Fields.Parse(line, new Dictionary<string, string>(StringComparer.Ordinal));
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

    /// <summary>The fields of one line, as found; checked when turned into an event.</summary>
    private ref struct Fields
    {
        public string? E, P, C, M, Svc, H, Text, Kind, Reg;
        public long? I, Events;
        public double? T;
        public bool? Primary;
        public List<string>? Members;
        public HeaderFields Header;

        public static Fields Parse(ReadOnlySpan<byte> line, Dictionary<string, string> interned)
        {
            var f = new Fields();
            var r = new JsonFieldReader(line, interned);
            while (r.Next(out var name))
            {
                if (name.SequenceEqual("e"u8)) f.E = r.Name("e");
                else if (name.SequenceEqual("p"u8)) f.P = r.Name("p");
                else if (name.SequenceEqual("i"u8)) f.I = r.Long("i");
                else if (name.SequenceEqual("t"u8)) f.T = r.Double("t");
                else if (name.SequenceEqual("c"u8)) f.C = r.Name("c");
                else if (name.SequenceEqual("m"u8)) f.M = r.Str("m");
                else if (name.SequenceEqual("svc"u8)) f.Svc = r.Name("svc");
                else if (name.SequenceEqual("h"u8)) f.H = r.Str("h");
                else if (name.SequenceEqual("text"u8)) f.Text = r.Str("text");
                else if (name.SequenceEqual("kind"u8)) f.Kind = r.Name("kind");
                else if (name.SequenceEqual("reg"u8)) f.Reg = r.Name("reg");
                else if (name.SequenceEqual("primary"u8)) f.Primary = r.Bool("primary");
                else if (name.SequenceEqual("members"u8)) f.Members = r.Names("members");
                else if (name.SequenceEqual("events"u8)) f.Events = r.TryLong(out var n) ? n : -1;
                else if (!f.Header.Read(name, ref r)) r.Skip(); // docs/TRACE.md: a writer may add fields of its own
            }
            return f;
        }

        public readonly EvsEvent ToEvent()
        {
            if (E is null) throw new LineFormatError("missing \"e\"");
            if (P is null) throw new LineFormatError("missing \"p\" (process)");
            if (I is not { } index || index < 0) throw new LineFormatError("missing or negative \"i\" (event index)");
            var p = new ProcessId(P);
            double t = T ?? 0;
            switch (E)
            {
                case "deliver_conf":
                    var conf = new ConfigurationId(Need(C, "c"));
                    var kind = Kind switch
                    {
                        "regular" => ConfigurationKind.Regular,
                        "transitional" => ConfigurationKind.Transitional,
                        _ => throw new LineFormatError($"\"kind\" must be \"regular\" or \"transitional\", not \"{Kind}\""),
                    };
                    if (Members is null) throw new LineFormatError("missing \"members\"");
                    if (kind == ConfigurationKind.Transitional && Reg is null)
                        throw new LineFormatError("a transitional deliver_conf needs \"reg\"");
                    var members = Members.Select(m => new ProcessId(m)).ToImmutableArray();
                    return new DeliverConf(p, index, t, conf, kind, members, Reg is null ? null : new ConfigurationId(Reg), Primary);
                case "send":
                    return new Send(p, index, t, new MessageId(Need(M, "m")), new ConfigurationId(Need(C, "c")), Service(), H, Text);
                case "deliver":
                    return new Deliver(p, index, t, new MessageId(Need(M, "m")), new ConfigurationId(Need(C, "c")), Service(), H, Text);
                case "fail":
                    return new Fail(p, index, t, new ConfigurationId(Need(C, "c")));
                default:
                    throw new LineFormatError($"unknown event kind \"e\":\"{E}\"");
            }
        }

        private readonly DeliveryService Service() =>
            DeliveryServiceNames.TryParse(Svc, out var s) ? s
                : throw new LineFormatError($"\"svc\" must be causal, agreed or safe, not \"{Svc}\"");

        private static string Need(string? value, string field) => value ?? throw new LineFormatError($"missing \"{field}\"");
    }
}
