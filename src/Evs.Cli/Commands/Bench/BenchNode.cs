// `evs bench-node` (hidden): one node of `evs bench`, run by it as a child process. It starts one
// EvsNode, says "ready" on stdout once it is in a regular configuration of every node, waits for
// "go <t0>" on stdin (t0 in Unix milliseconds: the common start), sends from t0 as fast as flow
// control allows (or at a fixed rate), counts deliveries in [t0 + warmup, t0 + warmup + duration],
// sends a done marker after t0 + 2 warmups + duration, drains until every sender's done marker is
// delivered, and prints its report as one JSON line, with its memory sampled from t0 to the end of sending. Its stdin closing (the parent gone) ends it.
using System.Collections.Immutable;
using System.CommandLine;
using System.Diagnostics;
using System.Net;
using Evs.Cli.Network;
using Evs.Reference.Model;
using Evs.Reference.Ordering;
using Evs.Runtime;

namespace Evs.Cli.Commands.Bench;

/// <summary>What one benchmark node is told by the parent.</summary>
internal sealed record BenchNodeSettings(
    ProcessId Id,
    ImmutableDictionary<ProcessId, IPEndPoint> Peers,
    int Size,
    DeliveryService Service,
    bool Send,
    int Senders,
    double RatePerSender,
    double DurationS,
    double WarmupS,
    string Store,
    string? KeyFile,
    bool InsecureKey,
    BenchTuning Tuning)
{
    /// <summary>How long a node waits for the done markers after it stopped sending.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The options of the node: the runtime's defaults, with this node's identity, peers, store and key, and any tuning asked for.</summary>
    public EvsNodeOptions NodeOptions() => Tuning.Apply(new EvsNodeOptions { Id = Id, Peers = Peers, StoreDirectory = Store, KeyFile = KeyFile, InsecureKeyFile = InsecureKey });

    /// <summary>The arguments of `evs bench-node` that give these settings.</summary>
    public IEnumerable<string> Arguments()
    {
        yield return BenchNode.CommandName;
        yield return "--id"; yield return Id.Name;
        yield return "--peers"; yield return string.Join(",", Peers.OrderBy(p => p.Key, ProcessId.Ordinal).Select(p => $"{p.Key.Name}={p.Value}"));
        yield return "--size"; yield return Size.ToString();
        yield return "--service"; yield return Service.ToString().ToLowerInvariant();
        yield return "--send"; yield return Send ? "true" : "false";
        yield return "--senders"; yield return Senders.ToString();
        yield return "--rate"; yield return RatePerSender.ToString("R");
        yield return "--duration"; yield return DurationS.ToString("R");
        yield return "--warmup"; yield return WarmupS.ToString("R");
        yield return "--store"; yield return Store;
        if (KeyFile is not null) { yield return "--key"; yield return KeyFile; }
        if (InsecureKey) yield return "--insecure-key";
        foreach (var argument in Tuning.Arguments()) yield return argument;
    }
}

/// <summary>The hidden child command and its run.</summary>
internal static class BenchNode
{
    /// <summary>The child command's name.</summary>
    public const string CommandName = "bench-node";

    /// <summary>The line a node prints once it is in a regular configuration of every node.</summary>
    public const string ReadyLine = "ready";

    /// <summary>The start signal's prefix: "go &lt;t0 in Unix milliseconds&gt;".</summary>
    public const string GoPrefix = "go ";

    /// <summary>`evs bench-node`, hidden: only `evs bench` runs it.</summary>
    public static Command Create()
    {
        var id = new Option<string>("--id") { Required = true };
        var peers = new Option<string>("--peers") { Required = true, Description = "id=host:port,... for every node, this one included." };
        var size = new Option<int>("--size") { Required = true };
        var service = new Option<DeliveryService>("--service") { Required = true };
        var send = new Option<bool>("--send") { Required = true };
        var senders = new Option<int>("--senders") { Required = true };
        var rate = new Option<double>("--rate") { Required = true };
        var duration = new Option<double>("--duration") { Required = true };
        var warmup = new Option<double>("--warmup") { Required = true };
        var store = new Option<string>("--store") { Required = true };
        var key = new Option<string?>("--key");
        var insecureKey = KeyOptions.InsecureKey();
        var tuning = BenchTuning.Options();
        var command = new Command(CommandName, "One node of `evs bench` (run by it).") { id, peers, size, service, send, senders, rate, duration, warmup, store, key, insecureKey };
        foreach (var option in tuning.All) command.Options.Add(option);
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var settings = new BenchNodeSettings(
                new ProcessId(parse.GetValue(id)!), ParsePeers(parse.GetValue(peers)!), parse.GetValue(size), parse.GetValue(service),
                parse.GetValue(send), parse.GetValue(senders), parse.GetValue(rate), parse.GetValue(duration), parse.GetValue(warmup),
                parse.GetValue(store)!, parse.GetValue(key), parse.GetValue(insecureKey), tuning.From(parse));
            return RunAsync(settings, Console.In, Console.Out).GetAwaiter().GetResult();
        });
        return command;
    }

    /// <summary>"p1=127.0.0.1:5000,p2=..." as a map.</summary>
    public static ImmutableDictionary<ProcessId, IPEndPoint> ParsePeers(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split('=', 2))
            .ToImmutableDictionary(kv => new ProcessId(kv[0]), kv => IPEndPoint.Parse(kv[1]));

    /// <summary>Runs one node as described above; returns the exit code.</summary>
    public static async Task<int> RunAsync(BenchNodeSettings settings, TextReader control, TextWriter output)
    {
        using var parentGone = new CancellationTokenSource();
        long started = Stopwatch.GetTimestamp();
        await using var node = await EvsNode.StartAsync(settings.NodeOptions());
        var counter = new DeliveryCounter(settings.Id, settings.Peers.Count, settings.Senders);
        // Counted in place, on the node's event loop: a delivery's time is when the node made it,
        // not when a thread woken for it got round to it (and no thread is woken per delivery).
        using var counting = node.Host.OnEventInline(e => counter.On(e, Stopwatch.GetTimestamp()));
        await counter.Ready.WaitAsync(parentGone.Token);
        double formedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        output.WriteLine(ReadyLine);
        output.Flush();
        if (control.ReadLine() is not { } go || !go.StartsWith(GoPrefix, StringComparison.Ordinal)) return ExitCodes.BadInput;
        _ = Task.Run(() => WatchParent(control, parentGone));
        long t0 = FromUnixMilliseconds(double.Parse(go[GoPrefix.Length..]));
        long second = Stopwatch.Frequency;
        long windowStart = t0 + (long)(settings.WarmupS * second);
        long windowEnd = windowStart + (long)(settings.DurationS * second);
        long sendEnd = windowEnd + (long)(settings.WarmupS * second);
        counter.SetWindow(windowStart, windowEnd);
        var (cpuBefore, kernelBefore) = Cpu();
        await WaitUntilAsync(t0, parentGone.Token);
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(parentGone.Token);
        var sampling = MemorySampler.RunAsync(t0, SamplingPeriod(settings), stopSampling.Token);
        long sent = settings.Send ? await SendAsync(node, settings, t0, sendEnd, parentGone.Token) : 0;
        if (!settings.Send) await WaitUntilAsync(sendEnd, parentGone.Token);
        await counter.Drained.WaitAsync(BenchNodeSettings.DrainTimeout, parentGone.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        var (cpuAfter, kernelAfter) = Cpu();
        var (cpu, kernel) = (cpuAfter - cpuBefore, kernelAfter - kernelBefore);
        await stopSampling.CancelAsync();
        var memory = await sampling;
        var counters = (await node.Host.GetStatusAsync(parentGone.Token)).Counters!;
        var result = Report(settings, node, counter, counters, sent, formedMs, cpu, kernel, memory);
        await parentGone.CancelAsync();
        output.WriteLine(BenchJson.Line(result));
        output.Flush();
        return ExitCodes.Ok;
    }

    private static BenchNodeResult Report(BenchNodeSettings s, EvsNode node, DeliveryCounter c, OrderingCounters ordering, long sent, double formedMs, TimeSpan cpu, TimeSpan kernel, List<MemorySample> memory) => new(
        s.Id.Name, s.Send, s.Size, s.Service.ToString().ToLowerInvariant(), c.MembersAtStart,
        c.ConfigurationChanges, formedMs, s.DurationS, c.DeliveredWindow, c.DeliveredWindow / s.DurationS, c.BytesWindow / s.DurationS / 1e6,
        sent, c.DeliveredTotal, c.DoneSeen, s.Senders, c.FifoGaps, c.Hash.Hex, LatencySummary.Of(c.Latency), cpu.TotalSeconds, kernel.TotalSeconds, Scheduling.OfThisProcess(),
        node.Host.Transport.Counters.Sent, node.Host.Transport.Counters.Received,
        node.Host.Transport.Counters.SendCalls, node.Host.Transport.Counters.ReceiveCalls, ordering.TokenHolds, ordering.HoldCancelsSent,
        memory, MemorySampler.GrowthPercent(memory, s.WarmupS, s.WarmupS + s.DurationS, SamplingPeriod(s)));

    // This process's CPU time, and the part of it spent in the kernel (system calls, the network
    // stack): the part that batching the system calls is meant to cut.
    private static (TimeSpan All, TimeSpan Kernel) Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return (self.TotalProcessorTime, self.PrivilegedProcessorTime);
    }

    private static TimeSpan SamplingPeriod(BenchNodeSettings s) => MemorySampler.Period(s.DurationS + 2 * s.WarmupS);

    // Sends data messages from t0 until sendEnd (as fast as the host queues them, or paced at the
    // rate), then the done marker; returns how many data messages were sent. The host's send
    // returns once a message is queued, without waiting for its receipt (EvsNode.SendAsync waits
    // for the token), so that the queue stays full, as the harness's cpg_mcast_joined keeps it.
    private static async Task<long> SendAsync(EvsNode node, BenchNodeSettings s, long t0, long sendEnd, CancellationToken cancellationToken)
    {
        var payload = new byte[s.Size];
        long interval = s.RatePerSender > 0 ? (long)(Stopwatch.Frequency / s.RatePerSender) : 0;
        long next = t0, seq = 0;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), sendEnd) + BenchNodeSettings.DrainTimeout);
        while (Stopwatch.GetTimestamp() < sendEnd)
        {
            if (interval > 0)
            {
                await WaitUntilAsync(next, bounded.Token);
                next += interval;
            }
            new BenchMessage(BenchMessageKind.Data, seq, Stopwatch.GetTimestamp()).WriteTo(payload);
            _ = await node.Host.SendAsync(payload.ToArray(), s.Service, bounded.Token);
            seq++;
        }
        new BenchMessage(BenchMessageKind.Done, seq, Stopwatch.GetTimestamp()).WriteTo(payload);
        _ = await node.Host.SendAsync(payload.ToArray(), s.Service, bounded.Token);
        return seq;
    }

    // Cancels the run when the parent closes this process's stdin (it has gone). Console.In reads
    // synchronously even through ReadLineAsync, so this runs on a thread of its own; after the
    // run it may find the source already disposed, which is the same as cancelled.
    private static void WatchParent(TextReader control, CancellationTokenSource parentGone)
    {
        while (control.ReadLine() is not null)
        {
        }
        try
        {
            parentGone.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static async Task WaitUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (left > TimeSpan.Zero) await Task.Delay(left, cancellationToken);
    }

    private static long FromUnixMilliseconds(double unixMs)
    {
        double aheadMs = unixMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return Stopwatch.GetTimestamp() + (long)(aheadMs * Stopwatch.Frequency / 1000);
    }
}
