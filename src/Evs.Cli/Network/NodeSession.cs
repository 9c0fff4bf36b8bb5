// `evs node` in the foreground: one process of the group, started with the library's EvsNode,
// with three doors — lines typed on standard input, the control socket, and signals — and one
// window: every delivery and configuration change printed as it happens. Whatever door a stop
// comes by (/quit, `evs ctl NODE quit`, end of input, Ctrl-C, SIGTERM), the node stops the same
// clean way: the runtime stops it, the control socket answers what is in flight and goes away.
// With --web, a live page draws the node's trace file as it grows, and serves its lines at
// /trace, from which `evs watch` joins several nodes into one picture. With --group, the node
// joins that named group once it has started: what is typed goes to the group, and the group's
// views and messages show beside the ring's configurations.
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Evs.Cli.Commands;
using Evs.Cli.Web;
using Evs.Reference.Model;
using Evs.Reference.Storage;
using Evs.Runtime;
using Evs.Runtime.Storage;
using Evs.Runtime.Wire;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Evs.Cli.Network;

/// <summary>A running node with its prompt, its event printer and its control socket.</summary>
internal sealed class NodeSession
{
    private const string Help =
        "Type a line to send it. /safe, /agreed, /causal switch the delivery service; /status; "
        + "/block P... cuts traffic to and from peers (/block P... in: only what they send; /block P... out: only what is sent to them), "
        + "/isolate cuts it all, /heal restores it; /quit stops (so does Ctrl-C or the end of input).";

    private readonly EvsNode _node;
    private readonly NodeConsole _console;
    private readonly NodeController _controller;
    private readonly LiveWeb? _live;
    private readonly NamedGroup? _group;
    private readonly IAsyncEnumerable<EvsNodeEvent> _events;
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DeliveryService _service = DeliveryService.Agreed;

    private NodeSession(EvsNode node, NamedGroup? group, IAsyncEnumerable<EvsNodeEvent> events, NodeConsole console, LiveWeb? live)
    {
        _node = node;
        _group = group;
        _events = events;
        _console = console;
        _live = live;
        _controller = new NodeController(node, StopAsync, group, line => _console.Line($"[red]{Markup.Escape(line)}[/]"));
    }

    /// <summary>
    /// Starts the node of <paramref name="options"/>, listens on <paramref name="controlPath"/> and
    /// runs until it is stopped, reading lines from standard input when <paramref name="readInput"/>. Returns the exit code: 0 after a clean stop, 1 when the node
    /// failed, 2 when it could not start (the message says why). With <paramref name="web"/>, the
    /// live page of its trace file (<see cref="EvsNodeOptions.TracePath"/>, which it then needs) is served there.
    /// With <paramref name="group"/>, the node joins that named group and sends to it; a join that
    /// cannot be done stops the node (exit 2).
    /// </summary>
    public static async Task<int> RunAsync(EvsNodeOptions options, string controlPath, ILoggerFactory loggers, bool readInput, WebPlan? web = null, string? group = null)
    {
        var console = new NodeConsole();
        LiveWeb? live = null;
        try
        {
            if (web is not null) live = await StartWebAsync(options, web);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            console.Line($"[red]{options.Id}: the live view cannot listen at {web!.At}:[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.BadInput;
        }
        try
        {
            return await RunNodeAsync(options, controlPath, loggers, readInput, console, live, group);
        }
        finally
        {
            if (live is not null) await live.DisposeAsync();
        }
    }

    // The live page of the node's trace file, which it also serves line by line at /trace.
    private static async Task<LiveWeb> StartWebAsync(EvsNodeOptions options, WebPlan web)
    {
        var trace = options.TracePath ?? throw new ArgumentException("the live view draws the node's trace: it needs a trace file", nameof(options));
        var title = $"evs node {options.Id}";
        var file = new TraceFileSource([trace]);
        var view = new LiveView(title, web.Events, () => [new SourceState(options.Id.Name, "this node", Ok: true), .. file.Problems]);
        return await LiveWeb.StartAsync(web.At, new LiveSite(title, view, TracePath: trace), stop => file.FollowAsync(view, stop));
    }

    private static async Task<int> RunNodeAsync(EvsNodeOptions options, string controlPath, ILoggerFactory loggers, bool readInput, NodeConsole console, LiveWeb? live, string? groupName)
    {
        EvsNode node;
        try
        {
            node = await EvsNode.StartAsync(options, loggers);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or SocketException
            or KeyFileException or StableStorageException)
        {
            var message = ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
            console.Line($"[red]{options.Id} cannot start:[/] {Markup.Escape(message)}");
            return ExitCodes.BadInput;
        }
        // Subscribed before the join: the group's first views are printed too.
        var events = node.Events();
        NamedGroup? group = null;
        if (groupName is not null)
        {
            try
            {
                group = await node.JoinAsync(groupName);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                await node.StopAsync();
                console.Line($"[red]{options.Id} cannot join group {Markup.Escape(groupName)}:[/] {Markup.Escape(ex.Message)}");
                return ExitCodes.BadInput;
            }
        }
        var session = new NodeSession(node, group, events, console, live);
        ControlServer server;
        try
        {
            server = ControlServer.Start(controlPath, session._controller);
        }
        catch (Exception ex) when (ex is IOException or SocketException or UnauthorizedAccessException)
        {
            await node.StopAsync();
            console.Line($"[red]{options.Id} cannot listen for control:[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.BadInput;
        }
        return await session.RunAsync(server, readInput);
    }

    // Runs until a stop is asked for; reads standard input unless told not to (a node in the background).
    private async Task<int> RunAsync(ControlServer server, bool readInput)
    {
        PrintBanner(server.Path);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var printing = PrintEventsAsync();
        if (readInput)
        {
            _ = Task.Run(ReadInputAsync);
            _console.Prompt(PromptMarkup);
        }
        await _stopRequested.Task;
        var final = await StopAsync(NodeStop.Leave);
        await server.DisposeAsync();
        await printing;
        _console.Prompt("");
        _console.Line($"[grey]{Markup.Escape(NodeReport.Of(_node, final).OneLine())}[/]");
        return _node.Host.Fault is null ? ExitCodes.Ok : ExitCodes.Violation;
    }

    private string PromptMarkup => $"[bold]{_service.ToName()}[/]> ";

    // Stops the node (the first stop asked for decides how, see NodeHost) and then the session; returns the node's final state.
    // The end of a run stops without failing: nothing more is traced, so the trace ends in the node's last configuration.
    private Task<NodeStatus> StopAsync(NodeStop how)
    {
        var stopping = how == NodeStop.EndOfRun ? _node.EndRunAsync() : _node.Host.StopAsync();
        _stopRequested.TrySetResult();
        return stopping;
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // stop cleanly instead of dying
        _stopRequested.TrySetResult();
    }

    private void PrintBanner(string controlPath)
    {
        var o = _node.Host.Options;
        var network = o.Multicast is { } m
            ? $"multicast to {m.Group} from interface {o.BindEndPoint.Address}" + (o.Peers.Count == 0 ? "; peers are learned as they are heard" : $"; peers {Peers(o)}")
                + (o.Members is { } members ? $"; members {string.Join(", ", members.Order())} only" : o.KeyFile is null ? "; any process may join" : "; any process with the cluster's key may join")
            : $"unicast to {Peers(o)}";
        _console.Line($"[bold]evs node {Markup.Escape(o.Id.Name)}[/] at {_node.LocalEndPoint}, cluster \"{Markup.Escape(o.ClusterName)}\", {Markup.Escape(network)}");
        _console.Line($"[grey]store {Markup.Escape(o.Store)}; trace {Markup.Escape(o.TracePath ?? "none")}; control socket {Markup.Escape(controlPath)}[/]");
        if (o.KeyFile is null)
            _console.Line($"[bold white on red] OPEN CLUSTER [/] [bold red]no --key: datagrams are neither authenticated nor encrypted. Anyone who can reach port {_node.LocalEndPoint.Port} can read every message and speak for any process. Write a key with `evs keygen FILE` and give every node --key FILE.[/]");
        else
            _console.Line($"[green]key {Markup.Escape(o.KeyFile)}: datagrams are encrypted and authenticated ({o.Security})[/]");
        if (o.PrimaryComponent is { } primary) _console.Line($"[grey]primary component algorithm: {Markup.Escape(primary)}[/]");
        if (o.VirtualSynchrony)
            _console.Line($"[grey]virtual synchrony: views of the primary component only, sends refused outside it; filtered history {Markup.Escape(o.VsTracePath ?? "not written")}[/]");
        if (_live is { } live)
        {
            _console.Line($"[bold]live view:[/] {Markup.Escape(live.Where)} [grey](evs watch with this node's URL and the other nodes' draws them in one picture)[/]");
            if (live.Urls.Count > 1)
                _console.Line($"[yellow]the page and its /trace show this node's run{(o.TraceText ? ", what was typed included," : "")} to anyone who can reach {Markup.Escape(string.Join(", ", live.Urls.Skip(1)))}[/]");
        }
        if (_group is { } group)
            _console.Line($"[bold]group {Markup.Escape(group.Name)}:[/] [grey]lines typed here and evs ctl send go to this named group; its views (◇) and messages show beside the ring's configurations[/]");
        _console.Line($"[grey]{Markup.Escape(Help)}[/]");
    }

    // The other processes' addresses, as configured.
    private static string Peers(EvsNodeOptions o)
    {
        var others = o.Peers.Where(p => p.Key != o.Id).OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}").ToList();
        return others.Count == 0 ? "no other process (a group of one)" : string.Join(", ", others);
    }

    // Every event of the node, as it happens, until the node stops; a failure of the node stops the session.
    private async Task PrintEventsAsync()
    {
        var view = new EventView();
        try
        {
            await foreach (var e in _events) _console.Line(view.Markup(EventLine.Of(e)));
        }
        catch (Exception ex) when (_node.Host.Fault is not null)
        {
            _console.Line($"[bold red]{_node.Id} has failed and stops:[/] {Markup.Escape(ex.Message)}");
            _stopRequested.TrySetResult();
        }
    }

    // Standard input, line by line, until its end (which stops the node, as /quit does).
    private async Task ReadInputAsync()
    {
        while (!_stopRequested.Task.IsCompleted && await Console.In.ReadLineAsync() is { } line)
        {
            await HandleAsync(line);
            if (!_stopRequested.Task.IsCompleted) _console.Prompt(PromptMarkup);
        }
        _stopRequested.TrySetResult();
    }

    // One typed line: a command after '/', or a message to send with the current service.
    private async Task HandleAsync(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        if (!line.StartsWith('/'))
        {
            Show(await _controller.ExecuteAsync(new ControlRequest.Send(_service, line), CancellationToken.None), quietWhenDone: true);
            return;
        }
        var command = line[1..].Trim();
        if (DeliveryServiceNames.TryParse(command, out var service))
        {
            _service = service;
            _console.Line($"[grey]lines are sent {service.ToName()} from now on[/]");
        }
        else if (command == "help")
        {
            _console.Line($"[grey]{Markup.Escape(Help)}[/]");
        }
        else
        {
            ControlRequest request;
            try
            {
                request = ControlRequest.Parse(command);
            }
            catch (FormatException ex)
            {
                _console.Line($"[red]{Markup.Escape(ex.Message)}[/] [grey](nothing was sent; /help)[/]");
                return;
            }
            Show(await _controller.ExecuteAsync(request, CancellationToken.None), quietWhenDone: false);
        }
    }

    private void Show(ControlReply reply, bool quietWhenDone)
    {
        if (!reply.Ok) _console.Line($"[red]{Markup.Escape(reply.Message)}[/]");
        else if (reply.Status is { } status && status.Running) _console.Write(StatusView.Grid(status));
        else if (!quietWhenDone) _console.Line($"[grey]{Markup.Escape(reply.Message)}[/]");
    }
}
