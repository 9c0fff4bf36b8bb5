// Where `evs watch` gets its events: the trace lines another machine's `evs node --web` serves
// at /trace (Server-Sent Events, one trace line each, from the first line of its file). Each
// node is followed on its own; one that cannot be reached, stops, or falls silent (no event and
// no keep-alive for three keep-alive periods: a laptop closed, a cable pulled) is said on the
// page and tried again every few seconds. Coming back, its stream starts again from the first
// line, and the view keeps each event once (LiveHistory), so nothing is drawn twice.
using System.Net;
using System.Text;
using Evs.Reference.Model;
using Evs.Reference.Tracing;

namespace Evs.Cli.Web;

/// <summary>The /trace stream of one <c>evs node --web</c>, followed into a live view.</summary>
internal sealed class TraceStreamSource
{
    /// <summary>How long to wait before trying an unreachable node again.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan MostSilence = 3 * LiveServer.KeepAlive;

    private readonly Uri _node;
    private readonly HttpClient _http;
    private readonly Action<SourceState> _changed;
    private SourceState _state;

    /// <summary>
    /// A source for the node whose page is at <paramref name="node"/> (http://HOST:PORT/), read
    /// with <paramref name="http"/>; <paramref name="changed"/> hears of each change of its state.
    /// </summary>
    public TraceStreamSource(Uri node, HttpClient http, Action<SourceState> changed)
    {
        _node = node;
        _http = http;
        _changed = changed;
        _state = new SourceState(Name, "connecting", Ok: true);
    }

    /// <summary>The node as the page names it: its address.</summary>
    public string Name => _node.Authority;

    /// <summary>Where the stream stands.</summary>
    public SourceState State => Volatile.Read(ref _state);

    /// <summary>Reads the node's events into <paramref name="view"/>, again and again, until <paramref name="stop"/>.</summary>
    public async Task FollowAsync(LiveView view, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            string why;
            try
            {
                why = await ReadAsync(view, stop);
            }
            catch (HttpRequestException ex)
            {
                why = $"unreachable: {ex.Message}";
            }
            catch (IOException ex)
            {
                why = $"the stream broke: {ex.Message}";
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                why = $"silent for {MostSilence.TotalSeconds:0} s";
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Say(new SourceState(Name, $"{why}; trying again every {RetryInterval.TotalSeconds:0} s", Ok: false), view);
            try
            {
                await Task.Delay(RetryInterval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // One connection: its lines, until it ends; returns why it ended.
    private async Task<string> ReadAsync(LiveView view, CancellationToken stop)
    {
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(stop);
        silence.CancelAfter(MostSilence);
        using var response = await _http.GetAsync(new Uri(_node, "trace"), HttpCompletionOption.ResponseHeadersRead, silence.Token);
        if (response.StatusCode == HttpStatusCode.NotFound) return "no trace stream there (is it an evs node --web? an evs cluster page has none)";
        if (!response.IsSuccessStatusCode) return $"answered {(int)response.StatusCode} {response.ReasonPhrase}";
        Say(new SourceState(Name, "connected", Ok: true), view);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(silence.Token), Encoding.UTF8);
        var lines = new BoundedLines(reader, TraceTail.MostBytesPerLook);
        int number = 0;
        while (true)
        {
            silence.CancelAfter(MostSilence);
            string? line;
            try
            {
                line = await lines.NextAsync(silence.Token);
            }
            catch (InvalidDataException ex)
            {
                return ex.Message;
            }
            if (line is null) return "the stream ended (the node stopped?)";
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue; // a keep-alive, or the blank line after an event
            number++;
            if (Event(line["data: ".Length..], number, view) is { } e) view.Add([e]);
        }
    }

    // The event of one trace line; a line that is not one is said on the page and passed over.
    private EvsEvent? Event(string line, int number, LiveView view)
    {
        try
        {
            return TraceReader.ReadLine(Encoding.UTF8.GetBytes(line), _node + "trace", number);
        }
        catch (TraceFormatException ex)
        {
            Say(new SourceState(Name, $"connected, but a line is not a trace line: {ex.Message}", Ok: false), view);
            return null;
        }
    }

    private void Say(SourceState state, LiveView view)
    {
        if (Volatile.Read(ref _state) == state) return;
        Volatile.Write(ref _state, state);
        _changed(state);
        view.Changed();
    }
}
