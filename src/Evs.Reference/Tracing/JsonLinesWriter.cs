// docs/TRACE.md and docs/VS-TRACE.md, written: both trace formats are JSON Lines with the same header
// line and the same first fields of an event line. This class writes the lines for TraceWriter and
// VsTraceWriter, so that what makes the output byte-for-byte determined is spelled in one place.
using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Evs.Reference.Tracing;

/// <summary>
/// Writes JSON objects one a line: no indentation, invariant number formatting, fields in the
/// order the caller writes them.
/// </summary>
internal sealed class JsonLinesWriter : IDisposable
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
    public JsonLinesWriter(Stream output, bool ownsStream)
    {
        _output = output;
        _ownsStream = ownsStream;
        _json = new Utf8JsonWriter(_line, Options);
    }

    /// <summary>Milliseconds, shortest round-trip form, always invariant: <c>5012.5</c>.</summary>
    public static string FormatTime(double milliseconds) =>
        Math.Round(milliseconds, 3).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Writes the header line both formats share: <c>{"e":"run","format":...}</c>.</summary>
    public void WriteHeader(string formatName, string source, long? seed, string? scenario, bool quiescent)
    {
        Line(w =>
        {
            w.WriteString("e", "run");
            w.WriteString("format", formatName);
            w.WriteString("source", source);
            if (seed is { } s) w.WriteNumber("seed", s);
            if (scenario is not null) w.WriteString("scenario", scenario);
            w.WriteBoolean("quiescent", quiescent);
        });
    }

    /// <summary>Writes the fields every event line starts with: process, index, time.</summary>
    public static void WriteEventStart(Utf8JsonWriter w, string process, long index, double time)
    {
        w.WriteString("p", process);
        w.WriteNumber("i", index);
        w.WritePropertyName("t");
        w.WriteRawValue(FormatTime(time), skipInputValidation: true);
    }

    /// <summary>Writes one line: an object whose fields <paramref name="body"/> writes, then a newline.</summary>
    public void Line(Action<Utf8JsonWriter> body)
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

    /// <summary>Pushes written lines to the stream.</summary>
    public void Flush() => _output.Flush();

    /// <inheritdoc/>
    public void Dispose()
    {
        _output.Flush();
        _json.Dispose();
        if (_ownsStream) _output.Dispose();
    }
}
