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
        var lines = new JsonLinesReader(utf8, source);
        while (lines.Next(out var line))
        {
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
                if (header is null) throw new LineFormatError("the first line must be the header {\"e\":\"run\",...}");
                events.Add(f.ToEvent());
            }
            catch (Exception ex) when (ex is JsonException or LineFormatError)
            {
                throw lines.Error(ex);
            }
        }
        if (header is null) throw lines.Error("empty trace: no header line");
        return new VsTrace(header, events);
    }

    /// <summary>The fields of one line, as found; checked when turned into a header or an event.</summary>
    private ref struct Fields
    {
        public string? E, P, V, M, Svc;
        public long? I;
        public double? T;
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
                else if (name.SequenceEqual("v"u8)) f.V = r.Name("v");
                else if (name.SequenceEqual("members"u8)) f.Members = r.Names("members");
                else if (name.SequenceEqual("m"u8)) f.M = r.Str("m");
                else if (name.SequenceEqual("svc"u8)) f.Svc = r.Name("svc");
                else if (!f.Header.Read(name, ref r)) r.Skip(); // as in docs/TRACE.md: a writer may add fields
            }
            return f;
        }

        public readonly VsTraceHeader ToHeader()
        {
            if (Header.Format != VsTraceHeader.FormatName)
                throw new LineFormatError(Header.Format is null
                    ? $"missing \"format\" (expected \"{VsTraceHeader.FormatName}\")"
                    : $"format is \"{Header.Format}\", expected \"{VsTraceHeader.FormatName}\"");
            if (Header.Quiescent is not { } quiescent) throw new LineFormatError("missing \"quiescent\"");
            return new VsTraceHeader(Need(Header.Source, "source"), Header.Seed, Header.Scenario, quiescent);
        }

        public readonly VsEvent ToEvent()
        {
            if (E is null) throw new LineFormatError("missing \"e\"");
            if (string.IsNullOrEmpty(P)) throw new LineFormatError("missing or empty \"p\" (process)");
            if (I is not { } index || index < 0) throw new LineFormatError("missing or negative \"i\" (event index)");
            if (T is not { } t) throw new LineFormatError("missing \"t\" (time)");
            return E switch
            {
                "view" => new ViewChange(P, index, t, Need(V, "v"), SortedMembers()),
                "send" => new VsSend(P, index, t, new MessageId(Need(M, "m")), Service()),
                "deliver" => new VsDeliver(P, index, t, new MessageId(Need(M, "m")), Service()),
                "stop" => new Stop(P, index, t),
                _ => throw new LineFormatError($"unknown event kind \"e\":\"{E}\""),
            };
        }

        /// <summary>VS-TRACE.md: "members: sorted virtual synchrony process ids", so that two view events compare as lists.</summary>
        private readonly ImmutableArray<string> SortedMembers()
        {
            if (Members is null) throw new LineFormatError("missing \"members\"");
            for (int k = 1; k < Members.Count; k++)
                if (string.CompareOrdinal(Members[k - 1], Members[k]) >= 0)
                    throw new LineFormatError($"\"members\" must be sorted and distinct: \"{Members[k - 1]}\" comes before \"{Members[k]}\"");
            return [.. Members];
        }

        private readonly VsService Service() => Svc switch
        {
            "cbcast" => VsService.Cbcast,
            "abcast" => VsService.Abcast,
            null => throw new LineFormatError("missing \"svc\""),
            _ => throw new LineFormatError($"\"svc\" must be cbcast or abcast, not \"{Svc}\""),
        };

        private static string Need(string? value, string field) => value ?? throw new LineFormatError($"missing \"{field}\"");
    }
}
