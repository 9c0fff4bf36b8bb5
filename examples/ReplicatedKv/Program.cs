// A replicated key-value store in about four hundred lines, built on Evs.Runtime's public API only:
// the prototype issue 18 asks for. Three of these, one per machine (or per port on one), keep
// identical maps through partitions, merges, crashes and restarts.
//
//   dotnet run --project examples/ReplicatedKv -- --id p1 --peers p1=127.0.0.1:7001,p2=127.0.0.1:7002,p3=127.0.0.1:7003
//
// It reads commands, one per line, on standard input and answers on standard output:
//   set KEY VALUE     write (safe, in the group's total order); answers "sent MESSAGE-ID"
//   get KEY           the value here
//   digest            "digest HEX KEYS VIEW": equal digests, equal maps
//   block P...        cut this replica off from P... (a partition, for a demonstration or a test)
//   heal              undo every cut
//   quit              leave the group and the ring gracefully, and exit
using System.Collections.Immutable;
using System.Net;
using Evs.Reference.Model;
using Evs.Runtime;
using ReplicatedKv;

var options = Arguments.Parse(args);
await using var node = await EvsNode.StartAsync(options);
using var replica = await Replica.StartAsync(node, Console.Out);
Console.WriteLine($"ready {options.Id}");

while (Console.ReadLine() is { } line)
{
    string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    if (words.Length == 0) continue;
    try
    {
        switch (words[0])
        {
            case "set" when words.Length == 3:
                var receipt = await replica.SetAsync(words[1], words[2]);
                Console.WriteLine($"sent {receipt.Message}");
                break;
            case "get" when words.Length == 2:
                Console.WriteLine($"value {words[1]} {replica.Get(words[1]) ?? "(none)"}");
                break;
            case "digest":
                var (digest, keys, view) = replica.Describe();
                Console.WriteLine($"digest {digest} {keys} {view?.Id.ToString() ?? "(none)"} [{string.Join(",", view?.Members ?? [])}]");
                break;
            case "block" when words.Length > 1:
                node.Block([.. words.Skip(1).Select(p => new ProcessId(p))]);
                Console.WriteLine("blocked");
                break;
            case "heal":
                node.Heal();
                Console.WriteLine("healed");
                break;
            case "quit":
                await node.StopAsync();
                return;
            default:
                Console.WriteLine($"unknown command: {line}");
                break;
        }
    }
    catch (Exception e) when (e is InvalidOperationException or ArgumentException)
    {
        Console.WriteLine($"error {e.Message}");
    }
}

/// <summary>The command line: --id, --peers ID=HOST:PORT,..., --store DIR, --token-loss-ms N.</summary>
internal static class Arguments
{
    public static EvsNodeOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected an option, found {args[i]}");
            values[args[i][2..]] = args[i + 1];
        }
        if (!values.TryGetValue("id", out var id)) throw new ArgumentException("--id is required");
        if (!values.TryGetValue("peers", out var peerList)) throw new ArgumentException("--peers is required");
        var peers = peerList.Split(',').Select(Peer).ToImmutableDictionary(p => p.Id, p => p.EndPoint);
        return new EvsNodeOptions
        {
            Id = new ProcessId(id),
            Peers = peers,
            StoreDirectory = values.GetValueOrDefault("store"),
            Timeouts = new Timeouts { TokenLoss = TimeSpan.FromMilliseconds(int.Parse(values.GetValueOrDefault("token-loss-ms", "1000"))) },
        };
    }

    private static (ProcessId Id, IPEndPoint EndPoint) Peer(string text)
    {
        int equals = text.IndexOf('=');
        if (equals <= 0 || !IPEndPoint.TryParse(text[(equals + 1)..], out var endPoint))
            throw new ArgumentException($"a peer is ID=HOST:PORT, not \"{text}\"");
        return (new ProcessId(text[..equals]), endPoint);
    }
}
