// docs/VS-TRACE.md, read: the virtual synchrony checker sees a filtered run only through this
// class. Like TraceReader for the EVS trace, it is strict about what the format requires and
// names the file and line at fault, and it tolerates what the format allows: extra fields, any
// interleaving of processes, several files read as one history.
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Tracing;

/// <summary>Reads virtual synchrony traces written per docs/VS-TRACE.md.</summary>
public static class VsTraceReader
{
    /// <summary>Reads one trace file.</summary>
    /// <exception cref="TraceFormatException">The file is not a VS trace; the message names the file and line.</exception>
    public static VsTrace ReadFile(string path)
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

    /// <summary>Reads several files as one history (one file per process, say).</summary>
    public static VsTrace ReadFiles(IEnumerable<string> paths) => Combine(paths.Select(ReadFile).ToList());

    /// <summary>Reads a trace from text (tests, notebooks).</summary>
    public static VsTrace ReadText(string text, string source = "<text>") => Read(Encoding.UTF8.GetBytes(text), source);

    /// <summary>
    /// Several traces as one history: the first header is kept, and the history is quiescent only
    /// if every part is, since a part cut mid-run leaves the whole history unfinished.
    /// </summary>
    public static VsTrace Combine(IReadOnlyList<VsTrace> parts)
    {
        if (parts.Count == 1) return parts[0];
        var header = parts[0].Header with { Quiescent = parts.All(t => t.Header.Quiescent) };
        return new VsTrace(header, parts.SelectMany(t => t.Events).ToList());
    }

    /// <summary>Reads a trace from UTF-8 bytes; <paramref name="source"/> names it in errors.</summary>
    public static VsTrace Read(ReadOnlySpan<byte> utf8, string source)
    {
        VsTraceHeader? header = null;
        var events = new List<VsEvent>();
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
            try
            {
                var f = Fields.Parse(line, interned);
                if (f.E == "run")
                {
                    var next = f.ToHeader();
                    // Files concatenated into one: one header is kept, quiescent only if all are.
                    header = header is null ? next : header with { Quiescent = header.Quiescent && next.Quiescent };
                    continue;
                }
                if (header is null) throw new FormatError("the first line must be the header {\"e\":\"run\",...}");
                events.Add(f.ToEvent());
            }
            catch (JsonException ex)
            {
                throw new TraceFormatException(source, lineNumber, $"not a JSON object: {ex.Message}");
            }
            catch (FormatError ex)
            {
                throw new TraceFormatException(source, lineNumber, ex.Message);
            }
        }
        if (header is null) throw new TraceFormatException(source, lineNumber, "empty trace: no header line");
        return new VsTrace(header, events);
    }

    private sealed class FormatError(string message) : Exception(message);

    /// <summary>The fields of one line, as found; checked when turned into a header or an event.</summary>
    private ref struct Fields
    {
        public string? E, P, V, M, Svc, Format, Source, Scenario;
        public long? I, Seed;
        public double? T;
        public bool? Quiescent;
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
                else if (name.SequenceEqual("v"u8)) f.V = Str(ref r, "v", interned);
                else if (name.SequenceEqual("members"u8)) f.Members = MemberList(ref r, interned);
                else if (name.SequenceEqual("m"u8)) f.M = Str(ref r, "m", null);
                else if (name.SequenceEqual("svc"u8)) f.Svc = Str(ref r, "svc", interned);
                else if (name.SequenceEqual("format"u8)) f.Format = Str(ref r, "format", null);
                else if (name.SequenceEqual("source"u8)) f.Source = Str(ref r, "source", null);
                else if (name.SequenceEqual("scenario"u8)) f.Scenario = Str(ref r, "scenario", null);
                else if (name.SequenceEqual("seed"u8)) f.Seed = Long(ref r, "seed");
                else if (name.SequenceEqual("quiescent"u8)) f.Quiescent = Bool(ref r, "quiescent");
                else r.Skip(); // as in TRACE.md: a writer may add fields
            }
            return f;
        }

        public readonly VsTraceHeader ToHeader()
        {
            if (Format != VsTraceHeader.FormatName)
                throw new FormatError(Format is null
                    ? $"missing \"format\" (expected \"{VsTraceHeader.FormatName}\")"
                    : $"format is \"{Format}\", expected \"{VsTraceHeader.FormatName}\"");
            if (Quiescent is not { } quiescent) throw new FormatError("missing \"quiescent\"");
            return new VsTraceHeader(Need(Source, "source"), Seed, Scenario, quiescent);
        }

        public readonly VsEvent ToEvent()
        {
            if (E is null) throw new FormatError("missing \"e\"");
            if (string.IsNullOrEmpty(P)) throw new FormatError("missing or empty \"p\" (process)");
            if (I is not { } index || index < 0) throw new FormatError("missing or negative \"i\" (event index)");
            if (T is not { } t) throw new FormatError("missing \"t\" (time)");
            return E switch
            {
                "view" => new ViewChange(P, index, t, Need(V, "v"), SortedMembers()),
                "send" => new VsSend(P, index, t, new MessageId(Need(M, "m")), Service()),
                "deliver" => new VsDeliver(P, index, t, new MessageId(Need(M, "m")), Service()),
                "stop" => new Stop(P, index, t),
                _ => throw new FormatError($"unknown event kind \"e\":\"{E}\""),
            };
        }

        /// <summary>VS-TRACE.md: "members: sorted virtual synchrony process ids", so that two view events compare as lists.</summary>
        private readonly ImmutableArray<string> SortedMembers()
        {
            if (Members is null) throw new FormatError("missing \"members\"");
            for (int k = 1; k < Members.Count; k++)
                if (string.CompareOrdinal(Members[k - 1], Members[k]) >= 0)
                    throw new FormatError($"\"members\" must be sorted and distinct: \"{Members[k - 1]}\" comes before \"{Members[k]}\"");
            return [.. Members];
        }

        private readonly VsService Service() => Svc switch
        {
            "cbcast" => VsService.Cbcast,
            "abcast" => VsService.Abcast,
            null => throw new FormatError("missing \"svc\""),
            _ => throw new FormatError($"\"svc\" must be cbcast or abcast, not \"{Svc}\""),
        };

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
