// Where `evs cluster --web` and `evs node --web` get their events: the nodes' own trace files,
// followed (TraceTail) a few times a second. The nodes write them whether or not anyone looks,
// so following them costs the nodes nothing, and the picture holds exactly what `evs check` and
// `evs plot` will read afterwards.
using System.Text;
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Cli.Web;

/// <summary>Trace files followed into a live view.</summary>
internal sealed class TraceFileSource(IReadOnlyList<string> paths)
{
    /// <summary>How often the files are looked at: often enough that the picture follows the run.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly List<TraceTail> _tails = [.. paths.Select(p => new TraceTail(p))];
    private readonly Dictionary<string, string> _problems = [];

    /// <summary>The files that had a line that is not a trace line, with the last such line's error.</summary>
    public IReadOnlyList<SourceState> Problems
    {
        get
        {
            lock (_problems) return [.. _problems.Select(p => new SourceState(Path.GetFileName(p.Key), p.Value, Ok: false))];
        }
    }

    /// <summary>Reads what the files gained, into <paramref name="view"/>, until <paramref name="stop"/>.</summary>
    public async Task FollowAsync(LiveView view, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var tail in _tails) view.Add(Events(tail));
                if (!_tails.Any(t => t.MoreToRead)) await Task.Delay(PollInterval, stop); // a long file is read on at once
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The view closes.
        }
    }

    // The events of the lines the file gained; a line that is not a trace line is said on the page and passed over.
    private List<EvsEvent> Events(TraceTail tail)
    {
        var events = new List<EvsEvent>();
        int number = tail.NextLineNumber;
        foreach (var line in tail.ReadLines())
        {
            try
            {
                if (TraceReader.ReadLine(Encoding.UTF8.GetBytes(line), tail.Path, number) is { } e) events.Add(e);
            }
            catch (TraceFormatException ex)
            {
                lock (_problems) _problems[tail.Path] = ex.Message;
            }
            number++;
        }
        return events;
    }
}
