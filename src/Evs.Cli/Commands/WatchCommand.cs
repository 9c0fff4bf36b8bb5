// `evs watch`: the instructor's picture of a class on a LAN. Each laptop runs one `evs node
// --web`, whose page shows its own trace and serves its trace lines at /trace; `evs watch`
// follows the streams of all of them and draws the union as one space-time diagram, on the
// instructor's screen, ordered by the paper's logical time (the ord of Specification 6 over the
// events of every process), never by the laptops' clocks, which disagree. A laptop that goes
// away is shown as unreachable and tried again; the others go on.
using System.CommandLine;
using System.Runtime.InteropServices;
using Evs.Cli.Network;
using Evs.Cli.Web;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class WatchCommand
{
    public static Command Create()
    {
        var urls = new Argument<string[]>("urls") { Description = "The pages of the nodes to join, each an evs node --web: http://HOST:PORT (e.g. http://192.168.1.12:8080).", Arity = ArgumentArity.OneOrMore };
        var web = WebOptions.Web("the nodes' events joined", WebOptions.WatchPort);
        var webEvents = WebOptions.Events();
        var command = new Command("watch", $"Join the live views of several evs node --web into one picture, served at http://127.0.0.1:{WebOptions.WatchPort}/ (--web to change it), until Ctrl-C. Exit 2: a bad URL, or the page cannot be served.")
        {
            urls, web, webEvents,
        };
        command.SetAction(async (parse, _) =>
        {
            NodeConsole.UnwrappedWhenRedirected();
            List<Uri> nodes;
            WebPlan plan;
            try
            {
                nodes = NodeUrls(parse.GetValue(urls)!);
                plan = WebOptions.Always(parse, web, webEvents, WebOptions.WatchPort);
            }
            catch (FormatException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]evs watch:[/] {ex.Message}");
                return ExitCodes.BadInput;
            }
            return await WatchAsync(nodes, plan);
        });
        return command;
    }

    /// <summary>
    /// The URLs of the nodes' pages, checked: each http://HOST:PORT with nothing after it, each once.
    /// </summary>
    /// <exception cref="FormatException">A URL is not one, or is given twice.</exception>
    public static List<Uri> NodeUrls(IReadOnlyList<string> texts)
    {
        var nodes = new List<Uri>();
        foreach (var text in texts)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
                throw new FormatException($"\"{text}\" is not the URL of an evs node --web page: give http://HOST:PORT, e.g. http://192.168.1.12:8080");
            if (uri.Scheme == Uri.UriSchemeHttps)
                throw new FormatException($"\"{text}\": evs node --web serves http, not https: give http://{uri.Authority}");
            if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
                throw new FormatException($"\"{text}\" has a path: give the node's page only, http://{uri.Authority} (its trace stream is found at /trace)");
            if (nodes.Any(n => n.Authority == uri.Authority))
                throw new FormatException($"{uri.Authority} is given twice");
            nodes.Add(uri);
        }
        return nodes;
    }

    // Serves the joined picture until Ctrl-C or SIGTERM; every change of a node's stream is said on the console too.
    private static async Task<int> WatchAsync(List<Uri> nodes, WebPlan plan)
    {
        var console = new NodeConsole();
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3) }) { Timeout = Timeout.InfiniteTimeSpan };
        var streams = nodes.Select(n => new TraceStreamSource(n, http, s => console.Line($"{(s.Ok ? "[green]" : "[yellow]")}{Markup.Escape(s.Name)}: {Markup.Escape(s.State)}[/]"))).ToList();
        string title = $"evs watch: {string.Join(", ", streams.Select(s => s.Name))}";
        var view = new LiveView(title, plan.Events, () => [.. streams.Select(s => s.State)]);
        LiveWeb web;
        try
        {
            web = await LiveWeb.StartAsync(plan.At, new LiveSite(title, view), stop => Task.WhenAll(streams.Select(s => s.FollowAsync(view, stop))));
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            console.Line($"[red]evs watch: the page cannot be served at {plan.At}:[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.BadInput;
        }
        await using (web)
        {
            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
            console.Line($"[bold]evs watch[/] of {nodes.Count} node{(nodes.Count == 1 ? "" : "s")} ({Markup.Escape(string.Join(", ", streams.Select(s => s.Name)))}), in the paper's logical time");
            console.Line($"[bold]live view:[/] {Markup.Escape(web.Where)}   [grey](Ctrl-C stops)[/]");
            await stop.Task;
        }
        return ExitCodes.Ok;
    }
}
