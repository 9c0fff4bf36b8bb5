// The lines of a stream evs watch reads from another machine, with a bound on each. A trace line
// is a few hundred bytes; a peer that sends one line without end (broken, or hostile) would make
// TextReader.ReadLineAsync hold all of it in memory. Here a line longer than the bound ends the
// connection with a reason the page shows, and the source is tried again later.
using System.Text;

namespace Evs.Cli.Web;

/// <summary>Reads lines of at most a given number of characters from a text reader.</summary>
internal sealed class BoundedLines(TextReader reader, int mostCharacters)
{
    private readonly char[] _buffer = new char[4096];
    private int _start, _end;

    /// <summary>
    /// The next line, without its "\n" or "\r\n"; the last piece of the stream when it ends without
    /// one; null at the end.
    /// </summary>
    /// <exception cref="InvalidDataException">The line is longer than the bound: the stream is no trace stream.</exception>
    public async Task<string?> NextAsync(CancellationToken cancellation)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end)
            {
                (_start, _end) = (0, await reader.ReadAsync(_buffer.AsMemory(), cancellation));
                if (_end == 0) return line.Length > 0 ? line.ToString() : null;
            }
            int newline = Array.IndexOf(_buffer, '\n', _start, _end - _start);
            int stop = newline < 0 ? _end : newline;
            line.Append(_buffer, _start, stop - _start);
            _start = newline < 0 ? _end : newline + 1;
            if (line.Length > mostCharacters)
                throw new InvalidDataException($"a line longer than {mostCharacters:N0} characters: not a trace stream");
            if (newline >= 0) return line.ToString().TrimEnd('\r');
        }
    }
}
