// `evs bench`: where its nodes run. By default every node is a child process on 127.0.0.1, and
// its datagrams cross the loopback interface. To compare evs with another system on the same
// network path (benchmarks/corosync/compare.sh puts Corosync's nodes in network namespaces behind
// a bridge), node i can instead be bound to an address of its own (--hosts) and started through a
// command put before it (--node-command, e.g. `ip netns exec evscmp-n{i}`), so that it runs where
// that address is. The child is still the bench's own: its stdin, stdout and exit are the same,
// so the start signal, the reports and the clean-up work unchanged (`ip netns exec` execs evs).
// --realtime starts each node under round-robin real-time scheduling at the highest priority
// (`chrt --rr 99`, which execs too), every thread of it, as Corosync runs its whole process by
// default: on a loaded machine the comparison is otherwise between a process that is never made to
// wait and one that is.
using System.Collections.Immutable;
using System.CommandLine;
using System.Diagnostics;
using System.Net;
using Evs.Cli.Cluster;
using Evs.Reference.Model;
using Evs.Runtime;

namespace Evs.Cli.Commands.Bench;

/// <summary>
/// Where the nodes of one run are: on 127.0.0.1 (<see cref="Hosts"/> null), or node i at
/// <c>Hosts[i - 1]</c>; and the command words put before each node's evs (none: evs itself).
/// </summary>
internal sealed record BenchPlacement(IReadOnlyList<string>? Hosts, string? NodeCommand, bool Realtime = false)
{
    /// <summary>The words that start a command under SCHED_RR at priority 99 (util-linux).</summary>
    public static readonly string[] RealtimeCommand = ["chrt", "--rr", "99"];

    /// <summary>What a node command's words say for the node's number (1 for p1).</summary>
    public const string NodeNumber = "{i}";

    /// <summary>The options that place the nodes.</summary>
    public sealed record OptionSet(Option<string?> Hosts, Option<string?> NodeCommand, Option<bool> Realtime)
    {
        /// <summary>The three options.</summary>
        public IEnumerable<Option> All => [Hosts, NodeCommand, Realtime];

        /// <summary>The placement the command line gives.</summary>
        public BenchPlacement From(ParseResult parse) =>
            new(parse.GetValue(Hosts)?.Split(',', StringSplitOptions.TrimEntries), parse.GetValue(NodeCommand), parse.GetValue(Realtime));
    }

    /// <summary>--hosts, --node-command and --realtime.</summary>
    public static OptionSet Options() => new(
        new Option<string?>("--hosts") { Description = "One IP address per node, comma-separated (node i binds the i-th, at --base-port + i - 1, default base port 5405); default: 127.0.0.1 for all." },
        new Option<string?>("--node-command") { Description = $"Words put before each node's evs command, {NodeNumber} replaced by the node's number (1 for p1), e.g. \"ip netns exec evscmp-n{NodeNumber}\"; it must exec evs (so that stopping it stops the node)." },
        new Option<bool>("--realtime") { Description = "Start each node under SCHED_RR at priority 99 (chrt --rr 99: Linux, as root), every thread of it, as Corosync runs by default." });

    /// <summary>Why this placement cannot run <paramref name="nodes"/> nodes, or null.</summary>
    public string? Problem(int nodes)
    {
        if (Realtime && !OperatingSystem.IsLinux()) return "--realtime starts the nodes through Linux's chrt; it is for Linux only";
        if (NodeCommand is { } command && string.IsNullOrWhiteSpace(command)) return "--node-command is empty; give the words to put before evs, or leave it out";
        if (Hosts is not { } hosts) return null;
        if (hosts.Count != nodes) return $"--hosts has {hosts.Count} address{(hosts.Count == 1 ? "" : "es")} for {nodes} nodes; give one per node";
        foreach (var host in hosts)
        {
            if (!IPAddress.TryParse(host, out var address)) return $"--hosts: \"{host}\" is not an IP address";
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return $"--hosts: {host} is a wildcard, not an address a peer can send to";
        }
        var twice = hosts.Select(IPAddress.Parse).GroupBy(a => a).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? null : $"--hosts gives {twice.Key} to more than one node; give each node its own address";
    }

    /// <summary>
    /// Every node's address: on 127.0.0.1, base-port, base-port + 1, ... (free ports when
    /// <paramref name="basePort"/> is null); at the hosts, the same ports from 5405 by default.
    /// </summary>
    public ImmutableDictionary<ProcessId, IPEndPoint> Addresses(int nodes, int? basePort)
    {
        var ids = Enumerable.Range(1, nodes).Select(i => new ProcessId($"p{i}")).ToList();
        var hosts = Hosts?.Select(IPAddress.Parse).ToList() ?? Enumerable.Repeat(IPAddress.Loopback, nodes).ToList();
        var ports = basePort is { } first ? Enumerable.Range(first, nodes).ToList()
            : Hosts is null ? LoopbackPorts.Free(nodes)
            : Enumerable.Range(EvsNodeOptions.DefaultPort, nodes).ToList();
        return ids.Select((id, i) => (id, i)).ToImmutableDictionary(p => p.id, p => new IPEndPoint(hosts[p.i], ports[p.i]));
    }

    /// <summary>
    /// How to start node <paramref name="id"/> with <paramref name="arguments"/>: evs itself, or
    /// evs after the node command's words and then, with <see cref="Realtime"/>, chrt's.
    /// </summary>
    public ProcessStartInfo StartInfo(ProcessId id, IEnumerable<string> arguments)
    {
        var evs = EvsExecutable.StartInfo(arguments);
        string number = id.Name[1..];
        var words = (NodeCommand ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Replace(NodeNumber, number))
            .Concat(Realtime ? RealtimeCommand : []).ToList();
        if (words.Count == 0) return evs;
        var info = new ProcessStartInfo(words[0]);
        foreach (var word in words.Skip(1)) info.ArgumentList.Add(word);
        info.ArgumentList.Add(evs.FileName);
        foreach (var argument in evs.ArgumentList) info.ArgumentList.Add(argument);
        return info;
    }
}
