// Issue #13, item 5, "Local safety": a store belongs to one running process, and a process that has
// run before never starts as new. Each test is one way a tester broke that, replayed with the built
// `evs node` as a separate OS process on 127.0.0.1: a second process on a running node's store (it
// rewrote the store and the trace before it gave up), a kill -9 (the lock must die with its holder,
// or a crashed node could never recover), and a deleted state file or store (the node started as new
// and installed R1.p1 a second time, breaking Specifications 2.3 and 2.4).
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Runtime.Files;
using Evs.Runtime.Storage;
using SpecTests.Runtime;
using SpecTests.Storage;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class StoreSafetyTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evs-store-").FullName;

    private string Store => Path.Combine(_directory, "p1");

    private string TracePath => Path.Combine(_directory, "p1.jsonl");

    [Fact]
    public async Task A_second_process_on_a_running_nodes_store_is_refused_and_changes_none_of_its_files()
    {
        var ports = RuntimeCluster.FreeLoopbackPorts(2);
        using var running = StartNode(ports[0]);
        await running.WaitForLineAsync(0, "═ regular configuration R", "[p1]");
        var before = Files();

        // The same command again (its address is taken, but the store is what must refuse it), and
        // the tester's: another address, where nothing else stands in the way.
        foreach (var port in new[] { ports[0], ports[1] })
        {
            var (code, said) = await EvsProcess.RunAsync(output, _directory, NodeArguments(port));
            Assert.Equal(2, code);
            Assert.Contains($"p1 cannot start: {Store}: another process is running on this store", said);
            Assert.Contains(Path.Combine(Store, StoreLock.FileName), said);
            if (OperatingSystem.IsLinux()) Assert.Contains("process p1, since ", said);
            Assert.Equal(before, Files());
        }

        // The running node is untouched: its control socket still answers, and it stops cleanly.
        Assert.Equal(0, (await EvsProcess.RunAsync(output, _directory, "ctl", Store, "status")).ExitCode);
        await running.WriteLineAsync("/quit");
        Assert.Equal(0, await running.WaitForExitAsync());
        Assert.True(Check().AllPassed);
    }

    [Fact]
    public async Task The_lock_dies_with_its_process_so_a_node_killed_with_SIGKILL_restarts_from_its_store()
    {
        int port = RuntimeCluster.FreeLoopbackPorts(1)[0];
        using (var killed = StartNode(port))
        {
            await killed.WaitForLineAsync(0, "═ regular configuration R", "[p1]");
            killed.Kill();
            await killed.WaitForExitAsync();
        }
        using var restarted = StartNode(port);
        await restarted.WaitForLineAsync(0, "═ regular configuration R", "[p1]");
        await restarted.WriteLineAsync("/quit");
        Assert.Equal(0, await restarted.WaitForExitAsync());

        var configurations = Configurations();
        Assert.Equal(2, configurations.Count);
        Assert.NotEqual(configurations[0], configurations[1]); // the restart went on from the store
        Assert.True(Check().AllPassed);
    }

    [Fact]
    public async Task A_node_whose_state_file_was_deleted_refuses_to_start_as_new_unless_given_a_new_identity()
    {
        int port = RuntimeCluster.FreeLoopbackPorts(1)[0];
        await RunOnceAsync(port);
        File.Delete(Path.Combine(Store, FileStableStorage.FileName));
        var trace = File.ReadAllBytes(TracePath);

        var (code, said) = await EvsProcess.RunAsync(output, _directory, NodeArguments(port));
        Assert.Equal(2, code);
        Assert.Contains($"p1 cannot start: {Path.Combine(Store, FileStableStorage.FileName)}: the state file is missing, but {FileStableStorage.MarkerFileName} beside it says a state was saved here", said);
        Assert.Contains("evs node --new-identity", said);
        Assert.Contains("safe only if no other process will ever see its old identity again", said);
        Assert.Equal(trace, File.ReadAllBytes(TracePath));
        Assert.False(File.Exists(Path.Combine(Store, FileStableStorage.FileName)), "a refused start saves nothing");
        Assert.True(Check().AllPassed);

        await RunOnceAsync(port, "--new-identity");
        // Why the refusal is the default: the new identity's first ring is the old one's first ring,
        // and this trace, where both are, shows p1 installing it twice.
        var configurations = Configurations();
        Assert.Equal(2, configurations.Count);
        Assert.Equal(configurations[0], configurations[1]);
        Assert.False(Check()["2.3"].Passed);
    }

    [Fact]
    public async Task A_node_whose_whole_store_was_deleted_is_refused_by_its_trace()
    {
        int port = RuntimeCluster.FreeLoopbackPorts(1)[0];
        await RunOnceAsync(port);
        Directory.Delete(Store, recursive: true);
        var trace = File.ReadAllBytes(TracePath);

        var (code, said) = await EvsProcess.RunAsync(output, _directory, NodeArguments(port));
        Assert.Equal(2, code);
        Assert.Contains($"p1 cannot start: {Store}: the store has no state, but the trace p1.jsonl holds 2 events of p1 from an earlier run", said);
        Assert.Contains("evs node --new-identity", said);
        Assert.Equal(trace, File.ReadAllBytes(TracePath));

        await RunOnceAsync(port, "--new-identity");
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // `evs node` as p1, alone (its peer list names only itself), on 127.0.0.1:PORT, with its store and trace in the test's directory.
    private static string[] NodeArguments(int port, params string[] extra) =>
    [
        "node", "--id", "p1", "--bind", $"127.0.0.1:{port}", "--peers", $"p1=127.0.0.1:{port}",
        "--store", "p1", "--trace", "p1.jsonl", "--token-timeout-ms", "1000", "--log-level", "Information", .. extra,
    ];

    private EvsProcess StartNode(int port, params string[] extra) => EvsProcess.Start("p1", output, _directory, NodeArguments(port, extra));

    // Starts p1, waits for its first configuration, and stops it cleanly.
    private async Task RunOnceAsync(int port, params string[] extra)
    {
        using var node = StartNode(port, extra);
        await node.WaitForLineAsync(0, "═ regular configuration R", "[p1]");
        await node.WriteLineAsync("/quit");
        Assert.Equal(0, await node.WaitForExitAsync());
    }

    // Every file of the store and the trace, byte for byte, read past the store's lock (the control
    // socket has no bytes: its name is kept, and `evs ctl` asks it whether it is still the node's).
    private SortedDictionary<string, string> Files()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(Store).Append(TracePath))
            files[path] = StoreLockTests.ReadPastLocks(path) is { } bytes ? Convert.ToHexString(bytes) : "not a regular file";
        return files;
    }

    // The regular configurations p1 installed, in its trace's order.
    private List<ConfigurationId> Configurations() =>
        [.. TraceFiles.ReadAll([TracePath]).Events.OfType<DeliverConf>().OrderBy(e => e.Index).Where(c => c.Kind == ConfigurationKind.Regular).Select(c => c.Conf)];

    private CheckReport Check() => SpecificationChecker.Check(TraceFiles.ReadAll([TracePath]));
}
