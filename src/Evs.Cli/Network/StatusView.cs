// How a node's status looks to a person: a grid for one node (`/status` at `evs node`), a table
// with one row per node (`/status` at `evs cluster`). The data is NodeReport's.
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Evs.Cli.Network;

/// <summary>Spectre renderings of <see cref="NodeReport"/>.</summary>
internal static class StatusView
{
    /// <summary>One node: ring, members, what is in flight, datagrams, drops by reason (README.md, "A class demo on a real network", says how to read them), cuts.</summary>
    public static IRenderable Grid(NodeReport r)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, string value) => grid.AddRow($"[grey]{name}[/]", Markup.Escape(value));
        Row("node", $"{r.Id}, {(r.Running ? "running" : "stopped")}, {r.State}");
        Row("configuration", $"{r.Configuration ?? "none yet"} [{string.Join(", ", r.Members)}]{r.PrimaryText}");
        Row("ring", r.RingSequence is { } seq ? $"R{seq}.{r.RingRepresentative}" : "none yet");
        Row("messages", $"{r.PendingSends} waiting to be sent; delivered {r.Delivered} since it started, {r.DeliveredInConfiguration} of them in {r.Configuration ?? "no configuration yet"}");
        Row("ring ordinals", $"delivered up to {r.DeliveredUpTo} of {r.HighestSeen} seen (they start again with every ring)");
        Row("datagrams", $"sent {r.Datagrams.Sent}, received {r.Datagrams.Received}, send errors {r.Datagrams.SendErrors}, receive errors {r.Datagrams.ReceiveErrors}, to unknown peers {r.Datagrams.UnknownPeer}");
        var d = r.Dropped;
        Row("dropped by a cut", $"in {d.CutIn}, out {d.CutOut}");
        Row("refused senders", $"unknown source {d.UnknownSource}, wrong source {d.WrongSource}, unknown sender {d.UnknownSender}");
        Row("refused datagrams", $"malformed {d.Malformed}, unauthenticated {d.Unauthenticated}, wrong version {d.WrongVersion}, other cluster {d.OtherCluster}");
        Row("peers configured differently", r.MismatchedText);
        Row("copies refused", $"replayed {d.Replayed}, stale {d.Stale}, misaddressed {d.Misaddressed}");
        Row("claims refused", $"out of bounds {d.OutOfBounds}, misaddressed tokens {d.MisaddressedTokens}, stale joins {d.StaleJoins}, dropped requests {d.DroppedRequests}");
        Row("traffic cut", r.CutText);
        Row("idle token held", $"{r.TokenHolds} times");
        return grid;
    }

    /// <summary>Several nodes, one row each; <paramref name="absent"/> are nodes that do not run, with why.</summary>
    public static IRenderable Table(IEnumerable<NodeReport> reports, IEnumerable<(string Id, string Why)> absent)
    {
        var table = new Table().AddColumns("node", "state", "configuration", "members", "to send", "delivered (all, here)", "ordinals delivered / seen", "sent / received", "dropped (cut, refused)", "cut");
        foreach (var r in reports)
            table.AddRow(
                Markup.Escape(r.Id), Markup.Escape(r.State), Markup.Escape((r.Configuration ?? "none") + r.PrimaryText), Markup.Escape(string.Join(", ", r.Members)),
                $"{r.PendingSends}", $"{r.Delivered}, {r.DeliveredInConfiguration}", $"{r.DeliveredUpTo} / {r.HighestSeen}", $"{r.Datagrams.Sent} / {r.Datagrams.Received}",
                $"{r.Dropped.CutIn + r.Dropped.CutOut}, {r.Dropped.Refused}",
                Markup.Escape(r.CutText));
        foreach (var (id, why) in absent)
            table.AddRow(Markup.Escape(id), $"[red]{Markup.Escape(why)}[/]", "", "", "", "", "", "", "", "");
        return table;
    }
}
