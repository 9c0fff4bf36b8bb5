// docs/TRACE.md and docs/VS-TRACE.md, read: both trace formats are JSON Lines, one object a line,
// blank lines allowed, fields of fixed types, unknown fields passed over. TraceReader and
// VsTraceReader read the lines and fields through this file, so that both are strict in the same
// way and name the file and line at fault alike. Lines come from bytes already in memory, or from
// a stream through one pooled buffer, so that a file of a million events need not be held whole.
using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Evs.Reference.Tracing;

/// <summary>What is wrong with one line; the reader that catches it adds the file and line.</summary>
internal sealed class LineFormatError(string message) : Exception(message);

/// <summary>The non-blank lines of a JSON Lines text, with the 1-based number of the line last read.</summary>
internal ref struct JsonLinesReader(ReadOnlySpan<byte> utf8, string source)
{
    private ReadOnlySpan<byte> _rest = utf8;

    /// <summary>The 1-based number of the line last read, blank lines counted; 0 before the first.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Reads the next line that is not blank, without its line ending; false at the end of the text.</summary>
    public bool Next(out ReadOnlySpan<byte> line)
    {
        while (!_rest.IsEmpty)
        {
            LineNumber++;
            int end = _rest.IndexOf((byte)'\n');
            line = end < 0 ? _rest : _rest[..end];
            _rest = end < 0 ? ReadOnlySpan<byte>.Empty : _rest[(end + 1)..];
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            if (!line.Trim((byte)' ').IsEmpty) return true;
        }
        line = default;
        return false;
    }

    /// <summary>The error naming the file and the line last read.</summary>
    public readonly TraceFormatException Error(string problem) => new(source, LineNumber, problem);

    /// <summary>The error naming the file and the line last read, for a line that is not JSON or a <see cref="LineFormatError"/>.</summary>
    public readonly TraceFormatException Error(Exception problem) =>
        Error(problem is JsonException ? $"not a JSON object: {problem.Message}" : problem.Message);
}

/// <summary>
/// The non-blank lines of a JSON Lines stream, read through one pooled buffer: the same lines, with
/// the same numbers, as <see cref="JsonLinesReader"/> gives for the stream's bytes. A line is valid
/// until the next call of <see cref="Next"/>; the buffer grows only for a line longer than it.
/// </summary>
internal sealed class JsonLinesStreamReader(Stream utf8) : IDisposable
{
    /// <summary>How many bytes are read at a time: large enough that reading costs nothing beside parsing.</summary>
    private const int ChunkSize = 1 << 20;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private int _start, _end; // the bytes read but not yet taken as lines are _buffer[_start.._end]
    private bool _streamEnded;

    /// <summary>The 1-based number of the line last read, blank lines counted; 0 before the first.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Reads the next line that is not blank, without its line ending; false at the end of the stream.</summary>
    public bool Next(out ReadOnlySpan<byte> line)
    {
        while (TakeLine(out line))
        {
            LineNumber++;
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            if (!line.Trim((byte)' ').IsEmpty) return true;
        }
        return false;
    }

    /// <summary>Gives the buffer back to the pool.</summary>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    // The next line as JsonLinesReader cuts it: up to a '\n', or the rest of a stream that does not end with one.
    private bool TakeLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var unread = _buffer.AsSpan(_start, _end - _start);
            int end = unread.IndexOf((byte)'\n');
            if (end >= 0)
            {
                line = unread[..end];
                _start += end + 1;
                return true;
            }
            if (_streamEnded)
            {
                line = unread;
                _start = _end;
                return !unread.IsEmpty;
            }
            Fill();
        }
    }

    // Moves the unfinished line to the front of the buffer (a larger one when it fills the buffer) and reads more after it.
    private void Fill()
    {
        int unread = _end - _start;
        if (unread == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(2 * _buffer.Length);
            _buffer.AsSpan(_start, unread).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        else
        {
            _buffer.AsSpan(_start, unread).CopyTo(_buffer);
        }
        (_start, _end) = (0, unread);
        int read = utf8.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _streamEnded = true;
        _end += read;
    }
}

/// <summary>
/// The fields of one line, in the order written: <see cref="Next"/> stands on each field's value,
/// which one typed reader (or <see cref="Skip"/>) then takes. A value of the wrong type is a
/// <see cref="LineFormatError"/> that names the field.
/// </summary>
internal ref struct JsonFieldReader
{
    private Utf8JsonReader _json;
    private readonly Dictionary<string, string> _interned;

    /// <summary>Starts reading <paramref name="line"/>, which must be one JSON object; names and other repeated strings are shared through <paramref name="interned"/>.</summary>
    public JsonFieldReader(ReadOnlySpan<byte> line, Dictionary<string, string> interned)
    {
        _json = new Utf8JsonReader(line);
        _interned = interned;
        if (!_json.Read() || _json.TokenType != JsonTokenType.StartObject) throw new LineFormatError("not a JSON object");
    }

    /// <summary>Moves to the next field's value and gives the field's name; false at the end of the object.</summary>
    public bool Next(out ReadOnlySpan<byte> name)
    {
        if (!_json.Read() || _json.TokenType == JsonTokenType.EndObject)
        {
            name = default;
            return false;
        }
        if (_json.TokenType != JsonTokenType.PropertyName) throw new LineFormatError("malformed object");
        name = _json.ValueSpan;
        _json.Read();
        return true;
    }

    /// <summary>Passes over a field the format does not know (docs/TRACE.md: a writer may add fields of its own).</summary>
    public void Skip() => _json.Skip();

    /// <summary>A string value, as a new string (one that seldom repeats: a message, a hash, a header field).</summary>
    public string Str(string field)
    {
        if (_json.TokenType != JsonTokenType.String) throw new LineFormatError($"\"{field}\" must be a string");
        try
        {
            return _json.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw NotUtf8(field);
        }
    }

    /// <summary>
    /// A string value that repeats over many lines (an event kind, a process, a configuration), shared
    /// among them: looked up by its characters, so that only its first occurrence makes a string.
    /// </summary>
    public string Name(string field)
    {
        if (_json.TokenType != JsonTokenType.String) throw new LineFormatError($"\"{field}\" must be a string");
        int longest = _json.ValueSpan.Length; // a string has at most as many characters as its UTF-8 bytes
        Span<char> chars = longest <= 256 ? stackalloc char[longest] : new char[longest];
        chars = chars[..CopyString(field, chars)];
        var byCharacters = _interned.GetAlternateLookup<ReadOnlySpan<char>>();
        if (byCharacters.TryGetValue(chars, out var known)) return known;
        var name = new string(chars);
        _interned[name] = name;
        return name;
    }

    /// <summary>
    /// A string value that is nearly always one of <paramref name="known"/> (an event kind, a service):
    /// that string, found by comparing bytes, without decoding; any other value as <see cref="Name"/> gives it.
    /// </summary>
    public string OneOf(string field, KnownNames known)
    {
        if (_json.TokenType != JsonTokenType.String) throw new LineFormatError($"\"{field}\" must be a string");
        foreach (var (utf8, name) in known.All)
            if (_json.ValueTextEquals(utf8)) return name;
        return Name(field);
    }

    /// <summary>
    /// A string value decoded into <paramref name="into"/>, without making a string; returns its length.
    /// <paramref name="into"/> must hold as many characters as the value has bytes in the line.
    /// </summary>
    public int Characters(string field, Span<char> into)
    {
        if (_json.TokenType != JsonTokenType.String) throw new LineFormatError($"\"{field}\" must be a string");
        return CopyString(field, into);
    }

    // Utf8JsonReader checks the structure of a line but not the UTF-8 inside its strings; decoding does.
    private static LineFormatError NotUtf8(string field) => new($"\"{field}\" is not valid UTF-8");

    private readonly int CopyString(string field, Span<char> into)
    {
        try
        {
            return _json.CopyString(into);
        }
        catch (InvalidOperationException)
        {
            throw NotUtf8(field);
        }
    }

    /// <summary>An integer value.</summary>
    public long Long(string field) =>
        _json.TokenType == JsonTokenType.Number && _json.TryGetInt64(out var v) ? v : throw new LineFormatError($"\"{field}\" must be an integer");

    /// <summary>An integer value; false, the value passed over, when it is not one (a field a line of another kind may use otherwise).</summary>
    public bool TryLong(out long value)
    {
        if (_json.TokenType == JsonTokenType.Number && _json.TryGetInt64(out value)) return true;
        _json.Skip();
        value = 0;
        return false;
    }

    /// <summary>A number value.</summary>
    public double Double(string field) =>
        _json.TokenType == JsonTokenType.Number ? _json.GetDouble() : throw new LineFormatError($"\"{field}\" must be a number");

    /// <summary>A true or false value.</summary>
    public bool Bool(string field) => _json.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw new LineFormatError($"\"{field}\" must be true or false"),
    };

    /// <summary>Whether the value is an array (a field whose value may be an array or something else).</summary>
    public readonly bool IsArray => _json.TokenType == JsonTokenType.StartArray;

    /// <summary>An array of strings, each shared as by <see cref="Name"/>.</summary>
    public List<string> Names(string field)
    {
        if (_json.TokenType != JsonTokenType.StartArray) throw new LineFormatError($"\"{field}\" must be an array of strings");
        var list = new List<string>();
        while (_json.Read() && _json.TokenType != JsonTokenType.EndArray) list.Add(Name(field));
        return list;
    }
}

/// <summary>The values a field nearly always has, in UTF-8 beside the strings, for <see cref="JsonFieldReader.OneOf"/>.</summary>
internal sealed class KnownNames(params string[] names)
{
    /// <summary>Each value's UTF-8 bytes and its string.</summary>
    public (byte[] Utf8, string Name)[] All { get; } = [.. names.Select(name => (Encoding.UTF8.GetBytes(name), name))];
}

/// <summary>The fields of the header line, the same in both formats, as found.</summary>
internal struct HeaderFields
{
    public string? Format, Source, Scenario;
    public long? Seed;
    public bool? Quiescent;

    /// <summary>Takes the value of field <paramref name="name"/> when it is a header field; false when it is not.</summary>
    public bool Read(ReadOnlySpan<byte> name, ref JsonFieldReader r)
    {
        if (name.SequenceEqual("format"u8)) Format = r.Str("format");
        else if (name.SequenceEqual("source"u8)) Source = r.Str("source");
        else if (name.SequenceEqual("scenario"u8)) Scenario = r.Str("scenario");
        else if (name.SequenceEqual("seed"u8)) Seed = r.Long("seed");
        else if (name.SequenceEqual("quiescent"u8)) Quiescent = r.Bool("quiescent");
        else return false;
        return true;
    }
}
