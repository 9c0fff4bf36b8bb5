// One live view at work, as a command holds it: the view, what feeds it events (trace files
// followed, or streams of other nodes), and the server that shows it. Started together, so that
// an address that cannot be listened on is said before anything runs; stopped together, server
// first, so that no browser waits on a view that is gone.
using System.Net;

namespace Evs.Cli.Web;

/// <summary>A live view, its event source and its server, running.</summary>
internal sealed class LiveWeb : IAsyncDisposable
{
    private readonly LiveServer _server;
    private readonly LiveView _view;
    private readonly CancellationTokenSource _stop;
    private readonly Task _feeding;

    private LiveWeb(LiveServer server, LiveView view, CancellationTokenSource stop, Task feeding)
    {
        _server = server;
        _view = view;
        _stop = stop;
        _feeding = feeding;
    }

    /// <summary>The URLs to open the page at.</summary>
    public IReadOnlyList<string> Urls => _server.Urls;

    /// <summary>Where to open the page, said in one line: the first URL, and the LAN's when it is served on every interface.</summary>
    public string Where => Urls[0] + (Urls.Count > 1 ? $" (from the LAN: {string.Join(", ", Urls.Skip(1))})" : "");

    /// <summary>Says that what the status line shows has changed (a node killed or restarted): the page hears of it soon.</summary>
    public void Changed() => _view.Changed();

    /// <summary>
    /// Serves <paramref name="site"/> (whose view this now owns) at <paramref name="at"/>, and
    /// runs <paramref name="feed"/>, which adds events to the view until it is told to stop.
    /// </summary>
    /// <exception cref="IOException">The address cannot be listened on; the view is disposed.</exception>
    public static async Task<LiveWeb> StartAsync(IPEndPoint at, LiveSite site, Func<CancellationToken, Task> feed)
    {
        LiveServer server;
        try
        {
            server = await LiveServer.StartAsync(site, at);
        }
        catch
        {
            await site.View.DisposeAsync();
            throw;
        }
        var stop = new CancellationTokenSource();
        return new LiveWeb(server, site.View, stop, Task.Run(() => feed(stop.Token)));
    }

    /// <summary>Stops the server, the feeding and the view.</summary>
    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _stop.CancelAsync();
        await _feeding;
        await _view.DisposeAsync();
        _stop.Dispose();
    }
}
