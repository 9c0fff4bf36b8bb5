// TRACE.md, written: the simulator and the real nodes both write traces through this class,
// so that the field names and their order are spelled in one place only.
using System.Text.Json;
using Evs.Reference.Model;

namespace Evs.Reference.Tracing;

/// <summary>
/// Writes a trace as JSON Lines. Output is byte-for-byte determined by the events given:
/// fields in a fixed order, invariant number formatting, no indentation.
/// </summary>
public sealed class TraceWriter : IDisposable
{
    private readonly JsonLinesWriter _lines;

    /// <summary>Writes to <paramref name="output"/>; disposes it with this writer when <paramref name="ownsStream"/>.</summary>
    public TraceWriter(Stream output, bool ownsStream = true) => _lines = new JsonLinesWriter(output, ownsStream);

    /// <summary>Writes the header line.</summary>
    public void WriteHeader(TraceHeader header) =>
        _lines.WriteHeader(TraceHeader.FormatName, header.Source, header.Seed, header.Scenario, header.Quiescent);

    /// <summary>Writes one event line.</summary>
    public void Write(EvsEvent e)
    {
        _lines.Line(w =>
        {
            JsonLinesWriter.WriteEventStart(w, e.Process.Name, e.Index, e.Time);
            switch (e)
            {
                case DeliverConf c:
                    w.WriteString("e", "deliver_conf");
                    w.WriteString("c", c.Conf.Name);
                    w.WriteString("kind", c.Kind == ConfigurationKind.Regular ? "regular" : "transitional");
                    if (c.PreviousRegular is { } reg) w.WriteString("reg", reg.Name);
                    w.WriteStartArray("members");
                    foreach (var m in c.Members) w.WriteStringValue(m.Name);
                    w.WriteEndArray();
                    if (c.Primary is { } primary) w.WriteBoolean("primary", primary);
                    break;
                case Send s:
                    WriteMessage(w, "send", s.Message, s.Conf, s.Service, s.Hash);
                    break;
                case Deliver d:
                    WriteMessage(w, "deliver", d.Message, d.Conf, d.Service, d.Hash);
                    break;
                case Fail f:
                    w.WriteString("e", "fail");
                    w.WriteString("c", f.Conf.Name);
                    break;
                default:
                    throw new ArgumentException($"unknown event {e.GetType().Name}", nameof(e));
            }
        });
    }

    /// <summary>Pushes written lines to the stream and the disk (for a real node, before it acts).</summary>
    public void Flush() => _lines.Flush();

    /// <inheritdoc/>
    public void Dispose() => _lines.Dispose();

    private static void WriteMessage(Utf8JsonWriter w, string kind, MessageId m, ConfigurationId c, DeliveryService svc, string? hash)
    {
        w.WriteString("e", kind);
        w.WriteString("m", m.Name);
        w.WriteString("c", c.Name);
        w.WriteString("svc", svc.ToName());
        if (hash is not null) w.WriteString("h", hash);
    }
}
