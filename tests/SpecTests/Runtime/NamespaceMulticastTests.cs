// The multicast test between network namespaces (issue "The real network", item 9): three `evs
// node` processes, each in its own network namespace joined to the others by veth pairs on a
// bridge in a hub namespace, find one another only through the IP multicast group (no --peers),
// form one ring of three, and deliver a line sent through one node's control socket. Loopback
// multicast (the other runtime tests) never crosses an interface; this does, as on a real LAN,
// yet no datagram leaves the namespaces the test creates. The traces are then judged by the
// specification checker. Creating namespaces needs root and `ip netns` (iproute2): where either is
// missing, or the host refuses `ip netns add`, the test reports skipped with the reason (.ci/run,
// as root, installs iproute2, so CI runs it). Namespaces and processes are removed in every case,
// even on failure.
using System.ComponentModel;
using System.Diagnostics;
using Evs.Reference.Checking;
using Evs.Reference.Tracing;
using Evs.Runtime.Files;
using SpecTests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

[Collection(CliCollection.Name)]
public sealed class NamespaceMulticastTests(ITestOutputHelper output) : IDisposable
{
    private const string Group = "239.192.77.1:5404";
    private const int Port = 5405;

    private readonly string _directory = Directory.CreateTempSubdirectory("evs-netns-").FullName;

    [SkippableFact]
    public async Task Three_nodes_in_separate_network_namespaces_form_one_ring_over_multicast_and_all_deliver_a_line()
    {
        using var network = NamespaceNetwork.TryCreate(3, output, out string? reason);
        Skip.If(network is null, reason);
        var nodes = new List<EvsProcess>();
        try
        {
            for (int i = 1; i <= 3; i++) nodes.Add(StartNode(network, i));
            foreach (var node in nodes) await node.WaitForLineAsync(0, "regular configuration", "[p1, p2, p3]");

            var (code, answer) = await Ctl(network, 1, "send", "hello across the bridge");
            Assert.True(code == 0, $"evs ctl send exited with {code}: {answer}");
            foreach (var node in nodes) await node.WaitForLineAsync(0, "✓ p1 (agreed, in R", "): hello across the bridge");

            for (int i = 1; i <= 3; i++) Assert.Equal(0, (await Ctl(network, i, "quit")).ExitCode);
            foreach (var node in nodes) Assert.Equal(0, await node.WaitForExitAsync());
        }
        finally
        {
            foreach (var node in nodes) node.Dispose();
        }

        var paths = Enumerable.Range(1, 3).Select(i => Path.Combine(_directory, $"p{i}.jsonl")).ToArray();
        var report = SpecificationChecker.Check(TraceFiles.ReadAll(paths));
        Assert.True(report.AllPassed, report.ToString());
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Node pI in namespace I, bound to its eth0 address, multicasting on eth0 (IP_MULTICAST_IF).
    private EvsProcess StartNode(NamespaceNetwork network, int i)
    {
        string address = network.Address(i);
        return EvsProcess.StartInNamespace($"p{i}", output, _directory, network.Node(i),
            "node", "--id", $"p{i}", "--bind", $"{address}:{Port}", "--multicast", Group, "--interface", address,
            "--store", Path.Combine(_directory, $"p{i}"), "--trace", Path.Combine(_directory, $"p{i}.jsonl"),
            "--no-input", "--token-timeout-ms", "1000");
    }

    // `evs ctl` on node I's store, run inside node I's namespace; its exit code and output.
    private async Task<(int ExitCode, string Output)> Ctl(NamespaceNetwork network, int i, params string[] command)
    {
        using var ctl = EvsProcess.StartInNamespace($"evs ctl p{i} {string.Join(' ', command)}", output, _directory, network.Node(i),
            ["ctl", Path.Combine(_directory, $"p{i}"), .. command]);
        int code = await ctl.WaitForExitAsync();
        return (code, string.Join('\n', ctl.Lines));
    }
}

/// <summary>
/// A hub namespace holding bridge br0 and N node namespaces, node I with eth0 = 10.213.X.I/24
/// (X random), a veth whose other end is port pI of the bridge. Every link is created inside the
/// namespaces, nothing in the root namespace. Dispose deletes every namespace it created.
/// </summary>
public sealed class NamespaceNetwork : IDisposable
{
    private static readonly TimeSpan IpTimeout = TimeSpan.FromSeconds(10);

    // Run's exit code when ip itself cannot be started (not installed).
    private const int NoIp = -2;

    private readonly List<string> _created = [];
    private readonly string _prefix = $"evsmc{Random.Shared.Next(0x100000, 0xFFFFFF):x6}";
    private readonly int _subnet = Random.Shared.Next(1, 255);

    private NamespaceNetwork()
    {
    }

    /// <summary>The namespace of node <paramref name="i"/> (1-based).</summary>
    public string Node(int i) => $"{_prefix}-n{i}";

    /// <summary>The address of node <paramref name="i"/>'s eth0.</summary>
    public string Address(int i) => $"10.213.{_subnet}.{i}";

    /// <summary>Builds the network, or returns null with the reason when this host does not allow it.</summary>
    public static NamespaceNetwork? TryCreate(int nodes, ITestOutputHelper output, out string? reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            reason = "network namespaces are a Linux feature: run it on Linux, as root, with iproute2's ip";
            return null;
        }
        if (!Environment.IsPrivilegedProcess)
        {
            reason = "network namespaces need root and this test runs unprivileged: run dotnet test as root (CI does)";
            return null;
        }
        var network = new NamespaceNetwork();
        string hub = $"{network._prefix}-hub";
        var (code, error) = network.AddNamespace(hub);
        if (code != 0)
        {
            network.Dispose();
            reason = code == NoIp
                ? $"{error}: apt-get install -y iproute2 brings ip (.ci/run does)"
                : $"`ip netns add` is refused here ({error}): it needs a host that lets root create network namespaces";
            return null;
        }
        try
        {
            network.Ip("-n", hub, "link", "set", "lo", "up");
            network.Ip("-n", hub, "link", "add", "br0", "type", "bridge");
            network.Ip("-n", hub, "link", "set", "br0", "up");
            for (int i = 1; i <= nodes; i++)
            {
                string ns = network.Node(i);
                network.Check(network.AddNamespace(ns), $"netns add {ns}");
                network.Ip("-n", ns, "link", "set", "lo", "up");
                network.Ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", $"p{i}", "netns", hub);
                network.Ip("-n", ns, "addr", "add", $"{network.Address(i)}/24", "dev", "eth0");
                network.Ip("-n", ns, "link", "set", "eth0", "up");
                network.Ip("-n", hub, "link", "set", $"p{i}", "master", "br0");
                network.Ip("-n", hub, "link", "set", $"p{i}", "up");
            }
        }
        catch
        {
            network.Dispose();
            throw;
        }
        output.WriteLine($"namespaces {hub}, {string.Join(", ", Enumerable.Range(1, nodes).Select(network.Node))} on 10.213.{network._subnet}.0/24");
        reason = null;
        return network;
    }

    /// <summary>Deletes every namespace it created, the last first.</summary>
    public void Dispose()
    {
        for (int i = _created.Count - 1; i >= 0; i--) Run("netns", "del", _created[i]);
        _created.Clear();
    }

    private (int ExitCode, string Error) AddNamespace(string name)
    {
        var result = Run("netns", "add", name);
        if (result.ExitCode == 0) _created.Add(name);
        return result;
    }

    private void Ip(params string[] arguments) => Check(Run(arguments), string.Join(' ', arguments));

    private void Check((int ExitCode, string Error) result, string what)
    {
        if (result.ExitCode != 0) throw new InvalidOperationException($"ip {what} failed with {result.ExitCode}: {result.Error}");
    }

    // Runs `ip ARGUMENTS` to its end, killed after IpTimeout; its exit code (NoIp when ip cannot be
    // started, -1 when it timed out) and standard error.
    private static (int ExitCode, string Error) Run(params string[] arguments)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception ex)
        {
            return (NoIp, $"ip cannot be run ({ex.Message})");
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            var standardOutput = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(IpTimeout))
            {
                process.Kill();
                process.WaitForExit();
                return (-1, $"ip {string.Join(' ', arguments)} did not end within {IpTimeout.TotalSeconds} s");
            }
            Task.WaitAll(error, standardOutput);
            return (process.ExitCode, error.Result.Trim());
        }
    }
}
