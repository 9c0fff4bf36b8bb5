// TRACE.md, read: the specification checker sees a run only through this class. It is
// strict about what TRACE.md requires and names the line at fault, and it tolerates what
// TRACE.md allows: extra fields, any interleaving of processes, several files concatenated.
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Evs.Reference.Model;

namespace Evs.Reference.Tracing;

/// <summary>Reads traces written per TRACE.md, by this project or any other tool.</summary>
public static class TraceReader
{
    /// <summary>Reads one trace file.</summary>
    /// <exception cref="TraceFormatException">The file is not a trace; the message names the line.</exception>
    public static Trace ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TraceFormatException(path, 0, ex.Message);
        }
        return Read(bytes, path);
    }

    /// <summary>Reads several files as one history (TRACE.md allows one file per process).</summary>
    public static Trace ReadFiles(IEnumerable<string> paths) => Trace.Combine(paths.Select(ReadFile).ToList());

    /// <summary>Reads a trace from text (tests, notebooks).</summary>
    public static Trace ReadText(string text, string source = "<text>") => Read(Encoding.UTF8.GetBytes(text), source);

    /// <summary>Reads a trace from UTF-8 bytes; <paramref name="source"/> names it in errors.</summary>
    public static Trace Read(ReadOnlySpan<byte> utf8, string source)
    {
        TraceHeader? header = null;
        var events = new List<EvsEvent>();
        var interned = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        while (!utf8.IsEmpty)
        {
            lineNumber++;
            int end = utf8.IndexOf((byte)'\n');
            var line = end < 0 ? utf8 : utf8[..end];
            utf8 = end < 0 ? ReadOnlySpan<byte>.Empty : utf8[(end + 1)..];
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            if (line.Trim((byte)' ').IsEmpty) continue;

            Fields f;
            try
            {
                f = Fields.Parse(line, interned);
            }
            catch (JsonException ex)
            {
                throw new TraceFormatException(source, lineNumber, $"not a JSON object: {ex.Message}");
            }
            catch (FormatError ex)
            {
                throw new TraceFormatException(source, lineNumber, ex.Message);
            }

            if (f.E == "run")
            {
                if (header is not null) continue; // concatenated files: only one header is kept
                if (f.Format != TraceHeader.FormatName)
                    throw new TraceFormatException(source, lineNumber, $"format is \"{f.Format}\", expected \"{TraceHeader.FormatName}\"");
                header = new TraceHeader(f.Source ?? "unknown", f.Seed, f.Scenario, f.Quiescent ?? false);
                continue;
            }
            if (header is null)
                throw new TraceFormatException(source, lineNumber, "the first line must be the header {\"e\":\"run\",...}");
            try
            {
                events.Add(f.ToEvent());
            }
            catch (FormatError ex)
            {
                throw new TraceFormatException(source, lineNumber, ex.Message);
            }
        }
        if (header is null) throw new TraceFormatException(source, lineNumber, "empty trace: no header line");
        return new Trace(header, events);
    }

    private sealed class FormatError(string message) : Exception(message);

    /// <summary>The fields of one line, as found; checked when turned into an event.</summary>
    private ref struct Fields
    {
        public string? E, P, C, M, Svc, H, Kind, Reg, Format, Source, Scenario;
        public long? I, Seed;
        public double? T;
        public bool? Primary, Quiescent;
        public List<string>? Members;

        public static Fields Parse(ReadOnlySpan<byte> line, Dictionary<string, string> interned)
        {
            var f = new Fields();
            var r = new Utf8JsonReader(line);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new FormatError("not a JSON object");
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                if (r.TokenType != JsonTokenType.PropertyName) throw new FormatError("malformed object");
                var name = r.ValueSpan;
                r.Read();
                if (name.SequenceEqual("e"u8)) f.E = Str(ref r, "e", interned);
                else if (name.SequenceEqual("p"u8)) f.P = Str(ref r, "p", interned);
                else if (name.SequenceEqual("i"u8)) f.I = Long(ref r, "i");
                else if (name.SequenceEqual("t"u8)) f.T = r.TokenType == JsonTokenType.Number ? r.GetDouble() : throw new FormatError("\"t\" must be a number");
                else if (name.SequenceEqual("c"u8)) f.C = Str(ref r, "c", interned);
                else if (name.SequenceEqual("m"u8)) f.M = Str(ref r, "m", null);
                else if (name.SequenceEqual("svc"u8)) f.Svc = Str(ref r, "svc", interned);
                else if (name.SequenceEqual("h"u8)) f.H = Str(ref r, "h", null);
                else if (name.SequenceEqual("kind"u8)) f.Kind = Str(ref r, "kind", interned);
                else if (name.SequenceEqual("reg"u8)) f.Reg = Str(ref r, "reg", interned);
                else if (name.SequenceEqual("primary"u8)) f.Primary = Bool(ref r, "primary");
                else if (name.SequenceEqual("members"u8)) f.Members = MemberList(ref r, interned);
                else if (name.SequenceEqual("format"u8)) f.Format = Str(ref r, "format", null);
                else if (name.SequenceEqual("source"u8)) f.Source = Str(ref r, "source", null);
                else if (name.SequenceEqual("scenario"u8)) f.Scenario = Str(ref r, "scenario", null);
                else if (name.SequenceEqual("seed"u8)) f.Seed = Long(ref r, "seed");
                else if (name.SequenceEqual("quiescent"u8)) f.Quiescent = Bool(ref r, "quiescent");
                else r.Skip(); // TRACE.md: "add fields if you need them"
            }
            return f;
        }

        public readonly EvsEvent ToEvent()
        {
            if (E is null) throw new FormatError("missing \"e\"");
            if (P is null) throw new FormatError("missing \"p\" (process)");
            if (I is not { } index || index < 0) throw new FormatError("missing or negative \"i\" (event index)");
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
                        _ => throw new FormatError($"\"kind\" must be \"regular\" or \"transitional\", not \"{Kind}\""),
                    };
                    if (Members is null) throw new FormatError("missing \"members\"");
                    if (kind == ConfigurationKind.Transitional && Reg is null)
                        throw new FormatError("a transitional deliver_conf needs \"reg\"");
                    var members = Members.Select(m => new ProcessId(m)).ToImmutableArray();
                    return new DeliverConf(p, index, t, conf, kind, members, Reg is null ? null : new ConfigurationId(Reg), Primary);
                case "send":
                    return new Send(p, index, t, new MessageId(Need(M, "m")), new ConfigurationId(Need(C, "c")), Service(), H);
                case "deliver":
                    return new Deliver(p, index, t, new MessageId(Need(M, "m")), new ConfigurationId(Need(C, "c")), Service(), H);
                case "fail":
                    return new Fail(p, index, t, new ConfigurationId(Need(C, "c")));
                default:
                    throw new FormatError($"unknown event kind \"e\":\"{E}\"");
            }
        }

        private readonly DeliveryService Service() =>
            DeliveryServiceNames.TryParse(Svc, out var s) ? s
                : throw new FormatError($"\"svc\" must be causal, agreed or safe, not \"{Svc}\"");

        private static string Need(string? value, string field) => value ?? throw new FormatError($"missing \"{field}\"");

        private static string Str(ref Utf8JsonReader r, string field, Dictionary<string, string>? interned)
        {
            if (r.TokenType != JsonTokenType.String) throw new FormatError($"\"{field}\" must be a string");
            var s = r.GetString()!;
            if (interned is null) return s;
            if (interned.TryGetValue(s, out var known)) return known;
            interned[s] = s;
            return s;
        }

        private static long Long(ref Utf8JsonReader r, string field) =>
            r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var v) ? v : throw new FormatError($"\"{field}\" must be an integer");

        private static bool Bool(ref Utf8JsonReader r, string field) => r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new FormatError($"\"{field}\" must be true or false"),
        };

        private static List<string> MemberList(ref Utf8JsonReader r, Dictionary<string, string> interned)
        {
            if (r.TokenType != JsonTokenType.StartArray) throw new FormatError("\"members\" must be an array of strings");
            var list = new List<string>();
            while (r.Read() && r.TokenType != JsonTokenType.EndArray) list.Add(Str(ref r, "members", interned));
            return list;
        }
    }
}
