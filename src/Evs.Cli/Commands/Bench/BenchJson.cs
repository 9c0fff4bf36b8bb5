// `evs bench`: what a benchmark node reports and what the whole run reports, as JSON. The field
// names follow the Corosync harness's cpgbench output (msgs_per_s, MB_per_s, order_hash, lat_us,
// ...) so that the two can be read side by side by the same script.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evs.Cli.Commands.Bench;

/// <summary>Latency percentiles in microseconds over <see cref="N"/> samples.</summary>
internal sealed record LatencySummary(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p90")] double P90,
    [property: JsonPropertyName("p99")] double P99,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("mean")] double Mean)
{
    /// <summary>The summary of <paramref name="latency"/>, or null when it has no sample.</summary>
    public static LatencySummary? Of(LatencyHistogram latency) =>
        latency.Count == 0
            ? null
            : new LatencySummary((int)latency.Count, latency.Min, latency.Percentile(0.5), latency.Percentile(0.9), latency.Percentile(0.99), latency.Max, latency.Mean);
}

/// <summary>
/// One node's report: what it delivered in the window, its order hash over the whole stream, its
/// own messages' latency, and the counters that say where its time went (CPU, datagrams, token holds).
/// </summary>
internal sealed record BenchNodeResult(
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("send")] bool Send,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("members_at_start")] int MembersAtStart,
    [property: JsonPropertyName("configuration_changes")] int ConfigurationChanges,
    [property: JsonPropertyName("ring_formed_ms")] double RingFormedMs,
    [property: JsonPropertyName("window_s")] double WindowS,
    [property: JsonPropertyName("delivered_win")] long DeliveredWindow,
    [property: JsonPropertyName("msgs_per_s")] double MessagesPerSecond,
    [property: JsonPropertyName("MB_per_s")] double MegabytesPerSecond,
    [property: JsonPropertyName("sent_total")] long SentTotal,
    [property: JsonPropertyName("delivered_total")] long DeliveredTotal,
    [property: JsonPropertyName("done_seen")] int DoneSeen,
    [property: JsonPropertyName("nsenders")] int Senders,
    [property: JsonPropertyName("fifo_gaps")] long FifoGaps,
    [property: JsonPropertyName("order_hash")] string OrderHash,
    [property: JsonPropertyName("lat_us")] LatencySummary? Latency,
    [property: JsonPropertyName("cpu_s")] double CpuSeconds,
    [property: JsonPropertyName("cpu_kernel_s")] double KernelCpuSeconds,
    [property: JsonPropertyName("scheduling")] string Scheduling,
    [property: JsonPropertyName("datagrams_sent")] long DatagramsSent,
    [property: JsonPropertyName("datagrams_received")] long DatagramsReceived,
    [property: JsonPropertyName("send_calls")] long SendCalls,
    [property: JsonPropertyName("receive_calls")] long ReceiveCalls,
    [property: JsonPropertyName("token_holds")] long TokenHolds,
    [property: JsonPropertyName("hold_cancels_sent")] long HoldCancelsSent,
    [property: JsonPropertyName("memory")] IReadOnlyList<MemorySample> Memory,
    [property: JsonPropertyName("rss_growth_pct")] double? ResidentGrowthPercent);

/// <summary>The run's summary, computed as the harness's analyze.py does.</summary>
internal sealed record BenchSummary(
    [property: JsonPropertyName("per_node_msgs_per_s")] double PerNodeMessagesPerSecond,
    [property: JsonPropertyName("per_node_msgs_per_s_min")] double PerNodeMessagesPerSecondMin,
    [property: JsonPropertyName("per_node_MB_per_s")] double PerNodeMegabytesPerSecond,
    [property: JsonPropertyName("aggregate_msgs_per_s")] double AggregateMessagesPerSecond,
    [property: JsonPropertyName("aggregate_MB_per_s")] double AggregateMegabytesPerSecond,
    [property: JsonPropertyName("lat_p50_us")] double? LatencyP50,
    [property: JsonPropertyName("lat_p99_us")] double? LatencyP99,
    [property: JsonPropertyName("max_rss_growth_pct")] double? MaxResidentGrowthPercent,
    [property: JsonPropertyName("order_hash_equal")] bool OrderHashEqual,
    [property: JsonPropertyName("complete")] bool Complete,
    [property: JsonPropertyName("problems")] IReadOnlyList<string> Problems)
{
    /// <summary>
    /// The summary of <paramref name="nodes"/> (every node's report; <paramref name="expected"/> of
    /// them were started): per-node = mean over the nodes, aggregate = sum over the receivers,
    /// latency p50 = median of the senders' medians, p99 = the worst sender's; memory growth = the worst node's.
    /// </summary>
    public static BenchSummary Of(IReadOnlyList<BenchNodeResult> nodes, int expected)
    {
        var problems = new List<string>();
        if (nodes.Count != expected) problems.Add($"only {nodes.Count} of {expected} nodes reported");
        bool hashEqual = nodes.Count > 0 && nodes.Select(n => n.OrderHash).Distinct().Count() == 1;
        if (nodes.Count > 0 && !hashEqual) problems.Add("order hashes differ: " + string.Join(", ", nodes.Select(n => $"{n.Node} {n.OrderHash}")));
        foreach (var n in nodes)
        {
            if (n.FifoGaps != 0) problems.Add($"{n.Node}: {n.FifoGaps} FIFO gaps");
            if (n.DoneSeen < n.Senders) problems.Add($"{n.Node}: done markers from {n.DoneSeen} of {n.Senders} senders (stream incomplete)");
            if (n.MembersAtStart != expected) problems.Add($"{n.Node}: {n.MembersAtStart} members at the start, not {expected}");
            if (n.ConfigurationChanges != 0) problems.Add($"{n.Node}: {n.ConfigurationChanges} configuration changes during the run");
        }
        var rates = nodes.Select(n => n.MessagesPerSecond).DefaultIfEmpty(0).ToList();
        var senders = nodes.Where(n => n.Send && n.Latency is not null).Select(n => n.Latency!).ToList();
        return new BenchSummary(
            rates.Average(),
            rates.Min(),
            nodes.Select(n => n.MegabytesPerSecond).DefaultIfEmpty(0).Average(),
            rates.Sum(),
            nodes.Sum(n => n.MegabytesPerSecond),
            senders.Count > 0 ? Median(senders.Select(l => l.P50)) : null,
            senders.Count > 0 ? senders.Max(l => l.P99) : null,
            nodes.Max(n => n.ResidentGrowthPercent),
            hashEqual,
            problems.Count == 0,
            problems);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>The settings every node ran with: the runtime's defaults unless a flag changed them.</summary>
internal sealed record BenchProtocolSettings(
    [property: JsonPropertyName("token_loss_ms")] double TokenLossMs,
    [property: JsonPropertyName("join_ms")] double JoinMs,
    [property: JsonPropertyName("consensus_ms")] double ConsensusMs,
    [property: JsonPropertyName("merge_detect_ms")] double MergeDetectMs,
    [property: JsonPropertyName("token_retransmit_ms")] double TokenRetransmitMs,
    [property: JsonPropertyName("idle_token_hold_ms")] double IdleTokenHoldMs,
    [property: JsonPropertyName("window_size")] int WindowSize,
    [property: JsonPropertyName("max_messages_per_visit")] int MaxMessagesPerVisit,
    [property: JsonPropertyName("outstanding_limit")] int OutstandingLimit,
    [property: JsonPropertyName("max_pending_sends")] int MaxPendingSends,
    [property: JsonPropertyName("max_datagram_bytes")] int MaxDatagramBytes,
    [property: JsonPropertyName("security")] string Security,
    [property: JsonPropertyName("batching")] string Batching);

/// <summary>The whole run: what was asked, with which settings, each node's report and the summary.</summary>
internal sealed record BenchReport(
    [property: JsonPropertyName("nodes")] int Nodes,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("senders")] string Senders,
    [property: JsonPropertyName("duration_s")] double DurationS,
    [property: JsonPropertyName("warmup_s")] double WarmupS,
    [property: JsonPropertyName("rate")] double? Rate,
    [property: JsonPropertyName("settings")] BenchProtocolSettings Settings,
    [property: JsonPropertyName("per_node")] IReadOnlyList<BenchNodeResult> PerNode,
    [property: JsonPropertyName("summary")] BenchSummary Summary);

/// <summary>One compact JSON line per record, the same options everywhere.</summary>
internal static class BenchJson
{
    /// <summary>The serializer options: compact, nulls written (a missing latency is explicit).</summary>
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = false };

    /// <summary><paramref name="value"/> as one line of JSON.</summary>
    public static string Line<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>The record in <paramref name="line"/>.</summary>
    /// <exception cref="JsonException">The line is not such a record.</exception>
    public static T Parse<T>(string line) => JsonSerializer.Deserialize<T>(line, Options) ?? throw new JsonException("null");
}
