// `evs bench`: the few protocol settings a benchmark may change to find where the time goes
// (the flow-control window, messages per token visit, the idle token hold, and which system calls
// carry many datagrams at once). Unset, a node runs
// with the runtime's defaults, which is what the recorded numbers use.
using System.CommandLine;
using Evs.Runtime;

namespace Evs.Cli.Commands.Bench;

/// <summary>Overrides of the runtime's defaults; null leaves a default alone.</summary>
internal sealed record BenchTuning(int? WindowSize, int? MaxMessagesPerVisit, double? IdleTokenHoldMs, SystemCallBatching? Batching = null)
{
    /// <summary>The values of --batching, and what each means.</summary>
    private static readonly Dictionary<string, SystemCallBatching> BatchingNames = new()
    {
        ["none"] = SystemCallBatching.None,
        ["send"] = SystemCallBatching.Send,
        ["receive"] = SystemCallBatching.Receive,
        ["both"] = SystemCallBatching.Both,
    };

    /// <summary>The options that set a tuning, for `evs bench` and `evs bench-node` alike.</summary>
    public sealed record OptionSet(Option<int?> Window, Option<int?> PerVisit, Option<double?> Hold, Option<string?> Batching)
    {
        /// <summary>The four options.</summary>
        public IEnumerable<Option> All => [Window, PerVisit, Hold, Batching];

        /// <summary>The tuning the command line gives.</summary>
        public BenchTuning From(ParseResult parse) => new(parse.GetValue(Window), parse.GetValue(PerVisit), parse.GetValue(Hold),
            parse.GetValue(Batching) is { } name ? BatchingNames[name] : null);
    }

    /// <summary>--window, --max-per-visit, --idle-token-hold, --batching.</summary>
    public static OptionSet Options()
    {
        var batching = new Option<string?>("--batching") { Description = "Which system calls carry many datagrams at once on Linux: none (one sendto/recvfrom each), send (sendmmsg), receive (recvmmsg) or both (default: the runtime's, both)." };
        batching.AcceptOnlyFromAmong([.. BatchingNames.Keys]);
        return new(
            new Option<int?>("--window") { Description = "Totem's flow-control window: messages broadcast per token rotation, by all (default: the runtime's, 50)." },
            new Option<int?>("--max-per-visit") { Description = "Messages one node may broadcast per token visit (default: the runtime's, 17)." },
            new Option<double?>("--idle-token-hold") { Description = "Milliseconds the representative holds an idle token; 0 never holds (default: the runtime's)." },
            batching);
    }

    /// <summary><paramref name="options"/> with these overrides.</summary>
    public EvsNodeOptions Apply(EvsNodeOptions options) => options with
    {
        Totem = options.Totem with
        {
            WindowSize = WindowSize ?? options.Totem.WindowSize,
            MaxMessagesPerVisit = MaxMessagesPerVisit ?? options.Totem.MaxMessagesPerVisit,
        },
        IdleTokenHoldMs = IdleTokenHoldMs ?? options.IdleTokenHoldMs,
        Batching = Batching ?? options.Batching,
    };

    /// <summary>The arguments that give this tuning to `evs bench-node`.</summary>
    public IEnumerable<string> Arguments()
    {
        if (WindowSize is { } w) { yield return "--window"; yield return w.ToString(); }
        if (MaxMessagesPerVisit is { } m) { yield return "--max-per-visit"; yield return m.ToString(); }
        if (IdleTokenHoldMs is { } h) { yield return "--idle-token-hold"; yield return h.ToString("R"); }
        if (Batching is { } b) { yield return "--batching"; yield return BatchingNames.Single(n => n.Value == b).Key; }
    }
}
