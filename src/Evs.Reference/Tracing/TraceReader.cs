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
    /// <summary>Reads a trace from text (tests, notebooks).</summary>
    public static Trace ReadText(string text, string source = "<text>") => Read(Encoding.UTF8.GetBytes(text), source);

    /// <summary>Reads a trace from UTF-8 bytes; <paramref name="source"/> names it in errors.</summary>
    public static Trace Read(ReadOnlySpan<byte> utf8, string source)
    {
        TraceHeader? header = null;
        var events = new List<EvsEvent>();
        var interned = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new JsonLinesReader(utf8, source);
        while (lines.Next(out var line))
        {
            try
            {
                var f = Fields.Parse(line, interned);
                if (f.E == "run")
                {
                    if (header is not null) continue; // concatenated files: only one header is kept
                    var h = f.Header;
                    if (h.Format != TraceHeader.FormatName)
                        throw new LineFormatError($"format is \"{h.Format}\", expected \"{TraceHeader.FormatName}\"");
                    header = new TraceHeader(h.Source ?? "unknown", h.Seed, h.Scenario, h.Quiescent ?? false);
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
        return new Trace(header, events);
    }

    /// <summary>The fields of one line, as found; checked when turned into an event.</summary>
    private ref struct Fields
    {
        public string? E, P, C, M, Svc, H, Kind, Reg;
        public long? I;
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
                else if (name.SequenceEqual("kind"u8)) f.Kind = r.Name("kind");
                else if (name.SequenceEqual("reg"u8)) f.Reg = r.Name("reg");
                else if (name.SequenceEqual("primary"u8)) f.Primary = r.Bool("primary");
                else if (name.SequenceEqual("members"u8)) f.Members = r.Names("members");
                else if (!f.Header.Read(name, ref r)) r.Skip(); // TRACE.md: "add fields if you need them"
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
                    return new Send(p, index, t, new MessageId(Need(M, "m")), new ConfigurationId(Need(C, "c")), Service(), H);
                case "deliver":
                    return new Deliver(p, index, t, new MessageId(Need(M, "m")), new ConfigurationId(Need(C, "c")), Service(), H);
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
