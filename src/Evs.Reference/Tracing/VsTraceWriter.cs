// docs/VS-TRACE.md, written: the virtual synchrony filter (the paper's Section 5) writes the
// history it produces through this class, so that the field names of a VS trace and their order
// are spelled in one place only, as TraceWriter does for the EVS trace.
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Tracing;

/// <summary>
/// Writes a virtual synchrony trace as JSON Lines. Output is byte-for-byte determined by the
/// events given: fields in a fixed order (<c>p</c>, <c>i</c>, <c>t</c>, <c>e</c>, then the event's
/// own), invariant number formatting, no indentation.
/// </summary>
public sealed class VsTraceWriter : IDisposable
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    private readonly Stream _output;
    private readonly bool _ownsStream;
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private readonly Utf8JsonWriter _json;

    /// <summary>Writes to <paramref name="output"/>; disposes it with this writer when <paramref name="ownsStream"/>.</summary>
    public VsTraceWriter(Stream output, bool ownsStream = true)
    {
        _output = output;
        _ownsStream = ownsStream;
        _json = new Utf8JsonWriter(_line, Options);
    }

    /// <summary>Writes a whole trace: its header, then its events in the order given.</summary>
    public static void Write(Stream output, VsTrace trace)
    {
        using var writer = new VsTraceWriter(output, ownsStream: false);
        writer.WriteHeader(trace.Header);
        foreach (var e in trace.Events) writer.Write(e);
    }

    /// <summary>Writes the header line.</summary>
    public void WriteHeader(VsTraceHeader header)
    {
        Line(w =>
        {
            w.WriteString("e", "run");
            w.WriteString("format", VsTraceHeader.FormatName);
            w.WriteString("source", header.Source);
            if (header.Seed is { } seed) w.WriteNumber("seed", seed);
            if (header.Scenario is { } scenario) w.WriteString("scenario", scenario);
            w.WriteBoolean("quiescent", header.Quiescent);
        });
    }

    /// <summary>Writes one event line.</summary>
    public void Write(VsEvent e)
    {
        Line(w =>
        {
            w.WriteString("p", e.Process);
            w.WriteNumber("i", e.Index);
            w.WritePropertyName("t");
            w.WriteRawValue(TraceWriter.FormatTime(e.Time), skipInputValidation: true);
            switch (e)
            {
                case ViewChange v:
                    w.WriteString("e", "view");
                    w.WriteString("v", v.View);
                    w.WriteStartArray("members");
                    foreach (var m in v.Members) w.WriteStringValue(m);
                    w.WriteEndArray();
                    break;
                case VsSend s:
                    WriteMessage(w, "send", s.Message.Name, s.Service);
                    break;
                case VsDeliver d:
                    WriteMessage(w, "deliver", d.Message.Name, d.Service);
                    break;
                case Stop:
                    w.WriteString("e", "stop");
                    break;
                default:
                    throw new ArgumentException($"unknown event {e.GetType().Name}", nameof(e));
            }
        });
    }

    /// <summary>Pushes written lines to the stream.</summary>
    public void Flush() => _output.Flush();

    /// <inheritdoc/>
    public void Dispose()
    {
        _output.Flush();
        _json.Dispose();
        if (_ownsStream) _output.Dispose();
    }

    private static void WriteMessage(Utf8JsonWriter w, string kind, string message, VsService service)
    {
        w.WriteString("e", kind);
        w.WriteString("m", message);
        w.WriteString("svc", service.ToName());
    }

    private void Line(Action<Utf8JsonWriter> body)
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
        _json.WriteStartObject();
        body(_json);
        _json.WriteEndObject();
        _json.Flush();
        _output.Write(_line.WrittenSpan);
        _output.WriteByte((byte)'\n');
    }
}
