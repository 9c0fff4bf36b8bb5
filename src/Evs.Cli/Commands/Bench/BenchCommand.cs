// `evs bench`: throughput and latency of the real runtime, N nodes as separate processes on
// 127.0.0.1, measured the way the Corosync CPG harness (benchmarks/corosync) measures Corosync, so
// that the two numbers can be put side by side. Speed is measured here, never by timed tests.
using System.CommandLine;
using System.Runtime.InteropServices;
using Evs.Cli.Network;
using Evs.Reference.Model;
using Evs.Runtime;
using Spectre.Console;

namespace Evs.Cli.Commands.Bench;

/// <summary>What `evs bench` was asked for.</summary>
internal sealed record BenchRequest(int Nodes, int Size, DeliveryService Service, bool AllSend, double DurationS, double WarmupS, double? Rate, bool Json, int? BasePort, string? KeyFile, bool InsecureKey, BenchTuning Tuning, BenchPlacement Placement)
{
    /// <summary>How long the nodes may take to form one ring before the run is abandoned.</summary>
    public static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The delay from the start signal to t0, so every node has it before t0.</summary>
    public static readonly TimeSpan StartDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Senders: every node, or p1 alone.</summary>
    public int Senders => AllSend ? Nodes : 1;

    /// <summary>From t0 to the end of sending: warmup, window, warmup.</summary>
    public TimeSpan SendingTime => TimeSpan.FromSeconds(DurationS + 2 * WarmupS);

    /// <summary>The longest a whole run may take; it is abandoned after that.</summary>
    public TimeSpan Budget => FormationTimeout + StartDelay + SendingTime + 2 * BenchNodeSettings.DrainTimeout;

    /// <summary>The settings of node <paramref name="id"/>, its store under <paramref name="directory"/>.</summary>
    public BenchNodeSettings NodeSettings(ProcessId id, System.Collections.Immutable.ImmutableDictionary<ProcessId, System.Net.IPEndPoint> peers, string directory) => new(
        id, peers, Size, Service, AllSend || id.Name == "p1", Senders, Rate is { } r ? r / Senders : 0, DurationS, WarmupS,
        Path.Combine(directory, id.Name), KeyFile, InsecureKey, Tuning);

    /// <summary>The protocol settings the nodes run with: the runtime's defaults (EvsNodeOptions).</summary>
    public BenchProtocolSettings ProtocolSettings()
    {
        var o = Tuning.Apply(new EvsNodeOptions { Id = new ProcessId("p1"), KeyFile = KeyFile });
        return new BenchProtocolSettings(
            o.Membership.TokenLossTimeoutMs, o.Membership.JoinTimeoutMs, o.Membership.ConsensusTimeoutMs, o.Membership.MergeDetectTimeoutMs,
            o.Totem.TokenRetransmitTimeoutMs, o.IdleTokenHold, o.Totem.WindowSize, o.Totem.MaxMessagesPerVisit, o.Totem.OutstandingLimit,
            o.MaxPendingSends, o.MaxDatagramBytes, KeyFile is null ? "none" : o.Security.ToString(), o.Batching.ToString().ToLowerInvariant());
    }

    /// <summary>Why this request cannot run, or null (after the warning that an insecure key file allowed earns, on standard error).</summary>
    public string? Problem() =>
        Nodes is < 1 or > 64 ? $"--nodes is {Nodes}; it must be from 1 to 64"
        : Size < BenchMessage.HeaderBytes || Size > EvsNodeOptions.DefaultMaxMessageBytes ? $"--size is {Size}; it must be from {BenchMessage.HeaderBytes} (the benchmark header) to {EvsNodeOptions.DefaultMaxMessageBytes}"
        : DurationS <= 0 ? "--duration must be positive"
        : WarmupS < 0 ? "--warmup must not be negative"
        : Rate is <= 0 ? "--rate must be positive"
        : BasePort is < 1 or > 65535 ? "--base-port must be a port number"
        : BasePort is { } first && first + Nodes - 1 > 65535 ? $"--base-port {first} leaves no port for p{Nodes}: node i takes base-port + i - 1"
        : Placement.Problem(Nodes) is { } placementProblem ? placementProblem
        : KeyFile is { } k && KeyOptions.Problem("evs bench", k, InsecureKey) is { } keyProblem ? keyProblem
        : Tuning.WindowSize is <= 0 || Tuning.MaxMessagesPerVisit is <= 0 ? "--window and --max-per-visit must be positive"
        : null;
}

/// <summary>`evs bench` and its output.</summary>
internal static class BenchCommand
{
    /// <summary>`evs bench`.</summary>
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "Nodes, each a separate process (on 127.0.0.1 unless --hosts says where).", DefaultValueFactory = _ => 3 };
        var size = new Option<int>("--size") { Description = "Message size in bytes.", DefaultValueFactory = _ => 1000 };
        var service = new Option<string>("--service") { Description = "Delivery service.", DefaultValueFactory = _ => "agreed" };
        service.AcceptOnlyFromAmong("agreed", "safe");
        var senders = new Option<string>("--senders") { Description = "Every node sends, or p1 only.", DefaultValueFactory = _ => "all" };
        senders.AcceptOnlyFromAmong("all", "one");
        var duration = new Option<double>("--duration") { Description = "The timed window in seconds (1 s of warmup before and of sending after).", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of sending before and after the window.", DefaultValueFactory = _ => 1 };
        var rate = new Option<double?>("--rate") { Description = "Messages per second offered in all (split among the senders), for latency; default: as fast as flow control allows." };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON line, no progress bar." };
        var basePort = new Option<int?>("--base-port") { Description = "UDP ports base-port .. base-port+N-1, node i at base-port + i - 1; default: free ports on 127.0.0.1, 5405 with --hosts." };
        var key = new Option<FileInfo?>("--key") { Description = "A key file: datagrams are encrypted and authenticated (AES-256-GCM). Refused if its group or others may read or write it (chmod 600 it)." };
        var insecureKey = KeyOptions.InsecureKey();
        var tuning = BenchTuning.Options();
        var placement = BenchPlacement.Options();
        var command = new Command("bench", "Measure the real runtime: N node processes (on 127.0.0.1, or where --hosts and --node-command put them), deliveries per second, MB/s, send-to-self latency, and the same total order everywhere.")
        {
            nodes, size, service, senders, duration, warmup, rate, json, basePort, key, insecureKey,
        };
        foreach (var option in tuning.All.Concat(placement.All)) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var request = new BenchRequest(parse.GetValue(nodes), parse.GetValue(size), Enum.Parse<DeliveryService>(parse.GetValue(service)!, ignoreCase: true),
                parse.GetValue(senders) == "all", parse.GetValue(duration), parse.GetValue(warmup), parse.GetValue(rate), parse.GetValue(json),
                parse.GetValue(basePort), parse.GetValue(key)?.FullName, parse.GetValue(insecureKey), tuning.From(parse), placement.From(parse));
            if (request.Problem() is { } problem)
            {
                Console.Error.WriteLine($"evs bench: {problem}");
                return ExitCodes.BadInput;
            }
            return RunAsync(request).GetAwaiter().GetResult();
        });
        return command;
    }

    /// <summary>Runs the request, bounded by its budget and by Ctrl-C / SIGTERM; prints the report; returns the exit code.</summary>
    public static async Task<int> RunAsync(BenchRequest request)
    {
        using var cancel = new CancellationTokenSource(request.Budget);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cancel.Cancel();
        });
        try
        {
            using var cluster = new BenchCluster(request.Placement);
            var report = await BenchRun.RunAsync(request, cluster, cancel.Token);
            if (report is null)
            {
                Console.Error.WriteLine(cancel.IsCancellationRequested ? "evs bench: cancelled or out of time" : "evs bench: the nodes did not form one ring");
                Console.Error.WriteLine(cluster.Diagnostics());
                return ExitCodes.Violation;
            }
            if (request.Json) Console.Out.WriteLine(BenchJson.Line(report));
            else Print(report);
            return report.Summary.Complete ? ExitCodes.Ok : ExitCodes.Violation;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void Print(BenchReport r)
    {
        var s = r.Settings;
        AnsiConsole.MarkupLineInterpolated($"[bold]evs bench[/]: {r.Nodes} nodes, {r.Size} B, {r.Service}, senders {r.Senders}, window {r.DurationS} s (warmup {r.WarmupS} s), {(r.Rate is { } rate ? $"{rate} msgs/s offered in all" : "as fast as flow control allows")}");
        AnsiConsole.MarkupLineInterpolated($"[grey]timeouts: token loss {s.TokenLossMs} ms, join {s.JoinMs} ms, consensus {s.ConsensusMs} ms, merge {s.MergeDetectMs} ms, token retransmit {s.TokenRetransmitMs} ms, idle token hold {s.IdleTokenHoldMs} ms[/]");
        AnsiConsole.MarkupLineInterpolated($"[grey]windows: window size {s.WindowSize}, max messages per visit {s.MaxMessagesPerVisit}, outstanding limit {s.OutstandingLimit}, pending sends {s.MaxPendingSends}, datagram {s.MaxDatagramBytes} B, security {s.Security}, system call batching {s.Batching}, node scheduling {string.Join(", ", r.PerNode.Select(n => n.Scheduling).Distinct())}[/]");
        var table = new Table().AddColumns("node", "sends", "delivered in window", "msgs/s", "MB/s", "lat p50 (µs)", "lat p99 (µs)", "order hash", "CPU s (kernel)", "datagrams out/in", "system calls out/in", "token holds/cancels");
        foreach (var n in r.PerNode)
            table.AddRow(n.Node, n.Send ? $"{n.SentTotal}" : "-", $"{n.DeliveredWindow}", $"{n.MessagesPerSecond:0}", $"{n.MegabytesPerSecond:0.00}",
                n.Latency is { } l ? $"{l.P50:0}" : "-", n.Latency is { } m ? $"{m.P99:0}" : "-", n.OrderHash, $"{n.CpuSeconds:0.0} ({n.KernelCpuSeconds:0.0})",
                $"{n.DatagramsSent}/{n.DatagramsReceived}", $"{n.SendCalls}/{n.ReceiveCalls}", $"{n.TokenHolds}/{n.HoldCancelsSent}");
        AnsiConsole.Write(table);
        var x = r.Summary;
        AnsiConsole.MarkupLineInterpolated($"per node: [bold]{x.PerNodeMessagesPerSecond:0} msgs/s[/] (min {x.PerNodeMessagesPerSecondMin:0}), {x.PerNodeMegabytesPerSecond:0.00} MB/s; in all (sum over receivers): {x.AggregateMessagesPerSecond:0} msgs/s, {x.AggregateMegabytesPerSecond:0.00} MB/s");
        if (x.LatencyP50 is { } p50) AnsiConsole.MarkupLineInterpolated($"latency send → own delivery: p50 {p50:0} µs, p99 {x.LatencyP99:0} µs");
        if (x.MaxResidentGrowthPercent is { } growth)
            AnsiConsole.MarkupLineInterpolated($"memory: resident set {string.Join(", ", r.PerNode.Select(n => $"{n.Node} {n.Memory.LastOrDefault()?.ResidentMb:0} MB"))} at the end; growth over the window at most {growth:0.0}% (end of the window against its beginning)");
        AnsiConsole.MarkupLineInterpolated(x.Complete ? (FormattableString)$"[green]same order on every node[/] (order hash equal, FIFO gaps 0, every stream complete, no configuration change)" : $"[red]problems:[/] {string.Join("; ", x.Problems)}");
    }
}
