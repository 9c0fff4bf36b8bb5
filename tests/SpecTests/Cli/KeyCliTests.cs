// Tests of the key file's local safety through the built `evs` executable (issue #13, item 5): a
// key file its group or others may read or write stops `evs node`, `evs cluster` and `evs bench`
// with exit code 2 and the chmod that fixes it, unless --insecure-key lets it through with one
// warning; a private key starts a node without one; `evs keygen` writes mode 0600 whatever the
// umask; and `evs keygen --force` replaces a regular file with a private one but refuses a
// symbolic link, leaving the file it points to untouched.
using System.Diagnostics;
using System.Runtime.Versioning;
using Evs.Runtime.Wire;
using SpecTests.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class KeyCliTests(ITestOutputHelper output) : IDisposable
{
    private const string NoUnixModes = "Windows has no Unix file modes: run it on Linux or macOS";

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory = Directory.CreateTempSubdirectory("evs-key-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [SkippableTheory]
    [InlineData(UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite, "0666")]
    [UnsupportedOSPlatform("windows")]
    public async Task A_node_refuses_a_key_file_others_may_read_or_write_and_exits_2_saying_how_to_fix_it(UnixFileMode others, string octal)
    {
        Skip.If(OperatingSystem.IsWindows(), NoUnixModes);
        var key = KeyWithMode(Private | others);

        using var node = StartNode(key);
        Assert.Equal(2, await node.WaitForExitAsync());
        var refusal = Assert.Single(node.Lines, l => l.Contains("cannot start", StringComparison.Ordinal));
        Assert.Contains($"key file {key} has mode {octal}", refusal);
        Assert.Contains($"chmod 600 {key}", refusal);
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task With_insecure_key_a_node_runs_on_an_open_key_file_after_one_warning()
    {
        Skip.If(OperatingSystem.IsWindows(), NoUnixModes);
        var key = KeyWithMode(Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var node = StartNode(key, "--insecure-key");
        await node.WaitForLineAsync(0, "regular configuration", "[p1]");
        await node.WriteLineAsync("/quit");
        Assert.Equal(0, await node.WaitForExitAsync());
        Assert.Contains("has mode 0644", Assert.Single(node.Errors, l => l.Contains("warning", StringComparison.Ordinal)));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_key_written_by_keygen_is_private_and_starts_a_node_without_a_warning()
    {
        Skip.If(OperatingSystem.IsWindows(), NoUnixModes);
        var key = Path.Combine(_directory, "class.key");
        Assert.Equal(0, (await EvsProcess.RunAsync(output, _directory, "keygen", key)).ExitCode);
        Assert.Equal(Private, File.GetUnixFileMode(key));

        using var node = StartNode(key);
        await node.WaitForLineAsync(0, $"key {key}: datagrams are encrypted and authenticated");
        await node.WaitForLineAsync(0, "regular configuration", "[p1]");
        await node.WriteLineAsync("/quit");
        Assert.Equal(0, await node.WaitForExitAsync());
        Assert.DoesNotContain(node.Errors, l => l.Contains("warning", StringComparison.Ordinal));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task Cluster_and_bench_refuse_an_open_key_file_before_any_node_starts()
    {
        Skip.If(OperatingSystem.IsWindows(), NoUnixModes);
        var key = KeyWithMode(Private | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        var clusterDirectory = Path.Combine(_directory, "cluster");

        using var cluster = EvsProcess.Start("evs cluster", output, _directory, "cluster", "--nodes", "2", "--dir", clusterDirectory, "--key", key);
        Assert.Equal(2, await cluster.WaitForExitAsync());
        Assert.Contains(cluster.Lines, l => l.Contains($"key file {key} has mode 0666", StringComparison.Ordinal) && l.Contains("chmod 600", StringComparison.Ordinal));
        Assert.False(Directory.Exists(clusterDirectory), "no node was given a directory");

        using var bench = EvsProcess.Start("evs bench", output, _directory, "bench", "--nodes", "2", "--duration", "1", "--key", key);
        Assert.Equal(2, await bench.WaitForExitAsync());
        Assert.Contains(bench.Errors, l => l.Contains($"key file {key} has mode 0666", StringComparison.Ordinal) && l.Contains("chmod 600", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keygen_force_refuses_a_symbolic_link_and_leaves_the_file_it_points_to_unchanged()
    {
        var target = Path.Combine(_directory, "precious");
        byte[] content = [.. "not a key, and not to be overwritten\n"u8];
        File.WriteAllBytes(target, content);
        var link = Path.Combine(_directory, "link.key");
        File.CreateSymbolicLink(link, target);

        using var keygen = EvsProcess.Start("evs keygen", output, _directory, "keygen", "--force", link);
        Assert.Equal(2, await keygen.WaitForExitAsync());
        var refusal = Assert.Single(keygen.Errors);
        Assert.Contains($"key file {link} is a symbolic link", refusal);
        Assert.DoesNotContain("--force", refusal);
        Assert.Equal(content, File.ReadAllBytes(target));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task Keygen_force_replaces_a_regular_file_with_a_new_key_of_mode_0600()
    {
        Skip.If(OperatingSystem.IsWindows(), NoUnixModes);
        var old = KeyWithMode(Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var oldKey = KeyFile.Read(old, allowInsecure: true);

        Assert.Equal(2, (await EvsProcess.RunAsync(output, _directory, "keygen", old)).ExitCode);
        Assert.Equal(0, (await EvsProcess.RunAsync(output, _directory, "keygen", "--force", old)).ExitCode);
        Assert.Equal(Private, File.GetUnixFileMode(old));
        Assert.NotEqual(oldKey, KeyFile.Read(old));
    }

    [SkippableTheory]
    [InlineData("000")]
    [InlineData("277")]
    [UnsupportedOSPlatform("windows")]
    public async Task Keygen_writes_mode_0600_whatever_the_umask(string umask)
    {
        Skip.If(OperatingSystem.IsWindows(), NoUnixModes);
        var key = Path.Combine(_directory, $"umask-{umask}.key");
        var shell = new ProcessStartInfo("sh") { ArgumentList = { "-c", $"umask {umask} && exec \"$0\" keygen \"$1\"", EvsProcess.Executable, key }, RedirectStandardOutput = true };
        using var keygen = Process.Start(shell)!;
        await keygen.StandardOutput.ReadToEndAsync();
        await keygen.WaitForExitAsync();

        Assert.Equal(0, keygen.ExitCode);
        Assert.Equal(Private, File.GetUnixFileMode(key));
    }

    // A key file in the test's directory with the given mode.
    [UnsupportedOSPlatform("windows")]
    private string KeyWithMode(UnixFileMode mode)
    {
        var path = Path.Combine(_directory, "open.key");
        KeyFile.Generate(path);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    // `evs node` p1 alone (a group of one) with the key file, its store in the test's directory.
    private EvsProcess StartNode(string key, params string[] extra)
    {
        var address = $"127.0.0.1:{RuntimeCluster.FreeLoopbackPorts(1)[0]}";
        string[] arguments =
        [
            "node", "--id", "p1", "--bind", address, "--peers", $"p1={address}", "--store", "p1", "--token-timeout-ms", "1000", "--key", key, .. extra,
        ];
        return EvsProcess.Start("p1", output, _directory, arguments);
    }
}
