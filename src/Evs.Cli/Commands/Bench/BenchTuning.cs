// `evs bench`: the few protocol settings a benchmark may change to find where the time goes
// (the flow-control window, messages per token visit, the idle token hold). Unset, a node runs
// with the runtime's defaults, which is what the recorded numbers use.
using System.CommandLine;
using Evs.Runtime;

namespace Evs.Cli.Commands.Bench;

/// <summary>Overrides of the runtime's defaults; null leaves a default alone.</summary>
internal sealed record BenchTuning(int? WindowSize, int? MaxMessagesPerVisit, double? IdleTokenHoldMs)
{
    /// <summary>The options that set a tuning, for `evs bench` and `evs bench-node` alike.</summary>
    public sealed record OptionSet(Option<int?> Window, Option<int?> PerVisit, Option<double?> Hold)
    {
        /// <summary>The three options.</summary>
        public IEnumerable<Option> All => [Window, PerVisit, Hold];

        /// <summary>The tuning the command line gives.</summary>
        public BenchTuning From(ParseResult parse) => new(parse.GetValue(Window), parse.GetValue(PerVisit), parse.GetValue(Hold));
    }

    /// <summary>--window, --max-per-visit, --idle-token-hold.</summary>
    public static OptionSet Options() => new(
        new Option<int?>("--window") { Description = "Totem's flow-control window: messages broadcast per token rotation, by all (default: the runtime's, 50)." },
        new Option<int?>("--max-per-visit") { Description = "Messages one node may broadcast per token visit (default: the runtime's, 17)." },
        new Option<double?>("--idle-token-hold") { Description = "Milliseconds the representative holds an idle token; 0 never holds (default: the runtime's)." });

    /// <summary><paramref name="options"/> with these overrides.</summary>
    public EvsNodeOptions Apply(EvsNodeOptions options) => options with
    {
        Totem = options.Totem with
        {
            WindowSize = WindowSize ?? options.Totem.WindowSize,
            MaxMessagesPerVisit = MaxMessagesPerVisit ?? options.Totem.MaxMessagesPerVisit,
        },
        IdleTokenHoldMs = IdleTokenHoldMs ?? options.IdleTokenHoldMs,
    };

    /// <summary>The arguments that give this tuning to `evs bench-node`.</summary>
    public IEnumerable<string> Arguments()
    {
        if (WindowSize is { } w) { yield return "--window"; yield return w.ToString(); }
        if (MaxMessagesPerVisit is { } m) { yield return "--max-per-visit"; yield return m.ToString(); }
        if (IdleTokenHoldMs is { } h) { yield return "--idle-token-hold"; yield return h.ToString("R"); }
    }
}
