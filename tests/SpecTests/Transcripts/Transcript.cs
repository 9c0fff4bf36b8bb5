// The file format of the transcripts (etcd raft's data-driven interaction tests, in the spirit of
// cockroachdb/datadriven): a story of the membership and recovery algorithm told as plain text, so
// that a student reads it as a conversation between processes and a changed behaviour shows as a
// diff of a few lines. A file is comment lines (# ...), blank lines, and commands; each command is
// one line, then a line "----", then the output expected of it, up to the next blank line:
//
//   # p's token is lost: q gives up on the ring.
//   fire q token-loss
//   ----
//   q: Operational -> Gather (token loss)
//   ...
//
// The text around the commands is kept as it is, so that the rewrite mode can put new outputs in
// place and leave the comments alone.
namespace SpecTests.Transcripts;

/// <summary>One command of a transcript: its text, the line it is on (from 1), and the output written under it.</summary>
public sealed record TranscriptCommand(string Text, int Line, IReadOnlyList<string> Expected);

/// <summary>
/// A transcript as read: the commands, and everything around them (comments, blank lines) kept in
/// order, so that it can be written back with other outputs.
/// </summary>
public sealed class Transcript
{
    /// <summary>The separator between a command and its expected output.</summary>
    public const string Separator = "----";

    // A part of the file: text kept as it is (Command null), or a command with its expected output.
    private sealed record Part(string? Verbatim, TranscriptCommand? Command);

    private readonly List<Part> _parts;

    private Transcript(string name, List<Part> parts)
    {
        Name = name;
        _parts = parts;
    }

    /// <summary>The file's name, for the messages that point into it.</summary>
    public string Name { get; }

    /// <summary>The commands, in order.</summary>
    public IEnumerable<TranscriptCommand> Commands => _parts.Where(p => p.Command is not null).Select(p => p.Command!);

    /// <summary>Reads <paramref name="text"/>, the contents of the file <paramref name="name"/>.</summary>
    public static Transcript Parse(string name, string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        int count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length; // the last newline ends a line, it starts none
        var parts = new List<Part>();
        int i = 0;
        while (i < count)
        {
            string line = lines[i];
            if (IsVerbatim(line))
            {
                parts.Add(new Part(line, null));
                i++;
                continue;
            }
            if (i + 1 >= count || lines[i + 1] != Separator)
                throw new TranscriptException(name, i + 1, $"the command \"{line}\" must be followed by a line \"{Separator}\"");
            int first = i + 2, end = first;
            while (end < count && lines[end].Length > 0) end++;
            parts.Add(new Part(null, new TranscriptCommand(line.Trim(), i + 1, lines[first..end])));
            i = end;
        }
        return new Transcript(name, parts);
    }

    /// <summary>The transcript written out with <paramref name="outputs"/> under its commands (one list per command, in order).</summary>
    public string Write(IReadOnlyList<IReadOnlyList<string>> outputs)
    {
        var text = new List<string>();
        int n = 0;
        foreach (var part in _parts)
        {
            if (part.Command is not { } command)
            {
                text.Add(part.Verbatim!);
                continue;
            }
            text.Add(command.Text);
            text.Add(Separator);
            text.AddRange(outputs[n++]);
        }
        return string.Join("\n", text) + "\n";
    }

    private static bool IsVerbatim(string line) => line.Trim().Length == 0 || line.TrimStart().StartsWith('#');
}

/// <summary>A transcript that cannot be read or run as written: its file and line say where.</summary>
public sealed class TranscriptException(string file, int line, string message, Exception? inner = null)
    : Exception($"{file}:{line}: {message}", inner);
