// The requests of the control socket (`evs node --control`, `evs ctl`, `evs cluster`): one line
// of text each, the same words a person types after `evs ctl NODE` or after '/' at a node's prompt.
// One parser for all three doors, so a command means the same wherever it is typed.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Runtime;

namespace Evs.Cli.Network;

/// <summary>
/// A request to a running node. The line forms (<see cref="Line"/>, parsed by <see cref="Parse"/>):
/// <c>status</c>, <c>isolate</c>, <c>block P... [in|out|both]</c> (peers separated by spaces or
/// commas; the direction last: <c>in</c> drops what they send here, <c>out</c> what is sent to them,
/// <c>both</c>, the default, both),
/// <c>heal</c>, <c>send [--service causal|agreed|safe] TEXT</c> (TEXT is the rest of the line,
/// spaces kept; the service is agreed unless given), <c>quit</c>, <c>end</c> and <c>events</c>
/// (a stream, see <see cref="ControlServer"/>).
/// </summary>
internal abstract record ControlRequest
{
    /// <summary>The commands, for help and error messages.</summary>
    public const string Usage = "status | isolate | block P... [in|out|both] | heal | send [--service causal|agreed|safe] TEXT | quit | end | events";

    /// <summary>The request as one line of the protocol.</summary>
    public abstract string Line { get; }

    /// <summary>Print the node's status.</summary>
    public sealed record Status : ControlRequest
    {
        public override string Line => "status";
    }

    /// <summary>Drop every datagram to and from anyone.</summary>
    public sealed record Isolate : ControlRequest
    {
        public override string Line => "isolate";
    }

    /// <summary>Drop the datagrams of <paramref name="Peers"/> in <paramref name="Direction"/> (in: what they send; out: what is sent to them).</summary>
    public sealed record Block(ImmutableArray<ProcessId> Peers, TrafficDirection Direction = TrafficDirection.Both) : ControlRequest
    {
        public override string Line => Direction == TrafficDirection.Both ? $"block {string.Join(' ', Peers)}" : $"block {string.Join(' ', Peers)} {Direction.ToName()}";
    }

    /// <summary>Undo every block and isolate.</summary>
    public sealed record Heal : ControlRequest
    {
        public override string Line => "heal";
    }

    /// <summary>Send <paramref name="Text"/> (UTF-8) to the group with <paramref name="Service"/>.</summary>
    public sealed record Send(DeliveryService Service, string Text) : ControlRequest
    {
        public override string Line => $"send --service {Service.ToName()} {Text}";
    }

    /// <summary>Stop the node, which leaves the group: the others see it fail, its trace ends with its fail line. The answer carries its final status.</summary>
    public sealed record Quit : ControlRequest
    {
        public override string Line => "quit";
    }

    /// <summary>
    /// End the node's part in a run that is ended for every node at once (evs cluster's /quit):
    /// it stops without a fail line, its trace ending in the configuration it is in, as the
    /// simulator's traces end. The answer carries its final status.
    /// </summary>
    public sealed record End : ControlRequest
    {
        public override string Line => "end";
    }

    /// <summary>Stream the node's deliveries and configuration changes, one JSON line each, until the node stops.</summary>
    public sealed record Events : ControlRequest
    {
        public override string Line => "events";
    }

    /// <summary>The request that <paramref name="line"/> says.</summary>
    /// <exception cref="FormatException">An unknown command or bad arguments, said plainly with the usage.</exception>
    public static ControlRequest Parse(string line)
    {
        var trimmed = line.Trim();
        int space = trimmed.IndexOf(' ');
        var command = space < 0 ? trimmed : trimmed[..space];
        var rest = space < 0 ? "" : trimmed[(space + 1)..].TrimStart();
        return command switch
        {
            "status" => NoArguments(new Status(), rest),
            "isolate" => NoArguments(new Isolate(), rest),
            "heal" => NoArguments(new Heal(), rest),
            "quit" => NoArguments(new Quit(), rest),
            "end" => NoArguments(new End(), rest),
            "events" => NoArguments(new Events(), rest),
            "block" => ParseBlock(rest),
            "send" => ParseSend(rest),
            "" => throw new FormatException($"an empty command; the commands are: {Usage}"),
            _ => throw new FormatException($"unknown command \"{command}\"; the commands are: {Usage}"),
        };
    }

    private static ControlRequest NoArguments(ControlRequest request, string rest) =>
        rest.Length == 0 ? request : throw new FormatException($"\"{request.Line}\" takes no arguments (given: {rest})");

    // The peers, then the direction if one is given: the last word, and only there.
    private static Block ParseBlock(string rest)
    {
        var words = rest.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        var direction = TrafficDirection.Both;
        if (words.Length > 0 && TrafficDirectionNames.TryParse(words[^1], out var last))
        {
            direction = last;
            words = words[..^1];
        }
        if (words.FirstOrDefault(w => TrafficDirectionNames.TryParse(w, out _)) is { } misplaced)
            throw new FormatException($"\"{misplaced}\" is a direction: it comes once, after the peers: block P... [in|out|both]");
        if (words.Length == 0) throw new FormatException("block needs the peers to cut off: block P... [in|out|both]");
        return new Block([.. words.Select(n => NodeArguments.Process(n, "peer")).Distinct()], direction);
    }

    private static Send ParseSend(string rest)
    {
        var service = DeliveryService.Agreed;
        if (rest.StartsWith("--service", StringComparison.Ordinal))
        {
            var words = rest.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (words[0] != "--service" || words.Length < 2 || !DeliveryServiceNames.TryParse(words[1], out service))
                throw new FormatException("send --service needs causal, agreed or safe: send [--service causal|agreed|safe] TEXT");
            rest = words.Length == 3 ? words[2].TrimStart() : "";
        }
        if (rest.Length == 0) throw new FormatException("send needs a text: send [--service causal|agreed|safe] TEXT");
        return new Send(service, rest);
    }
}
