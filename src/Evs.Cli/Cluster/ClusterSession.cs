// `evs cluster` at work: N `evs node` processes on this machine and one prompt for all of them.
// Everything goes through each node's control socket (ControlServer): sends, partitions (each node
// blocks everyone outside its group), one-way cuts and flapping links (issue #17), status, quit;
// and the deliveries and configuration changes the cluster shows, prefixed by the node's id, come
// from each node's `events` stream. That is simpler and sturdier than reading the children's
// standard output: the stream is structured JSON, says exactly one event per line, and survives no
// reformatting of the node's display; the children's output goes to a log file per node instead.
// With --web, a live page draws the run as it happens from the nodes' trace files, and its
// controls post lines of this prompt, which are handled exactly as typed ones (HandleAsync), one
// command at a time whichever door it came by, echoed and answered on the console. The chat is a
// named group that every node joins (evs node --group): a line goes to the group, and each node's
// group views and group messages show beside its ring configurations.
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Evs.Cli.Network;
using Evs.Cli.Web;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Runtime;
using Spectre.Console;

namespace Evs.Cli.Cluster;

/// <summary>Runs the nodes of one cluster and the prompt that drives them.</summary>
internal sealed class ClusterSession
{
    private const string Help =
        "A line is sent from p1 (\"p3: text\" from p3){0}. /safe /agreed /causal switch the service; /partition p1,p2 p3 (nodes not named form one more group); "
        + "/cut p1>p3 (one way: what p1 sends p3 is lost, what p3 sends p1 passes); /flap p2 300 (p2's links go down and up every 300 ms); "
        + "/heal ends them all; /kill p3 (SIGKILL); /restart p3; /status; /quit stops every node, and marks the traces quiescent when the cluster settled.";

    private static readonly string[] Colours = ["blue", "magenta", "cyan", "orange1", "green", "purple", "yellow", "red"];

    private readonly IReadOnlyList<ClusterNode> _nodes;
    private readonly string _directory;
    private readonly TimeSpan _settle;
    private readonly NodeConsole _console;
    private readonly TaskCompletionSource _quitRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _followers = [];
    private readonly MembershipSettings _membership;
    private readonly WebPlan? _web;
    private readonly SemaphoreSlim _oneCommandAtATime = new(1, 1);
    private LiveWeb? _live;
    private List<HashSet<ProcessId>>? _partition;
    private readonly SortedSet<(ProcessId From, ProcessId To)> _oneWay = [];
    private readonly Dictionary<ProcessId, LinkFlap> _flaps = [];
    private DeliveryService _service = DeliveryService.Agreed;
    private readonly string? _group;

    /// <summary>
    /// A session over <paramref name="nodes"/>, whose files are in <paramref name="directory"/>; /quit
    /// waits up to <paramref name="settle"/> for quiescence. <paramref name="membership"/> is the
    /// nodes' timeouts, which the prompt names while a class waits for a partition or a kill to show.
    /// With <paramref name="web"/>, the live page is served there. <paramref name="group"/> is the
    /// named group every node joined, to which the lines go; null when they go to the ring.
    /// </summary>
    public ClusterSession(IReadOnlyList<ClusterNode> nodes, string directory, TimeSpan settle, MembershipSettings membership, NodeConsole console, WebPlan? web = null, string? group = null)
    {
        _group = group;
        _nodes = nodes;
        _directory = directory;
        _settle = settle;
        _membership = membership;
        _console = console;
        _web = web;
    }

    // The prompt's help, naming the group the lines go to.
    private string HelpText => string.Format(CultureInfo.InvariantCulture, Help, _group is null ? "" : $" to group {_group}");

    private string Waiting(string who) => $"[grey]{Markup.Escape(MembershipWait.Sentence(who, _membership))}[/]";

    /// <summary>
    /// Starts every node, runs the prompt until /quit, the end of input or a signal, then stops
    /// them all. Returns 0 when the run ended quiescent, 1 when it ended otherwise (its traces can
    /// still be checked for safety), 2 when the nodes could not start.
    /// </summary>
    public async Task<int> RunAsync(bool open)
    {
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            if (_web is { } plan) _live = await StartWebAsync(plan);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            _console.Line($"[red]the live view cannot listen at {_web!.At}:[/] {Markup.Escape(ex.Message)}");
            return Commands.ExitCodes.BadInput;
        }
        try
        {
            return await RunNodesAsync(open);
        }
        finally
        {
            await StopLiveViewAsync();
        }
    }

    private async Task<int> RunNodesAsync(bool open)
    {
        await _oneCommandAtATime.WaitAsync(); // the page's controls wait until the nodes have started
        try
        {
            await Task.WhenAll(_nodes.Select(n => StartAsync(n, _console.Line)));
        }
        catch (InvalidOperationException ex)
        {
            _console.Line($"[red]the cluster cannot start:[/] {Markup.Escape(ex.Message)}");
            await StopAllAsync(TimeSpan.Zero);
            return Commands.ExitCodes.BadInput;
        }
        finally
        {
            _oneCommandAtATime.Release();
        }
        PrintBanner(open);
        await WaitForOneRingAsync();
        _ = Task.Run(ReadInputAsync);
        _console.Prompt(PromptMarkup);
        await _quitRequested.Task;
        _console.Prompt("");
        bool quiescent = await QuitAsync();
        return quiescent ? Commands.ExitCodes.Ok : Commands.ExitCodes.Violation;
    }

    // The live page: the nodes' trace files followed, the nodes' states on its status line, and
    // its controls answered by the prompt.
    private async Task<LiveWeb> StartWebAsync(WebPlan plan)
    {
        var title = $"evs cluster: {string.Join(", ", _nodes.Select(n => n.Id))}";
        var files = new TraceFileSource([.. _nodes.Select(n => n.TracePath)]);
        var view = new LiveView(title, plan.Events, () => [.. NodeStates(), .. files.Problems]);
        var site = new LiveSite(title, view, [.. _nodes.Select(n => n.Id.Name)], CommandFromPageAsync);
        return await LiveWeb.StartAsync(plan.At, site, stop => files.FollowAsync(view, stop));
    }

    // Each node's state for the page's status line: running, or why not.
    private List<SourceState> NodeStates() =>
        [.. _nodes.Select(n => n.IsRunning ? new SourceState(n.Id.Name, "running", Ok: true) : new SourceState(n.Id.Name, n.Absence ?? "not started", Ok: false))];

    private string PromptMarkup => $"[bold]{_service.ToName()}[/]> ";

    // Ctrl-C reaches the nodes too (one process group): they stop by themselves; the cluster then quits as after /quit.
    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _quitRequested.TrySetResult();
    }

    private void PrintBanner(bool open)
    {
        _console.Line($"[bold]evs cluster[/]: {_nodes.Count} nodes ({string.Join(", ", _nodes.Select(n => n.Id))}), each an evs node process; files in {Markup.Escape(_directory)} (stores, traces *.jsonl, logs *.log)");
        if (_nodes.Any(n => n.VsTracePath is not null))
            _console.Line($"[grey]virtual synchrony: every node shows views of the primary component only and refuses sends outside it; virtual synchrony traces in {Markup.Escape(Path.Combine(_directory, Commands.ClusterCommand.VsDirectory))}[/]");
        if (_group is { } group)
            _console.Line($"[grey]the chat is the named group {Markup.Escape(group)}: every node joined it, the lines go to it, and its views (◇) and messages show beside the ring's configurations[/]");
        if (open) _console.Line("[bold white on red] OPEN CLUSTER [/] [bold red]no --key: datagrams are neither authenticated nor encrypted (evs keygen FILE, then --key FILE).[/]");
        if (_live is { } web)
        {
            _console.Line($"[bold]live view:[/] {Markup.Escape(web.Where)}");
            if (!IPAddress.IsLoopback(_web!.At.Address))
                _console.Line($"[yellow]the page's controls send, partition, kill and restart: anyone who can reach {_web.At} can use them[/]");
        }
        _console.Line($"[grey]{Markup.Escape(HelpText)}[/]");
    }

    // Lets the nodes find each other before the first line is sent, so that it is not sent in a ring of one.
    private async Task WaitForOneRingAsync()
    {
        _console.Line("[grey]waiting for the nodes to form one ring…[/]");
        bool formed;
        try
        {
            formed = await SettleAsync(_nodes);
        }
        catch (ControlUnreachableException ex)
        {
            _console.Line($"[red]{Markup.Escape(ex.Message)}[/]");
            return;
        }
        _console.Line(formed ? "[green]one ring of every node: type a line to send it[/]" : $"[yellow]no ring of every node within {_settle.TotalSeconds:0.#} s; the prompt is open all the same (/status)[/]");
    }

    // Starts (or restarts) a node, applies the cuts in force (a refusal said with say), and follows its events.
    private async Task StartAsync(ClusterNode node, Action<string> say)
    {
        await node.StartAsync(_stop.Token);
        if (HasCuts(node.Id)) await ApplyCutsAsync(node, say);
        lock (_followers) _followers.Add(Task.Run(() => FollowAsync(node)));
    }

    // Prints the node's events, prefixed by its id, until its stream ends; then says why.
    private async Task FollowAsync(ClusterNode node)
    {
        var prefix = $"[{Colours[_nodes.ToList().IndexOf(node) % Colours.Length]}]{Markup.Escape(node.Id.Name)}[/] │ ";
        var view = new EventView();
        try
        {
            await foreach (var e in ControlClient.EventsAsync(node.ControlPath, _stop.Token)) _console.Line(prefix + view.Markup(e));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (ControlUnreachableException ex)
        {
            _console.Line(prefix + $"[red]{Markup.Escape(ex.Message)}[/]");
            return;
        }
        await node.WaitForExitAsync(TimeSpan.FromSeconds(5));
        _console.Line(prefix + $"[red]{Markup.Escape(node.Absence ?? "stopped")}[/]");
        _live?.Changed();
    }

    // Standard input, line by line, until /quit or its end.
    private async Task ReadInputAsync()
    {
        while (!_quitRequested.Task.IsCompleted && await Console.In.ReadLineAsync() is { } line)
        {
            await HandleAsync(line, new CommandAnswer(_console));
            if (!_quitRequested.Task.IsCompleted) _console.Prompt(PromptMarkup);
        }
        _quitRequested.TrySetResult();
    }

    // Lines of the prompt posted by the live page, handled one after the other as if typed; the
    // console shows each with its answer, and the page gets the answers' text. /quit is the
    // instructor's, at the console: whoever has the page (a whole class, on a LAN) may drive the
    // demo, not end it.
    private async Task<string> CommandFromPageAsync(string lines)
    {
        var answer = new CommandAnswer(_console);
        foreach (var line in lines.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0))
        {
            _console.Line($"[grey]page>[/] {Markup.Escape(line)}");
            if (line.Trim() == "/quit") answer.Line("[red]/quit is typed at the cluster's prompt, not sent from the page: nothing was done[/]");
            else await HandleAsync(line, answer);
        }
        return answer.Text;
    }

    // One line, typed or posted by the page, handled when no other is: a command after '/', or a
    // message to send. A node that cannot be reached is said in the answer.
    private async Task HandleAsync(string line, CommandAnswer answer)
    {
        await _oneCommandAtATime.WaitAsync();
        try
        {
            if (_quitRequested.Task.IsCompleted) answer.Line("[red]the cluster is stopping (/quit): nothing was done[/]");
            else await HandleOneAsync(line, answer);
        }
        catch (Exception ex) when (ex is ControlUnreachableException or InvalidOperationException)
        {
            answer.Line($"[red]{Markup.Escape(ex.Message)}[/]");
        }
        finally
        {
            _oneCommandAtATime.Release();
            _live?.Changed(); // a node killed or restarted shows on the page's status line at once
        }
    }

    private async Task HandleOneAsync(string line, CommandAnswer answer)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        if (!line.StartsWith('/'))
        {
            await SendAsync(line, answer);
            return;
        }
        var words = line[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var command = words.Length == 0 ? "" : words[0];
        var arguments = words.Skip(1).ToList();
        if (DeliveryServiceNames.TryParse(command, out var service))
        {
            _service = service;
            answer.Line($"[grey]lines are sent {service.ToName()} from now on[/]");
            return;
        }
        switch (command)
        {
            case "partition": await PartitionAsync(arguments, answer); break;
            case "cut": await CutAsync(arguments, answer); break;
            case "flap": await FlapAsync(arguments, answer); break;
            case "heal": await HealAsync(answer); break;
            case "kill": await KillAsync(arguments, answer); break;
            case "restart": await RestartAsync(arguments, answer); break;
            case "status": await StatusAsync(answer); break;
            case "quit": _quitRequested.TrySetResult(); break;
            case "help": answer.Line($"[grey]{Markup.Escape(HelpText)}[/]"); break;
            default: answer.Line($"[red]unknown command /{Markup.Escape(command)}[/] [grey](nothing was sent; /help)[/]"); break;
        }
    }

    // "p3: text" is sent from p3 when p3 is a node of the cluster; any other line from p1.
    private async Task SendAsync(string line, CommandAnswer answer)
    {
        var sender = _nodes[0];
        var text = line;
        int colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0 && _nodes.FirstOrDefault(n => n.Id.Name == line[..colon]) is { } named)
        {
            sender = named;
            text = line[(colon + 2)..];
        }
        if (!sender.IsRunning)
        {
            answer.Line($"[red]{sender.Id} is {Markup.Escape(sender.Absence!)}: not sent[/] [grey](send from another node with \"p2: text\")[/]");
            return;
        }
        var reply = await sender.RequestAsync(new ControlRequest.Send(_service, text));
        if (!reply.Ok) answer.Line($"[red]{Markup.Escape(reply.Message)}[/]");
    }

    // Each node blocks every node outside its group; the nodes not named form one more group.
    private async Task PartitionAsync(IReadOnlyList<string> arguments, CommandAnswer answer)
    {
        var groups = new List<HashSet<ProcessId>>();
        foreach (var argument in arguments)
        {
            var group = new HashSet<ProcessId>();
            foreach (var name in argument.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (_nodes.All(n => n.Id.Name != name)) { answer.Line($"[red]no node {Markup.Escape(name)} in this cluster[/]"); return; }
                var id = new ProcessId(name);
                if (groups.Any(g => g.Contains(id)) || !group.Add(id)) { answer.Line($"[red]{Markup.Escape(name)} is in two groups[/]"); return; }
            }
            if (group.Count > 0) groups.Add(group);
        }
        var rest = _nodes.Select(n => n.Id).Where(id => !groups.Any(g => g.Contains(id))).ToHashSet();
        if (rest.Count > 0) groups.Add(rest);
        if (groups.Count < 2) { answer.Line("[red]a partition needs at least two groups:[/] /partition p1,p2 p3"); return; }
        _partition = groups;
        foreach (var node in _nodes.Where(n => n.IsRunning)) await ApplyCutsAsync(node, answer.Line);
        answer.Line($"[grey]partitioned: {Markup.Escape(string.Join(" | ", groups.Select(g => string.Join(",", g.Order()))))}[/]");
        answer.Line(Waiting("waiting: the nodes notice the cut"));
    }

    // Whether anything is cut at the node: a partition, a one-way cut it receives, its links down.
    private bool HasCuts(ProcessId id) =>
        _partition is not null || _oneWay.Any(c => c.To == id) || _flaps.GetValueOrDefault(id) is { Down: true };

    // Heals the node, then makes every cut in force at it again: it blocks everyone outside its group
    // of the partition, blocks in what comes from the nodes cut one way from it, and blocks everyone
    // while its links are down (a flap); says a refusal with say.
    private async Task ApplyCutsAsync(ClusterNode node, Action<string> say)
    {
        await Expect(node, new ControlRequest.Heal(), say);
        if (_partition is not null)
        {
            var group = _partition.First(g => g.Contains(node.Id));
            var outside = _nodes.Select(n => n.Id).Where(id => !group.Contains(id)).Order().ToList();
            if (outside.Count > 0) await Expect(node, new ControlRequest.Block([.. outside]), say);
        }
        var lostFrom = _oneWay.Where(c => c.To == node.Id).Select(c => c.From).ToList();
        if (lostFrom.Count > 0) await Expect(node, new ControlRequest.Block([.. lostFrom], TrafficDirection.In), say);
        if (_flaps.GetValueOrDefault(node.Id) is { Down: true }) await Expect(node, new ControlRequest.Block([.. Others(node.Id)]), say);
    }

    // Every node of the cluster but id.
    private IEnumerable<ProcessId> Others(ProcessId id) => _nodes.Select(n => n.Id).Where(other => other != id);

    // /cut p1>p3 ...: what p1 sends p3 is lost, what p3 sends p1 passes. p3 drops it on arrival
    // (blocks p1 in) rather than p1 not sending it (blocks p3 out): the sender then does exactly what
    // a sender behind a half-broken link does, sends (and with multicast sends one datagram to the
    // whole group), and the loss shows where the network lost it, as "cut in" at p3 alone.
    private async Task CutAsync(IReadOnlyList<string> arguments, CommandAnswer answer)
    {
        if (arguments.Count == 0) { answer.Line("[red]/cut needs one-way links, FROM>TO:[/] /cut p1>p3 [grey](what p1 sends p3 is lost; several may follow: /cut p1>p3 p2>p3)[/]"); return; }
        var cuts = new List<(ProcessId From, ProcessId To)>();
        foreach (var argument in arguments)
        {
            var ends = argument.Split('>');
            if (ends.Length != 2 || ends[0].Length == 0 || ends[1].Length == 0)
            {
                answer.Line($"[red]\"{Markup.Escape(argument)}\" is not a one-way link: write FROM>TO, without spaces,[/] /cut p1>p3");
                return;
            }
            if (Node(ends[0]) is not { } from) { answer.Line($"[red]no node {Markup.Escape(ends[0])} in this cluster[/] [grey](in {Markup.Escape(argument)})[/]"); return; }
            if (Node(ends[1]) is not { } to) { answer.Line($"[red]no node {Markup.Escape(ends[1])} in this cluster[/] [grey](in {Markup.Escape(argument)})[/]"); return; }
            if (from == to) { answer.Line($"[red]{Markup.Escape(argument)} is a node to itself: a cut is between two nodes[/]"); return; }
            cuts.Add((from.Id, to.Id));
        }
        foreach (var cut in cuts)
        {
            _oneWay.Add(cut);
            var to = _nodes.First(n => n.Id == cut.To);
            if (to.IsRunning) await Expect(to, new ControlRequest.Block([cut.From], TrafficDirection.In), answer.Line);
            answer.Line($"[grey]cut one way: what {cut.From} sends {cut.To} is lost ({cut.To} drops it on arrival); what {cut.To} sends {cut.From} passes[/]");
        }
        answer.Line(Waiting("waiting: the nodes notice the cut"));
    }

    // /flap p2 300: p2's links to every other node go down for 300 ms, up for 300 ms, and so on
    // until /heal (a new /flap of p2 replaces its period).
    private async Task FlapAsync(IReadOnlyList<string> arguments, CommandAnswer answer)
    {
        var usage = $"/flap {_nodes[^1].Id} 300";
        if (arguments.Count != 2) { answer.Line($"[red]/flap needs a node and a period in milliseconds:[/] {usage} [grey](its links go down for 300 ms, up for 300 ms, until /heal)[/]"); return; }
        if (Node(arguments[0]) is not { } node) { answer.Line($"[red]no node {Markup.Escape(arguments[0])} in this cluster[/] [grey]({usage})[/]"); return; }
        if (!int.TryParse(arguments[1], NumberStyles.None, CultureInfo.InvariantCulture, out int ms))
        {
            answer.Line($"[red]\"{Markup.Escape(arguments[1])}\" is not a period in whole milliseconds:[/] {usage}");
            return;
        }
        var period = TimeSpan.FromMilliseconds(ms);
        if (period < LinkFlap.MinPeriod)
        {
            answer.Line($"[red]a flap's period is at least {LinkFlap.MinPeriod.TotalMilliseconds:0} ms (given: {ms} ms): each turn is a request to the node, which takes some milliseconds itself[/]");
            return;
        }
        if (_flaps.Remove(node.Id, out var earlier))
        {
            earlier.Stop();
            answer.Line($"[grey]{node.Id} flapped every {earlier.Period.TotalMilliseconds:0} ms: that flap stops[/]");
        }
        var flap = new LinkFlap(node.Id, period);
        _flaps[node.Id] = flap;
        _ = Task.Run(() => RunFlapAsync(flap, node));
        answer.Line($"[grey]{node.Id}'s links to every other node go down for {ms} ms, up for {ms} ms, and so on until /heal[/]");
    }

    // The flap's timer: turns the links at every period, one command at a time with the prompt's
    // (a /heal or a /partition typed meanwhile is never undone by a turn made before it).
    private async Task RunFlapAsync(LinkFlap flap, ClusterNode node)
    {
        using var timer = new PeriodicTimer(flap.Period);
        try
        {
            do
            {
                await _oneCommandAtATime.WaitAsync(flap.Stopped);
                try
                {
                    if (flap.Stopped.IsCancellationRequested) return;
                    flap.Turn();
                    if (!node.IsRunning) continue; // killed: it gets the links' state when it restarts
                    if (flap.Down) await Expect(node, new ControlRequest.Block([.. Others(node.Id)]), _console.Line);
                    else await ApplyCutsAsync(node, _console.Line);
                }
                catch (Exception ex) when (ex is ControlUnreachableException or InvalidOperationException)
                {
                    _console.Line($"[red]{node.Id}'s flap: {Markup.Escape(ex.Message)}[/]");
                }
                finally
                {
                    _oneCommandAtATime.Release();
                }
            }
            while (await timer.WaitForNextTickAsync(flap.Stopped));
        }
        catch (OperationCanceledException) when (flap.Stopped.IsCancellationRequested)
        {
            // /heal, a new /flap of the node, or /quit stopped it.
        }
    }

    // The node of this cluster named name, or null.
    private ClusterNode? Node(string name) => _nodes.FirstOrDefault(n => n.Id.Name == name);

    // Stops every flap; the caller heals the nodes.
    private void StopFlaps()
    {
        foreach (var flap in _flaps.Values) flap.Stop();
        _flaps.Clear();
    }

    private async Task HealAsync(CommandAnswer answer)
    {
        _partition = null;
        _oneWay.Clear();
        StopFlaps();
        foreach (var node in _nodes.Where(n => n.IsRunning)) await Expect(node, new ControlRequest.Heal(), answer.Line);
        answer.Line("[grey]healed: every node lets all traffic through (no partition, no one-way cut, no flap)[/]");
    }

    private async Task KillAsync(IReadOnlyList<string> arguments, CommandAnswer answer)
    {
        if (Named(arguments, "kill", answer) is not { } node) return;
        if (!node.IsRunning) { answer.Line($"[red]{node.Id} is {Markup.Escape(node.Absence!)} already[/]"); return; }
        await node.KillAsync();
        answer.Line($"[grey]{node.Id} killed with SIGKILL; /restart {node.Id} starts it again from its store[/]");
        answer.Line(Waiting($"waiting: the others notice {node.Id} is gone"));
    }

    private async Task RestartAsync(IReadOnlyList<string> arguments, CommandAnswer answer)
    {
        if (Named(arguments, "restart", answer) is not { } node) return;
        if (node.IsRunning) { answer.Line($"[red]{node.Id} is running[/] [grey](/kill {node.Id} first)[/]"); return; }
        await StartAsync(node, answer.Line);
        answer.Line($"[grey]{node.Id} restarted from its store {Markup.Escape(node.Store)}[/]");
    }

    private async Task StatusAsync(CommandAnswer answer)
    {
        var reports = new List<NodeReport>();
        var absent = new List<(string, string)>();
        foreach (var node in _nodes)
        {
            if (!node.IsRunning) { absent.Add((node.Id.Name, node.Absence!)); continue; }
            var reply = await node.RequestAsync(new ControlRequest.Status());
            if (reply.Status is { } status) reports.Add(status);
            else absent.Add((node.Id.Name, reply.Message));
        }
        answer.Write(StatusView.Table(reports, absent));
        if (_oneWay.Count > 0) answer.Line($"[grey]one-way cuts: {string.Join(", ", _oneWay.Select(c => $"{c.From}>{c.To}"))} (what the first sends the second is lost)[/]");
        foreach (var flap in _flaps.Values) answer.Line($"[grey]{Markup.Escape(flap.Describe())}[/]");
    }

    // The one node named in the arguments of /kill or /restart, or null after saying what is wrong.
    private ClusterNode? Named(IReadOnlyList<string> arguments, string command, CommandAnswer answer)
    {
        var node = arguments.Count == 1 ? _nodes.FirstOrDefault(n => n.Id.Name == arguments[0]) : null;
        if (node is null) answer.Line($"[red]/{command} needs one node of the cluster:[/] /{command} {_nodes[^1].Id}");
        return node;
    }

    // Sends a request to a node; a refusal is said with say (markup).
    private static async Task Expect(ClusterNode node, ControlRequest request, Action<string> say)
    {
        var reply = await node.RequestAsync(request);
        if (!reply.Ok) say($"[red]{node.Id}: {Markup.Escape(reply.Message)}[/]");
    }

    /// <summary>
    /// The end of the run: heals every node, waits up to the settle time for the cluster to be
    /// quiescent (one ring of every live node, nothing in flight), ends every node's run (control
    /// request end: no fail line, each trace ends in the final configuration), and marks
    /// the traces quiescent (docs/TRACE.md) when the cluster was quiescent when it stopped and no node
    /// is down for good (a killed node's trace lacks its fail line until it restarts). Returns
    /// whether it did.
    /// </summary>
    private async Task<bool> QuitAsync()
    {
        await _oneCommandAtATime.WaitAsync(); // a command of the page in progress ends first; later ones are refused
        StopFlaps(); // before the heal below: no turn of a flap comes after it
        _oneCommandAtATime.Release();
        var live = _nodes.Where(n => n.IsRunning).ToList();
        bool settled = false;
        try
        {
            foreach (var node in live) await Expect(node, new ControlRequest.Heal(), _console.Line);
            _console.Line("[grey]healed; waiting for the cluster to settle…[/]");
            settled = await SettleAsync(live);
        }
        catch (ControlUnreachableException ex)
        {
            _console.Line($"[red]{Markup.Escape(ex.Message)}[/]");
        }
        var finals = await Task.WhenAll(live.Select(EndNodeAsync));
        var down = _nodes.Where(n => n.Killed).Select(n => n.Id.Name).ToList();
        await StopAllAsync(TimeSpan.FromSeconds(10));
        bool quiescent = settled && down.Count == 0 && finals.All(f => f is not null) && NodeStatus.AllQuiescent([.. finals.Select(f => f!.ToStatus())]);
        if (quiescent)
        {
            foreach (var node in _nodes.Where(n => File.Exists(n.TracePath))) NodeTrace.SetQuiescent(node.TracePath, true);
            foreach (var node in _nodes.Where(n => File.Exists(n.VsTracePath))) VsNodeTrace.SetQuiescent(node.VsTracePath!, true);
            _console.Line("[green]every node stopped in one quiescent configuration: the traces are marked quiescent[/]");
        }
        else
        {
            var why = down.Count > 0 ? $"{string.Join(", ", down)} killed and not restarted" : settled ? "the cluster changed while it stopped" : $"the cluster did not settle within {_settle.TotalSeconds:0.#} s";
            _console.Line($"[yellow]the traces are not quiescent ({Markup.Escape(why)}): evs check judges their safety only[/]");
        }
        var traces = Path.Combine(Path.GetRelativePath(Environment.CurrentDirectory, _directory), "*.jsonl");
        _console.Line($"check the traces: [bold]evs check {Markup.Escape(traces)}[/]");
        if (_nodes.Any(n => n.VsTracePath is not null))
        {
            var vsTraces = Path.Combine(Path.GetRelativePath(Environment.CurrentDirectory, _directory), Commands.ClusterCommand.VsDirectory, "*.jsonl");
            _console.Line($"check the virtual synchrony traces: [bold]evs check --vs {Markup.Escape(vsTraces)}[/]");
        }
        return quiescent;
    }

    // Polls the live nodes' statuses until they are quiescent together, or the settle time is over.
    private async Task<bool> SettleAsync(IReadOnlyList<ClusterNode> live)
    {
        var deadline = DateTime.UtcNow + _settle;
        while (true)
        {
            var replies = await Task.WhenAll(live.Select(n => n.RequestAsync(new ControlRequest.Status())));
            if (replies.All(r => r.Status is not null) && NodeStatus.AllQuiescent([.. replies.Select(r => r.Status!.ToStatus())])) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
    }

    // Ends one node's part in the run and returns its final status, or null when it does not answer.
    private async Task<NodeReport?> EndNodeAsync(ClusterNode node)
    {
        try
        {
            return (await node.RequestAsync(new ControlRequest.End())).Status;
        }
        catch (ControlUnreachableException ex)
        {
            _console.Line($"[red]{node.Id}: {Markup.Escape(ex.Message)}[/]");
            return null;
        }
    }

    // Waits up to grace for every node's process to end (killing those that do not), and for the followers.
    private async Task StopAllAsync(TimeSpan grace)
    {
        foreach (var node in _nodes)
            if (!await node.WaitForExitAsync(grace)) await node.KillAsync();
        await _stop.CancelAsync();
        Task[] followers;
        lock (_followers) followers = [.. _followers];
        await Task.WhenAny(Task.WhenAll(followers), Task.Delay(TimeSpan.FromSeconds(5)));
        await StopLiveViewAsync(); // it asks the nodes how they are: it stops before they are disposed
        foreach (var node in _nodes) node.Dispose();
    }

    private async Task StopLiveViewAsync()
    {
        if (_live is null) return;
        await _live.DisposeAsync();
        _live = null;
    }
}
