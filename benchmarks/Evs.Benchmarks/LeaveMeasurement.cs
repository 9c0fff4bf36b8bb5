// Issue 18, item 3, measured: how long after a process's StopAsync (a graceful leave) the others
// deliver their regular configuration without it, over real UDP on loopback. Not a BenchmarkDotNet
// benchmark: each run is a fresh three-process cluster with Corosync's default timeouts (a token
// loss of 3 s, which a leave must not wait for), and the number is wall-clock time to an event.
//   dotnet run -c Release --project benchmarks/Evs.Benchmarks -- leave 30
using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Runtime;

/// <summary>The time from StopAsync at p3 to both p1 and p2 having installed {p1,p2}, over several runs.</summary>
public static class LeaveMeasurement
{
    private static readonly ProcessId[] Ids = [new("p1"), new("p2"), new("p3")];

    /// <summary>Runs <paramref name="runs"/> leaves and prints each time, then the median and the maximum.</summary>
    public static async Task RunAsync(int runs)
    {
        var times = new List<double>();
        for (int run = 1; run <= runs; run++)
        {
            double ms = await OneLeaveAsync();
            times.Add(ms);
            Console.WriteLine($"run {run}: {ms:F1} ms");
        }
        times.Sort();
        double median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
        Console.WriteLine($"{runs} leaves: median {median:F1} ms, max {times[^1]:F1} ms, min {times[0]:F1} ms");
    }

    private static async Task<double> OneLeaveAsync()
    {
        string directory = Path.Combine(Path.GetTempPath(), "evs-leave-" + Guid.NewGuid().ToString("N"));
        var ports = LoopbackPorts.Free(Ids.Length);
        var peers = Ids.Select((id, i) => (id, address: new IPEndPoint(IPAddress.Loopback, ports[i]))).ToImmutableDictionary(p => p.id, p => p.address);
        var nodes = new List<EvsNode>();
        try
        {
            foreach (var id in Ids)
                nodes.Add(await EvsNode.StartAsync(new EvsNodeOptions { Id = id, Peers = peers, StoreDirectory = Path.Combine(directory, id.Name) }));
            await UntilAsync(async () => await InOneRingAsync(nodes));
            var survivors = nodes.Take(2).ToList();
            var installed = survivors.Select(_ => new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
            var clock = new Stopwatch();
            var subscriptions = survivors.Select((node, i) => node.Host.OnEvent(e =>
            {
                if (e is ConfigurationChangedEvent { Kind: ConfigurationKind.Regular } c && c.Members.Length == 2) installed[i].TrySetResult(clock.Elapsed.TotalMilliseconds);
            })).ToList();
            clock.Start();
            var stopping = nodes[2].StopAsync();
            var times = await Task.WhenAll(installed.Select(t => t.Task)).WaitAsync(TimeSpan.FromSeconds(30));
            await stopping;
            foreach (var subscription in subscriptions) subscription.Dispose();
            return times.Max();
        }
        finally
        {
            foreach (var node in nodes) await node.EndRunAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<bool> InOneRingAsync(List<EvsNode> nodes)
    {
        var statuses = await Task.WhenAll(nodes.Select(n => n.GetStatusAsync()));
        return statuses.All(s => s.State == MembershipState.Operational && s.Ring == statuses[0].Ring && s.Configuration?.Members.Length == nodes.Count);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the three processes did not form one ring within 30 s");
            await Task.Delay(10);
        }
    }
}
