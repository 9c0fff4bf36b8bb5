// The live view (`--web`) follows the nodes' trace files (docs/TRACE.md) as `tail -f` does,
// rather than asking the nodes for their events: a node writes its file whatever the view does,
// so a slow or absent view never slows a node, and whatever the file holds the view can show.
// A file that is being written ends, at any moment, in a line not yet finished, and the runtime
// changes its end in two ways (NodeTrace.Open): a restarted node removes the end line its last
// run wrote, and a line cut short by kill -9. This class reads only whole lines, and notices both.
using System.Text;

namespace Evs.Cli.Web;

/// <summary>The whole lines appended to one file since the last look.</summary>
internal sealed class TraceTail(string path)
{
    /// <summary>The most bytes one look reads: a long file (a class's whole morning) is read in pieces, each costing little memory.</summary>
    public const int MostBytesPerLook = 1 << 20;

    private long _offset; // the end of the last whole line read
    private byte[] _lastLine = []; // that line, with its '\n': to see whether it is still there
    private int _lineNumber; // of the last line read, for error messages

    /// <summary>The file followed.</summary>
    public string Path { get; } = path;

    /// <summary>The 1-based line number, in the file as read, of the first line the next <see cref="ReadLines"/> returns.</summary>
    public int NextLineNumber => _lineNumber + 1;

    /// <summary>Whether the last look left bytes unread (more than <see cref="MostBytesPerLook"/> were new): look again at once.</summary>
    public bool MoreToRead { get; private set; }

    /// <summary>
    /// The lines (without their line endings) that were completed since the last call, from at most
    /// <see cref="MostBytesPerLook"/> bytes; none when the file does not exist yet. A line without
    /// its '\n' is left for a later call (unless it is longer than a whole look: it is not a trace
    /// line, and is returned as it is, for its reader to say so). When the file is now shorter
    /// than what was read (a restarted node removed its end line), reading goes on from its new
    /// length; when the last line read has been replaced (removed and written over between two
    /// looks), reading goes on from where that line began.
    /// </summary>
    public IReadOnlyList<string> ReadLines()
    {
        MoreToRead = false;
        FileStream file;
        try
        {
            file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return [];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
        using (file)
        {
            try
            {
                long length = file.Length;
                if (length < _offset) Restart(length);
                else if (!LastLineStillThere(file)) Restart(_offset - _lastLine.Length);
                return ReadWholeLines(file, length);
            }
            catch (EndOfStreamException)
            {
                // The file was cut shorter while it was read (a node restarting removes its end
                // line): nothing of this look is taken, and the next look sees its new length.
                return [];
            }
        }
    }

    // Goes on reading at `at`; when that is where the last line read began, that line is gone,
    // and so is its number (elsewhere the lines removed are not known, and the numbers may drift).
    private void Restart(long at)
    {
        if (_lastLine.Length > 0 && at == _offset - _lastLine.Length) _lineNumber--;
        _offset = at;
        _lastLine = [];
    }

    // Whether the bytes before the offset are still the last line read.
    private bool LastLineStillThere(FileStream file)
    {
        if (_lastLine.Length == 0) return true;
        var now = new byte[_lastLine.Length];
        file.Position = _offset - _lastLine.Length;
        file.ReadExactly(now);
        return now.AsSpan().SequenceEqual(_lastLine);
    }

    private List<string> ReadWholeLines(FileStream file, long length)
    {
        if (length <= _offset) return [];
        var bytes = new byte[Math.Min(length - _offset, MostBytesPerLook)];
        MoreToRead = length - _offset > bytes.Length;
        file.Position = _offset;
        file.ReadExactly(bytes);
        int whole = bytes.AsSpan().LastIndexOf((byte)'\n') + 1;
        if (whole == 0 && bytes.Length == MostBytesPerLook) whole = bytes.Length; // no line is that long: pass it on as it is
        var lines = new List<string>();
        int start = 0, lastStart = 0;
        while (start < whole)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start, whole - start);
            if (end < 0) end = whole; // the over-long piece, which has no '\n'
            lines.Add(Encoding.UTF8.GetString(bytes, start, end - start).TrimEnd('\r'));
            lastStart = start;
            start = end + 1;
        }
        if (whole > 0) _lastLine = bytes[lastStart..whole];
        _offset += whole;
        _lineNumber += lines.Count;
        return lines;
    }
}
