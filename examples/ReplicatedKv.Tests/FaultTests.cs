// The example's promise, checked the way its user would check it: three replica processes on
// loopback keep identical maps through a partition with writes on both sides, the heal, a kill -9
// of one replica and its restart on the same store.
namespace ReplicatedKv.Tests;

public sealed class FaultTests : IAsyncLifetime
{
    // How long one phase may take to settle: token losses of 400 ms, a few membership rounds,
    // on a CI machine busy with other tests. A liveness bound, not a measurement of speed.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private readonly string _stores = Path.Combine(Path.GetTempPath(), $"replicated-kv-{Guid.NewGuid():N}");
    private readonly string _peers = ReplicaProcess.LoopbackPeers("p1", "p2", "p3");
    private readonly Dictionary<string, ReplicaProcess> _replicas = [];

    public async Task InitializeAsync()
    {
        foreach (var id in new[] { "p1", "p2", "p3" }) await StartAsync(id);
    }

    [Fact]
    public async Task Replicas_hold_identical_maps_after_a_partition_a_heal_a_kill_and_a_restart()
    {
        await AllAgreeAsync(members: "[p1,p2,p3]", keys: 0);
        await SetAsync("p1", "a", "1");
        await AllAgreeAsync(members: "[p1,p2,p3]", keys: 1);

        // The partition {p1, p2} | {p3}, with writes on both sides, one key written on each.
        await CutAsync("p3", "p1", "p2");
        await CutAsync("p1", "p3");
        await CutAsync("p2", "p3");
        await InViewAsync("p3", "[p3]");
        await InViewAsync("p1", "[p1,p2]");
        await SetAsync("p1", "b", "2");
        await SetAsync("p3", "c", "3");
        await SetAsync("p1", "a", "from-p1");
        await SetAsync("p3", "a", "from-p3");

        foreach (var replica in _replicas.Values) await replica.SendAsync("heal");
        string merged = await AllAgreeAsync(members: "[p1,p2,p3]", keys: 3);

        // kill -9 of p2, a write without it, and its restart on the store it had.
        await _replicas["p2"].KillAsync();
        await InViewAsync("p1", "[p1,p3]");
        await SetAsync("p3", "d", "4");
        await StartAsync("p2");
        await AllAgreeAsync(members: "[p1,p2,p3]", keys: 4);

        // A write made after another was delivered wins, whichever replica made either.
        await SetAsync("p3", "e", "first");
        await _replicas["p1"].WaitForAsync(line => line.StartsWith("applied e=first ", StringComparison.Ordinal), Settle);
        await SetAsync("p1", "e", "second");
        string final = await AllAgreeAsync(members: "[p1,p2,p3]", keys: 5);

        Assert.NotEqual(merged, final);
        string a = await ValueAsync("p1", "a");
        Assert.Contains(a, new[] { "from-p1", "from-p3" });
        foreach (var id in _replicas.Keys)
        {
            Assert.Equal(a, await ValueAsync(id, "a"));
            Assert.Equal("2", await ValueAsync(id, "b"));
            Assert.Equal("3", await ValueAsync(id, "c"));
            Assert.Equal("4", await ValueAsync(id, "d"));
            Assert.Equal("second", await ValueAsync(id, "e"));
        }
    }

    private async Task StartAsync(string id)
    {
        if (_replicas.Remove(id, out var old)) await old.DisposeAsync();
        _replicas[id] = await ReplicaProcess.StartAsync(id, _peers, Path.Combine(_stores, id), Settle);
    }

    private async Task SetAsync(string id, string key, string value)
    {
        await _replicas[id].SendAsync($"set {key} {value}");
        await _replicas[id].WaitForAsync(line => line.StartsWith($"applied {key}={value} ", StringComparison.Ordinal), Settle);
    }

    private async Task CutAsync(string id, params string[] from)
    {
        await _replicas[id].SendAsync($"block {string.Join(' ', from)}");
        await _replicas[id].WaitForAsync(line => line == "blocked", Settle);
    }

    private async Task<string> ValueAsync(string id, string key)
    {
        await _replicas[id].SendAsync($"get {key}");
        string line = await _replicas[id].WaitForAsync(l => l.StartsWith($"value {key} ", StringComparison.Ordinal), Settle);
        return line[$"value {key} ".Length..];
    }

    // Polls until the replica's group view has exactly these members.
    private async Task InViewAsync(string id, string members)
    {
        var deadline = DateTime.UtcNow + Settle;
        while ((await _replicas[id].DigestAsync(Settle))[^1] != members)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{id} never had the group view {members}:\n{_replicas[id].Transcript}");
            await Task.Delay(100);
        }
    }

    // Polls until every replica is in one group view with these members and holds the same map of
    // this many keys; returns that map's digest.
    private async Task<string> AllAgreeAsync(string members, int keys)
    {
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            var digests = new List<string[]>();
            foreach (var replica in _replicas.Values) digests.Add(await replica.DigestAsync(Settle));
            bool agree = digests.All(d => d[^1] == members && d[2] == keys.ToString() && d[1] == digests[0][1] && d[3] == digests[0][3]);
            if (agree) return digests[0][1];
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the replicas never agreed:\n" + string.Join("\n", digests.Select(d => string.Join(' ', d)))
                    + "\n" + string.Join("\n\n", _replicas.Values.Select(r => $"{r.Id}:\n{r.Transcript}")));
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas.Values) await replica.DisposeAsync();
        if (Directory.Exists(_stores)) Directory.Delete(_stores, recursive: true);
    }
}
