// docs/VS-TRACE.md, written: the virtual synchrony filter (the paper's Section 5) writes the
// history it produces through this class, so that the field names of a VS trace and their order
// are spelled in one place only, as TraceWriter does for the EVS trace.
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
    private readonly JsonLinesWriter _lines;

    /// <summary>Writes to <paramref name="output"/>; disposes it with this writer when <paramref name="ownsStream"/>.</summary>
    public VsTraceWriter(Stream output, bool ownsStream = true) => _lines = new JsonLinesWriter(output, ownsStream);

    /// <summary>Writes a whole trace: its header, then its events in the order given.</summary>
    public static void Write(Stream output, VsTrace trace)
    {
        using var writer = new VsTraceWriter(output, ownsStream: false);
        writer.WriteHeader(trace.Header);
        foreach (var e in trace.Events) writer.Write(e);
    }

    /// <summary>Writes the header line.</summary>
    public void WriteHeader(VsTraceHeader header) =>
        _lines.WriteHeader(VsTraceHeader.FormatName, header.Source, header.Seed, header.Scenario, header.Quiescent);

    /// <summary>Writes one event line.</summary>
    public void Write(VsEvent e)
    {
        _lines.Line(w =>
        {
            JsonLinesWriter.WriteEventStart(w, e.Process, e.Index, e.Time);
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
    public void Flush() => _lines.Flush();

    /// <inheritdoc/>
    public void Dispose() => _lines.Dispose();

    private static void WriteMessage(Utf8JsonWriter w, string kind, string message, VsService service)
    {
        w.WriteString("e", kind);
        w.WriteString("m", message);
        w.WriteString("svc", service.ToName());
    }
}
