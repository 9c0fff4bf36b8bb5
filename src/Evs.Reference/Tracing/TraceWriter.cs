// docs/TRACE.md, written: the simulator and the real nodes both write traces through this class,
// so that the field names and their order are spelled in one place only, and so that every file
// closes with the end line that tells a whole file from one cut short.
using System.Text.Json;
using Evs.Reference.Groups;
using Evs.Reference.Model;

namespace Evs.Reference.Tracing;

/// <summary>
/// Writes a trace as JSON Lines. Output is byte-for-byte determined by the events given:
/// fields in a fixed order, invariant number formatting, no indentation. The file ends with the
/// end line <c>{"e":"end","events":N}</c>, N the event lines of the file: <see cref="WriteEnd"/>
/// writes it, and <see cref="Dispose"/> does when it has not been written.
/// </summary>
public sealed class TraceWriter : IDisposable
{
    private readonly JsonLinesWriter _lines;
    private bool _ended;
    private bool _disposed;

    /// <summary>
    /// Writes to <paramref name="output"/>; disposes it with this writer when <paramref name="ownsStream"/>.
    /// <paramref name="eventsBefore"/> is the number of event lines <paramref name="output"/> already
    /// holds, for a writer that appends to a trace file (they are counted in the end line).
    /// </summary>
    public TraceWriter(Stream output, bool ownsStream = true, long eventsBefore = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eventsBefore);
        _lines = new JsonLinesWriter(output, ownsStream);
        Events = eventsBefore;
    }

    /// <summary>The event lines of the file so far: those written before this writer, and those it wrote.</summary>
    public long Events { get; private set; }

    /// <summary>Writes the header line.</summary>
    /// <exception cref="InvalidOperationException">The end line has been written.</exception>
    public void WriteHeader(TraceHeader header)
    {
        NotEnded();
        _lines.WriteHeader(TraceHeader.FormatName, header.Source, header.Seed, header.Scenario, header.Quiescent);
    }

    /// <summary>Writes one event line.</summary>
    /// <exception cref="InvalidOperationException">The end line has been written.</exception>
    public void Write(EvsEvent e)
    {
        NotEnded();
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
                    if (c.Left is { Count: > 0 } left)
                    {
                        w.WriteStartArray("left");
                        foreach (var p in left) w.WriteStringValue(p.Name);
                        w.WriteEndArray();
                    }
                    break;
                case Send s:
                    WriteMessage(w, "send", s.Message, s.Conf, s.Service, s.Hash, s.Text, s.Group);
                    break;
                case Deliver d:
                    WriteMessage(w, "deliver", d.Message, d.Conf, d.Service, d.Hash, d.Text, d.Group);
                    break;
                case Fail f:
                    w.WriteString("e", "fail");
                    w.WriteString("c", f.Conf.Name);
                    if (f.Left) w.WriteBoolean("left", true);
                    break;
                default:
                    throw new ArgumentException($"unknown event {e.GetType().Name}", nameof(e));
            }
        });
        Events++;
    }

    /// <summary>
    /// Writes the end line, <c>{"e":"end","events":N}</c> with N = <see cref="Events"/>: the file is
    /// whole. Nothing may be written after it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The end line has been written already.</exception>
    public void WriteEnd()
    {
        NotEnded();
        _lines.Line(w =>
        {
            w.WriteString("e", "end");
            w.WriteNumber("events", Events);
        });
        _ended = true;
    }

    /// <summary>Pushes written lines to the stream and the disk (for a real node, before it acts).</summary>
    public void Flush() => _lines.Flush();

    /// <summary>Writes the end line unless <see cref="WriteEnd"/> has, then flushes (and closes an owned stream).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_ended) WriteEnd();
        }
        finally
        {
            _lines.Dispose();
        }
    }

    private void NotEnded()
    {
        if (_ended) throw new InvalidOperationException("the trace's end line has been written: nothing may follow it");
    }

    private static void WriteMessage(Utf8JsonWriter w, string kind, MessageId m, ConfigurationId c, DeliveryService svc, string? hash, string? text, GroupTag? group)
    {
        w.WriteString("e", kind);
        w.WriteString("m", m.Name);
        w.WriteString("c", c.Name);
        w.WriteString("svc", svc.ToName());
        if (hash is not null) w.WriteString("h", hash);
        if (text is not null) w.WriteString("text", text);
        if (group is null) return;
        w.WriteString("g", group.Group);
        w.WriteString("gop", GroupTag.NameOf(group.Op));
        if (group.Stamp is not null) w.WriteString("gv", group.Stamp);
        if (group.Op != GroupOp.State) return;
        w.WriteStartArray("groups");
        foreach (var g in group.Groups) w.WriteStringValue(g);
        w.WriteEndArray();
    }
}
