// `evs node`: one process of an extended virtual synchrony group on a real network, in the
// foreground (issue "The real network", item 5). What is typed is sent; what is delivered, and
// every configuration change, is printed; /block, /isolate and /heal partition the network for a
// class without pulling cables (/block P in and /block P out cut one direction only, as a
// half-broken link does); a control socket lets `evs ctl` and `evs cluster` do the same. With
// --group NAME the process joins a named group (issue 18 item 2) and what is typed goes to it.
using System.CommandLine;
using System.Net;
using Evs.Cli.Network;
using Evs.Cli.Web;
using Evs.Reference.Model;
using Evs.Runtime;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class NodeCommand
{
    public static Command Create()
    {
        var id = new Option<string>("--id") { Description = "This process's identifier (letters, digits, '-', '_'), the same after a restart.", Required = true };
        var bind = new Option<string>("--bind") { Description = "The address and port to listen and send on, ADDR:PORT (with --multicast, the interface's address unless --interface gives it).", Required = true };
        var peers = new Option<string?>("--peers") { Description = "The other processes, ID=ADDR:PORT,... (UDP unicast to each; with --multicast, addresses known in advance)." };
        var multicast = new Option<string?>("--multicast") { Description = "Broadcast to this IPv4 multicast group, GROUP:PORT, instead of one datagram per peer; peers are learned as they are heard." };
        var members = new Option<string?>("--members") { Description = "With --multicast: the membership policy, ID,ID,... (this process and every --peers entry among them): packets of any other process are dropped and counted. Without it any process with the cluster's key is accepted. (With --peers alone the peer list is the membership.)" };
        var iface = new Option<string?>("--interface") { Description = "With --multicast: the address of the interface to send and join the group on (IP_MULTICAST_IF); the node binds to it at --bind's port." };
        var store = new Option<string>("--store") { Description = "The stable storage directory (ring numbers, last configuration, primary history); a restart from it rejoins as the same process. It is locked while the node runs: a second node on it is refused.", Required = true };
        var newIdentity = new Option<bool>("--new-identity") { Description = "Start as new although this process has run before and its stable state is lost (stable-state.json deleted, or the whole store gone beside its trace), which is otherwise refused: it would use its old ring identifiers again. Safe only if no other process will ever see its old identity again; otherwise give it a new --id." };
        var key = new Option<string?>("--key") { Description = "The cluster's key file (evs keygen): datagrams are encrypted and authenticated. Without it the cluster is open. Refused if its group or others may read or write it (chmod 600 it)." };
        var insecureKey = KeyOptions.InsecureKey();
        var trace = new Option<string?>("--trace") { Description = "Append this process's trace (docs/TRACE.md) to this file; evs check reads it." };
        var traceText = TraceTextOption();
        var cluster = new Option<string>("--cluster") { Description = "The cluster's name: datagrams of other clusters are dropped.", DefaultValueFactory = _ => "evs" };
        var primary = SimCommand.PrimaryOption();
        var vs = VirtualSynchronyOption();
        var vsTrace = new Option<string?>("--vs-trace") { Description = "With --vs: append the filtered history (docs/VS-TRACE.md) to this file; evs check --vs reads it." };
        var control = new Option<string?>("--control") { Description = $"The control socket's path (evs ctl); default <store>/{ControlServer.DefaultFileName}." };
        var tokenTimeout = TokenTimeoutOption();
        var logLevel = new Option<LogLevel>("--log-level") { Description = "The runtime's log on standard error from this level on (Information shows every membership change and why).", DefaultValueFactory = _ => LogLevel.Warning };
        var syncStore = new Option<bool>("--sync-store") { Description = "Flush the stable storage to the disk at every save, so that it survives a power loss, not only a crash of the process (slower membership changes)." };
        var noInput = new Option<bool>("--no-input") { Description = "Do not read standard input (a node in the background): stop it with evs ctl NODE quit or a signal." };
        var group = GroupOption("Join this named group once the node has started (lightweight groups over the ring, as Corosync's CPG): lines typed and evs ctl NODE send go to the group, and its views (◇) and messages show beside the ring's configurations. Without it lines go to the ring's whole configuration.");
        var web = WebOptions.Web("this node's trace (needs --trace), whose lines evs watch reads at /trace,");
        var webEvents = WebOptions.Events();
        var command = new Command("node", "Run one process of the group on a real network, in the foreground: type lines to send them, watch deliveries and configuration changes. Exit 0: stopped cleanly; 1: the node failed; 2: it could not start.")
        {
            id, bind, peers, multicast, members, iface, store, newIdentity, key, insecureKey, trace, traceText, cluster, primary, vs, vsTrace, control, tokenTimeout, logLevel, syncStore, noInput, group, web, webEvents,
        };
        command.SetAction(async (parse, _) =>
        {
            NodeConsole.UnwrappedWhenRedirected();
            EvsNodeOptions options;
            WebPlan? live;
            try
            {
                live = WebOptions.Plan(parse, web, webEvents);
                if (live is not null && parse.GetValue(trace) is null)
                    throw new FormatException("--web draws the node's trace file: give --trace FILE too");
                options = Options(
                    parse.GetValue(id)!, parse.GetValue(bind)!, parse.GetValue(peers), parse.GetValue(multicast), parse.GetValue(iface),
                    parse.GetValue(members), parse.GetValue(tokenTimeout)) with
                {
                    StoreDirectory = parse.GetValue(store),
                    NewIdentity = parse.GetValue(newIdentity),
                    TracePath = parse.GetValue(trace),
                    TraceText = parse.GetValue(traceText),
                    KeyFile = parse.GetValue(key),
                    InsecureKeyFile = parse.GetValue(insecureKey),
                    ClusterName = parse.GetValue(cluster)!,
                    PrimaryComponent = parse.GetValue(primary),
                    VirtualSynchrony = parse.GetValue(vs),
                    VsTracePath = parse.GetValue(vsTrace),
                    SyncStableStorage = parse.GetValue(syncStore),
                };
                CheckVirtualSynchrony(options);
                CheckGroup(parse.GetValue(group), options.VirtualSynchrony);
            }
            catch (FormatException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]evs node:[/] {ex.Message}");
                return ExitCodes.BadInput;
            }
            var controlPath = parse.GetValue(control) ?? Path.Combine(options.Store, ControlServer.DefaultFileName);
            using var loggers = new StderrLoggers(parse.GetValue(logLevel));
            return await NodeSession.RunAsync(options, controlPath, loggers, readInput: !parse.GetValue(noInput), live, parse.GetValue(group));
        });
        return command;
    }

    /// <summary>The --trace-text option, shared with evs cluster.</summary>
    public static Option<bool> TraceTextOption() => new("--trace-text")
    {
        Description = "Write each message's text into the trace (\"text\", when the payload is a line of UTF-8 text), so that evs plot and the live view show what was typed, not only p1.1.1.",
    };

    /// <summary>The --vs option, shared with evs cluster.</summary>
    public static Option<bool> VirtualSynchronyOption() => new("--vs")
    {
        Description = "Put the application behind the virtual synchrony filter (the paper's Section 5): it sees views of the primary component only, and sends are refused outside it. Needs --primary.",
    };

    /// <summary>What the virtual synchrony options need, in the command line's words (the library says it in its own).</summary>
    /// <exception cref="FormatException">--vs without --primary, or --vs-trace without --vs.</exception>
    public static void CheckVirtualSynchrony(EvsNodeOptions options)
    {
        if (options.VirtualSynchrony && options.PrimaryComponent is null)
            throw new FormatException($"--vs needs --primary ({string.Join(" or ", Reference.PrimaryComponent.PrimaryComponentAlgorithms.Names)}): in virtual synchrony only the primary component makes progress, and without an algorithm no configuration is primary");
        if (options.VsTracePath is not null && !options.VirtualSynchrony)
            throw new FormatException("--vs-trace is the filtered history: it needs --vs (and --primary)");
    }

    /// <summary>The --group option, described by <paramref name="description"/> (evs node's and evs cluster's say what each does with it).</summary>
    public static Option<string?> GroupOption(string description) => new("--group") { Description = description };

    /// <summary>What --group needs, in the command line's words.</summary>
    /// <exception cref="FormatException">An empty name, or --group with --vs.</exception>
    public static void CheckGroup(string? group, bool virtualSynchrony)
    {
        if (group is null) return;
        if (group.Trim().Length == 0) throw new FormatException("--group needs a name: --group chat");
        // The filter turns the ring's configurations into views of the primary component; a named group has views of its own, which it does not filter.
        if (virtualSynchrony) throw new FormatException("--group and --vs do not go together: the virtual synchrony filter is the ring's, and a named group's views are not filtered");
    }

    /// <summary>The --token-timeout-ms option, shared with evs cluster.</summary>
    public static Option<double?> TokenTimeoutOption() => new("--token-timeout-ms")
    {
        Description = "The token loss timeout in ms (default Corosync's 3000); the other timeouts follow in Corosync's proportions (consensus 1.2 x token, token retransmission token / 4.2, join and merge at most 50 and 200 ms). Shorter notices failures and partitions sooner, on a quiet network.",
    };

    /// <summary>
    /// The network part of a node's options: identifier, own address, peers, multicast group,
    /// interface and membership policy, protocol timeouts. Everything else is set by the caller.
    /// </summary>
    /// <exception cref="FormatException">An argument is malformed, or they do not fit together.</exception>
    public static EvsNodeOptions Options(string id, string bind, string? peers, string? multicast, string? iface, string? members, double? tokenTimeoutMs)
    {
        var self = NodeArguments.Process(id, "--id");
        var address = NodeArguments.EndPoint(bind, "--bind");
        if (peers is null && multicast is null) throw new FormatException("give the other processes with --peers ID=ADDR:PORT,... or a multicast group with --multicast GROUP:PORT");
        if (iface is not null && multicast is null) throw new FormatException("--interface is the multicast interface: it needs --multicast");
        if (members is not null && multicast is null)
            throw new FormatException("--members is the membership policy of a multicast group: it needs --multicast (with --peers alone, the peer list is the membership)");
        var options = new EvsNodeOptions
        {
            Id = self,
            Bind = address,
            Peers = peers is null ? new Dictionary<ProcessId, IPEndPoint>() : NodeArguments.Peers(peers),
        };
        NodeArguments.CheckPeers(self, address, options.Peers);
        if (multicast is not null)
        {
            var group = NodeArguments.EndPoint(multicast, "--multicast");
            options = options with
            {
                Bind = MulticastBind(address, iface),
                Multicast = new MulticastGroup(group),
                Members = members is null ? null : NodeArguments.Members(members),
            };
        }
        if (tokenTimeoutMs is { } token)
        {
            var (membership, totem) = NodeArguments.Timeouts(token);
            options = options with { Membership = membership, Totem = totem };
        }
        return options;
    }

    // The interface's address at --bind's port; --bind's own address when no --interface is given.
    private static IPEndPoint MulticastBind(IPEndPoint bind, string? iface)
    {
        if (iface is null) return bind;
        var address = NodeArguments.Address(iface, "--interface");
        if (!bind.Address.Equals(IPAddress.Any) && !bind.Address.Equals(address))
            throw new FormatException($"--bind {bind} and --interface {address} disagree: bind to 0.0.0.0:{bind.Port} or to the interface's address");
        return new IPEndPoint(address, bind.Port);
    }
}
