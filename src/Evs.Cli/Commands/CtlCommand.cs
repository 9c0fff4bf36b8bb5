// `evs ctl`: drives a running `evs node` from another terminal or a script, through the node's
// control socket (issue "The real network", item 6): the same commands as at the node's prompt.
//
//     evs ctl NODE status [--json]              the node's status, one line (or the JSON answer)
//     evs ctl NODE block p4 p5                  drop traffic to and from p4 and p5
//     evs ctl NODE block p4 in | out            drop only what p4 sends NODE | what NODE sends p4
//     evs ctl NODE isolate | heal               drop all traffic | let it all through again
//     evs ctl NODE send [--service safe] TEXT   send TEXT (agreed unless --service says otherwise)
//     evs ctl NODE quit                         stop the node (it leaves: the others see it fail)
//     evs ctl NODE end                          stop it without a fail line: the run ends here (evs cluster)
//     evs ctl NODE events [--json]              follow its deliveries and configuration changes
//
// NODE is the node's store directory (its socket is <store>/control.sock) or the socket's path.
// The line protocol (in full in Network/ControlServer.cs): the client connects to the Unix socket
// and writes ONE line, the command words above (`send --service safe hello`); the node answers
// ONE line of JSON, {"ok":true|false,"message":"...","status":{...}} (status after status, quit
// and end), and closes. After `events` the answer is followed by one JSON line per delivery or
// configuration change ({"event":"deliver",...} / {"event":"deliver_conf",...}) until the node stops. Exit 0: done; 1: the node refused (an unknown peer, a message too large); 2: the
// command is malformed or no node answers at NODE.
using System.CommandLine;
using Evs.Cli.Network;
using Evs.Reference.Model;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class CtlCommand
{
    // How long a request may take: a send may wait for room in the node's queue.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var node = new Argument<string>("node") { Description = "The node's store directory (its control.sock) or the control socket's path." };
        var words = new Argument<string[]>("command") { Description = $"The command and its arguments: {ControlRequest.Usage}.", Arity = ArgumentArity.OneOrMore };
        var service = new Option<string?>("--service") { Description = "With send: the delivery service." };
        service.AcceptOnlyFromAmong("causal", "agreed", "safe");
        var json = new Option<bool>("--json") { Description = "Print the node's JSON answer (and, for events, one JSON line per event) instead of sentences." };
        var command = new Command("ctl", "Send one command to a running evs node through its control socket. Exit 0: done; 1: the node refused; 2: malformed command or no node there.") { node, words, service, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            NodeConsole.UnwrappedWhenRedirected();
            ControlRequest request;
            try
            {
                request = Request(parse.GetValue(words)!, parse.GetValue(service));
            }
            catch (FormatException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]evs ctl:[/] {ex.Message}");
                return ExitCodes.BadInput;
            }
            var path = ControlClient.SocketPath(parse.GetValue(node)!);
            try
            {
                return request is ControlRequest.Events
                    ? await FollowAsync(path, parse.GetValue(json))
                    : Print(await ControlClient.RequestAsync(path, request, Timeout, cancellationToken), parse.GetValue(json));
            }
            catch (ControlUnreachableException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]evs ctl:[/] {ex.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    /// <summary>The request the command words say; <paramref name="service"/> goes with send only.</summary>
    /// <exception cref="FormatException">Not a request of the protocol.</exception>
    public static ControlRequest Request(IReadOnlyList<string> words, string? service)
    {
        var request = ControlRequest.Parse(string.Join(' ', words));
        if (service is null) return request;
        if (request is not ControlRequest.Send send) throw new FormatException("--service goes with send only");
        DeliveryServiceNames.TryParse(service, out var chosen);
        return send with { Service = chosen };
    }

    private static int Print(ControlReply reply, bool json)
    {
        if (json) Console.WriteLine(ControlJson.Line(reply));
        else if (reply.Ok) Console.WriteLine(reply.Message);
        else AnsiConsole.MarkupLineInterpolated($"[red]{reply.Message}[/]");
        return reply.Ok ? ExitCodes.Ok : ExitCodes.Violation;
    }

    // Prints the node's events until it stops (or Ctrl-C ends this command).
    private static async Task<int> FollowAsync(string path, bool json)
    {
        var console = new NodeConsole();
        var view = new EventView();
        await foreach (var e in ControlClient.EventsAsync(path))
        {
            if (json) Console.WriteLine(ControlJson.Line(e));
            else console.Line(view.Markup(e));
        }
        return ExitCodes.Ok;
    }
}
