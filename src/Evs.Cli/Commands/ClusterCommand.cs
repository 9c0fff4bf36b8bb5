// `evs cluster`: a whole cluster on one laptop for a class (issue "The real network", item 6):
// N `evs node` processes on 127.0.0.1, each a separate OS process with its own store and trace,
// and one prompt to send from any of them, partition them, kill one without warning and restart
// it from its store, and stop them all, after which `evs check` judges the traces. With --vs every
// node puts its application behind the virtual synchrony filter and writes its filtered history
// too, which `evs check --vs` judges. Its chat is a named group (issue 18 item 2): every node is
// started with --group, and the lines typed at the prompt go to that group.
using System.CommandLine;
using Evs.Cli.Cluster;
using Evs.Cli.Network;
using Evs.Cli.Web;
using Evs.Reference.Model;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class ClusterCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "How many nodes: p1..pN.", DefaultValueFactory = _ => 3 };
        var basePort = new Option<int>("--base-port") { Description = "The UDP port of p1; pK listens on base + K - 1, all on 127.0.0.1.", DefaultValueFactory = _ => 15400 };
        var dir = new Option<string>("--dir") { Description = "Where the nodes' stores (DIR/pK), traces (DIR/pK.jsonl) and logs (DIR/pK.log) go; a directory of an earlier run goes on from its stores.", DefaultValueFactory = _ => "evs-cluster" };
        var key = new Option<string?>("--key") { Description = "The cluster's key file (evs keygen), given to every node. Without it the cluster is open. Refused if its group or others may read or write it (chmod 600 it)." };
        var insecureKey = KeyOptions.InsecureKey();
        var primary = SimCommand.PrimaryOption();
        var tokenTimeout = NodeCommand.TokenTimeoutOption();
        var traceText = NodeCommand.TraceTextOption();
        var vs = NodeCommand.VirtualSynchronyOption();
        vs.Description = $"Every node behind the virtual synchrony filter (the paper's Section 5): views of the primary component only, sends refused outside it; each writes its filtered history to DIR/{VsDirectory}/pK.jsonl (evs check --vs). Needs --primary.";
        var group = NodeCommand.GroupOption("The named group of the chat: every node joins it (evs node --group), and the lines typed at the prompt go to it. With --vs there is no group: the filtered chat is the ring's.");
        group.DefaultValueFactory = _ => "chat";
        var web = WebOptions.Web("the cluster's run, with the prompt's controls: send, partition, heal, kill, restart,");
        var webEvents = WebOptions.Events();
        var command = new Command("cluster", "Run N evs node processes on 127.0.0.1 with one prompt: send from any node, partition, heal, kill and restart nodes; /quit stops them and says how to check the traces. Exit 0: the run ended quiescent; 1: it did not (the traces are still checked for safety); 2: the nodes could not start.")
        {
            nodes, basePort, dir, key, insecureKey, primary, tokenTimeout, traceText, vs, group, web, webEvents,
        };
        command.SetAction(async (parse, _) =>
        {
            NodeConsole.UnwrappedWhenRedirected();
            int count = parse.GetValue(nodes), first = parse.GetValue(basePort);
            if (count is < 1 or > 64 || first < 1 || first + count - 1 > 65535)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]evs cluster:[/] --nodes must be from 1 to 64 and the ports from --base-port on must be valid (1-65535)");
                return ExitCodes.BadInput;
            }
            var keyFile = parse.GetValue(key) is { } k ? Path.GetFullPath(k) : null;
            bool insecure = parse.GetValue(insecureKey);
            if (keyFile is not null && KeyOptions.Problem("evs cluster", keyFile, insecure) is { } keyProblem)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]evs cluster:[/] {keyProblem}");
                return ExitCodes.BadInput;
            }
            bool virtualSynchrony = parse.GetValue(vs);
            if (virtualSynchrony && parse.GetValue(primary) is null)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]evs cluster:[/] --vs needs --primary ({string.Join(" or ", Reference.PrimaryComponent.PrimaryComponentAlgorithms.Names)}): in virtual synchrony only the primary component makes progress, and without an algorithm no configuration is primary");
                return ExitCodes.BadInput;
            }
            var token = parse.GetValue(tokenTimeout);
            var chat = virtualSynchrony ? null : parse.GetValue(group);
            WebPlan? live;
            try
            {
                NodeCommand.CheckGroup(chat, virtualSynchrony: false);
                if (token is { } t) NodeArguments.Timeouts(t);
                live = WebOptions.Plan(parse, web, webEvents);
            }
            catch (FormatException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]evs cluster:[/] {ex.Message}");
                return ExitCodes.BadInput;
            }
            var directory = Path.GetFullPath(parse.GetValue(dir)!);
            Directory.CreateDirectory(directory);
            var children = Children(count, first, directory, keyFile, insecure, parse.GetValue(primary), token, parse.GetValue(traceText), virtualSynchrony, chat);
            var membership = token is { } ms ? NodeArguments.Timeouts(ms).Membership : Reference.Membership.MembershipSettings.Corosync;
            var session = new ClusterSession(children, directory, SettleTime(token), membership, new NodeConsole(), live, chat);
            return await session.RunAsync(open: keyFile is null);
        });
        return command;
    }

    /// <summary>
    /// The folder of the cluster's directory where the virtual synchrony traces go: apart from the
    /// EVS traces, so that <c>evs check DIR/*.jsonl</c> and <c>evs check --vs DIR/vs/*.jsonl</c> each read one kind.
    /// </summary>
    public const string VsDirectory = "vs";

    /// <summary>
    /// Nodes p1..pN on 127.0.0.1 at ports from <paramref name="basePort"/>, each given every node's
    /// address, with files in <paramref name="directory"/>; behind the virtual synchrony filter when
    /// <paramref name="virtualSynchrony"/>, each with its VS trace in <see cref="VsDirectory"/>; each
    /// joining the named group <paramref name="group"/> when there is one.
    /// </summary>
    private static List<ClusterNode> Children(int count, int basePort, string directory, string? keyFile, bool insecureKey, string? primary, double? tokenTimeoutMs, bool traceText, bool virtualSynchrony, string? group)
    {
        var ids = Enumerable.Range(1, count).Select(i => new ProcessId($"p{i}")).ToList();
        string Address(int i) => $"127.0.0.1:{basePort + i}";
        var peers = string.Join(",", ids.Select((id, i) => $"{id}={Address(i)}")); // every node is given the same list, its own entry included
        var children = new List<ClusterNode>();
        for (int i = 0; i < count; i++)
        {
            var store = Path.Combine(directory, ids[i].Name);
            var trace = Path.Combine(directory, ids[i].Name + ".jsonl");
            var arguments = new List<string>
            {
                "node", "--id", ids[i].Name, "--bind", Address(i), "--peers", peers, "--store", store, "--trace", trace, "--log-level", "Information",
            };
            if (keyFile is not null) arguments.AddRange(["--key", keyFile]);
            if (insecureKey) arguments.Add("--insecure-key");
            if (traceText) arguments.Add("--trace-text");
            if (primary is not null) arguments.AddRange(["--primary", primary]);
            if (tokenTimeoutMs is { } token) arguments.AddRange(["--token-timeout-ms", token.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            var vsTrace = virtualSynchrony ? Path.Combine(directory, VsDirectory, ids[i].Name + ".jsonl") : null;
            if (vsTrace is not null) arguments.AddRange(["--vs", "--vs-trace", vsTrace]);
            if (group is not null) arguments.AddRange(["--group", group]);
            children.Add(new ClusterNode(ids[i], arguments, store, trace, Path.Combine(directory, ids[i].Name + ".log"), vsTrace));
        }
        return children;
    }

    /// <summary>
    /// How long /quit waits for the cluster to settle: two rounds of noticing a change and agreeing
    /// on it (token loss, then consensus), plus two seconds; 15 s with Corosync's timeouts.
    /// </summary>
    private static TimeSpan SettleTime(double? tokenTimeoutMs)
    {
        var token = tokenTimeoutMs ?? Reference.Membership.MembershipSettings.Corosync.TokenLossTimeoutMs;
        return TimeSpan.FromMilliseconds(2 * (token + 1.2 * token) + 2000);
    }
}
