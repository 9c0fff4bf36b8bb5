// The web server of the live view (ASP.NET Core's minimal hosting, part of the .NET SDK): the
// page, plotly.js (served by evs itself: the page works with no internet), the frames as
// Server-Sent Events, the current frame as JSON, and, depending on the command:
//   POST /command  (evs cluster) a line of the prompt, handled as if typed, its answer returned;
//   GET  /trace    (evs node) the node's trace lines as Server-Sent Events, from the first line,
//                  for `evs watch` to join several nodes into one picture.
// Anyone who can POST to /command can kill nodes, so it answers only a page this server served:
// the request must carry the run's token (written into the page, unreadable by another site's
// page), come from this server's origin, and name the server by an address, not a host name (a
// host name could be an attacker's, resolved to this machine: DNS rebinding).
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Evs.Plots.Output;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Evs.Cli.Web;

/// <summary>What a live page shows and what it may do.</summary>
/// <param name="Title">The page's title.</param>
/// <param name="View">The events and frames.</param>
/// <param name="Nodes">The nodes the page's controls drive (evs cluster), or null for a page that only shows.</param>
/// <param name="Command">Handles the lines of the prompt a page posts, and returns the answer's text (with <see cref="Nodes"/>).</param>
/// <param name="TracePath">The trace file served at /trace (evs node), or null.</param>
internal sealed record LiveSite(string Title, LiveView View, IReadOnlyList<string>? Nodes = null, Func<string, Task<string>>? Command = null, string? TracePath = null);

/// <summary>A running live view server.</summary>
internal sealed class LiveServer : IAsyncDisposable
{
    /// <summary>The header that carries the run's token with a command.</summary>
    public const string TokenHeader = "X-Evs-Token";

    /// <summary>How long /trace stays silent at most: a reader that hears nothing for three times this takes the node as lost.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(3);

    // A command is a line or two of the prompt: anything longer is not one.
    private const int MostCommandBytes = 4096;

    private readonly WebApplication _app;

    private LiveServer(WebApplication app, IReadOnlyList<string> urls)
    {
        _app = app;
        Urls = urls;
    }

    /// <summary>The URLs to open the page at.</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>Starts serving <paramref name="site"/> at <paramref name="endPoint"/>.</summary>
    /// <exception cref="IOException">The address cannot be listened on (in use, not this machine's).</exception>
    public static async Task<LiveServer> StartAsync(LiveSite site, IPEndPoint endPoint)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders(); // the prompt is the console's: the server says nothing there
        builder.Services.AddSingleton<IHostLifetime, NoSignals>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k => k.Listen(endPoint));
        var app = builder.Build();
        string token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        string page = Page(site, token);
        app.Use(OnlyByAddress);
        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/plotly.js", () => Results.Text(ChartHtml.PlotlyJavaScript(), "text/javascript; charset=utf-8"));
        app.MapGet("/frames", (HttpContext http) => FramesAsync(http, site.View, app.Lifetime.ApplicationStopping));
        app.MapGet("/figure.json", async (string? axis, HttpContext http) =>
            Results.Text(await site.View.NextFrameAsync(LiveFrame.AxisOf(axis), http.RequestAborted), "application/json"));
        if (site.Command is { } command) app.MapPost("/command", (Func<HttpContext, Task<IResult>>)(http => CommandAsync(http, token, command)));
        if (site.TracePath is { } trace) app.MapGet("/trace", (HttpContext http) => TraceAsync(http, trace, app.Lifetime.ApplicationStopping));
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).Select(u => new IPEndPoint(endPoint.Address, u.Port)).First();
        return new LiveServer(app, WebOptions.Urls(bound));
    }

    /// <summary>Stops serving: every stream ends.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // The page, with what it needs to know written into it: the title, the token, the nodes of the controls.
    private static string Page(LiveSite site, string token)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Evs.Cli.Web.LivePage.html")
            ?? throw new InvalidOperationException("the live page (Web/LivePage.html) is not in the evs assembly");
        using var reader = new StreamReader(stream);
        var settings = JsonSerializer.Serialize(new { title = site.Title, token, nodes = site.Nodes }); // escapes < and >: safe inside <script>
        return reader.ReadToEnd().Replace("{{TITLE}}", WebUtility.HtmlEncode(site.Title), StringComparison.Ordinal)
            .Replace("{{SETTINGS}}", settings, StringComparison.Ordinal);
    }

    // The frames, as Server-Sent Events, until the browser goes or the server stops. The writes
    // wait for the browser; the view never does (LatestFrameQueue).
    private static async Task FramesAsync(HttpContext http, LiveView view, CancellationToken stopping)
    {
        using var viewer = view.Look(LiveFrame.AxisOf(http.Request.Query["axis"]));
        using var end = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        StartEvents(http);
        try
        {
            while (true)
            {
                string frame = await viewer.Frames.TakeAsync(end.Token);
                await WriteEventAsync(http, $"{{\"skipped\":{viewer.Frames.Dropped},{frame[1..]}", end.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went, or the server stops.
        }
    }

    // The trace file's lines as they are written, one event each, from the first line; a comment
    // every few seconds when nothing is written, so that a reader can tell a quiet node from a lost one.
    private static async Task TraceAsync(HttpContext http, string path, CancellationToken stopping)
    {
        using var end = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        StartEvents(http);
        var tail = new TraceTail(path);
        var quiet = TimeSpan.Zero;
        try
        {
            while (true)
            {
                var lines = tail.ReadLines();
                foreach (var line in lines) await WriteEventAsync(http, line, end.Token);
                quiet = lines.Count > 0 ? TimeSpan.Zero : quiet + TraceFileSource.PollInterval;
                if (quiet >= KeepAlive)
                {
                    await http.Response.WriteAsync(":\n\n", end.Token);
                    await http.Response.Body.FlushAsync(end.Token);
                    quiet = TimeSpan.Zero;
                }
                if (!tail.MoreToRead) await Task.Delay(TraceFileSource.PollInterval, end.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The reader went, or the server stops.
        }
    }

    private static void StartEvents(HttpContext http)
    {
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
    }

    // One Server-Sent Event: each line of the data after "data: " (a reader joins them with '\n').
    private static async Task WriteEventAsync(HttpContext http, string data, CancellationToken cancellation)
    {
        var text = new StringBuilder();
        foreach (var line in data.Split('\n')) text.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        await http.Response.WriteAsync(text.Append('\n').ToString(), cancellation);
        await http.Response.Body.FlushAsync(cancellation);
    }

    // A line (or lines) of the prompt from the page, after the checks that it is the page's.
    private static async Task<IResult> CommandAsync(HttpContext http, string token, Func<string, Task<string>> command)
    {
        if (CommandProblem(http, token) is { } problem) return Results.Text(problem, statusCode: StatusCodes.Status403Forbidden);
        var body = new byte[MostCommandBytes + 1];
        int length = 0, read;
        while (length < body.Length && (read = await http.Request.Body.ReadAsync(body.AsMemory(length), http.RequestAborted)) > 0) length += read;
        if (length > MostCommandBytes) return Results.Text($"a command is at most {MostCommandBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge);
        return Results.Text(await command(Encoding.UTF8.GetString(body, 0, length)), "text/plain; charset=utf-8");
    }

    // Why a command is refused, or null: it must carry the token and come from this server's page
    // (the server is named by its address: OnlyByAddress has seen to it).
    private static string? CommandProblem(HttpContext http, string token)
    {
        var given = Encoding.UTF8.GetBytes(http.Request.Headers[TokenHeader].ToString());
        if (!CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(token)))
            return $"refused: no {TokenHeader} of this run (commands come from the page this server serves; reload it)";
        string origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && origin != $"{http.Request.Scheme}://{http.Request.Host}")
            return $"refused: a command from {origin}, not from this server's page";
        return null;
    }

    // Every request (the page, its frames, a node's trace, the cluster's commands) is answered only
    // when the server is named by its address: a web page elsewhere cannot make a browser read the
    // run, or command the cluster, through a host name it points at this machine.
    private static async Task OnlyByAddress(HttpContext http, RequestDelegate next)
    {
        if (HostProblem(http) is { } problem)
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsync(problem, http.RequestAborted);
            return;
        }
        await next(http);
    }

    // Why a request naming the server by a host name is refused, or null for an address (or localhost).
    private static string? HostProblem(HttpContext http)
    {
        string host = http.Request.Host.Host;
        return host == "localhost" || IPAddress.TryParse(host.Trim('[', ']'), out _) ? null
            : $"refused: open this page by the server's address (http://ADDRESS:{http.Connection.LocalPort}/), not by the name {host}";
    }

    // The server ends when the command ends it, never on a signal: evs node and evs cluster handle
    // Ctrl-C themselves, to stop their nodes cleanly first.
    private sealed class NoSignals : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
