// One replica of the example as a process of its own, driven the way a person drives it: lines
// on its standard input, answers read from its standard output. A process, not an object in the
// test's own process, because the fault test kills one with SIGKILL (kill -9) and starts it again
// on the same store.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace ReplicatedKv.Tests;

/// <summary>A running replica process and the lines it has printed.</summary>
public sealed class ReplicaProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _transcript = [];

    private ReplicaProcess(string id, Process process)
    {
        Id = id;
        _process = process;
        _process.OutputDataReceived += (_, e) => Record(e.Data, "");
        _process.ErrorDataReceived += (_, e) => Record(e.Data, "stderr: ");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The replica's process identifier in the group.</summary>
    public string Id { get; }

    /// <summary>Everything the replica printed so far, for a failure's message.</summary>
    public string Transcript
    {
        get { lock (_transcript) return string.Join("\n", _transcript); }
    }

    /// <summary>Starts replica <paramref name="id"/> of <paramref name="peers"/> on <paramref name="store"/>, and waits until it is ready.</summary>
    public static async Task<ReplicaProcess> StartAsync(string id, string peers, string store, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { ReplicaAssembly(), "--id", id, "--peers", peers, "--store", store, "--token-loss-ms", "400" })
            info.ArgumentList.Add(argument);
        var replica = new ReplicaProcess(id, Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
        await replica.WaitForAsync(line => line == $"ready {id}", timeout);
        return replica;
    }

    /// <summary>Sends one command line.</summary>
    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the next line that <paramref name="match"/> accepts, skipping the others.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                string line = await _lines.Reader.ReadAsync(deadline.Token);
                if (match(line)) return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"replica {Id} printed no such line within {timeout.TotalSeconds} s; it printed:\n{Transcript}");
        }
    }

    /// <summary>Asks for the digest line: "digest HEX KEYS VIEW [MEMBERS]".</summary>
    public async Task<string[]> DigestAsync(TimeSpan timeout)
    {
        await SendAsync("digest");
        string line = await WaitForAsync(l => l.StartsWith("digest ", StringComparison.Ordinal), timeout);
        return line.Split(' ');
    }

    /// <summary>SIGKILL, as kill -9: the replica writes nothing more.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Loopback addresses with free UDP ports, one per replica: "p1=127.0.0.1:N,...".</summary>
    public static string LoopbackPeers(params string[] ids)
    {
        var sockets = ids.Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)).ToList();
        try
        {
            foreach (var socket in sockets) socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return string.Join(",", ids.Zip(sockets, (id, socket) => $"{id}={socket.LocalEndPoint}"));
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }
    }

    private void Record(string? line, string prefix)
    {
        if (line is null) return;
        lock (_transcript) _transcript.Add(prefix + line);
        if (prefix.Length == 0) _lines.Writer.TryWrite(line);
    }

    // The example's assembly, built next to this one: examples/ReplicatedKv/bin/<Configuration>/<framework>/.
    private static string ReplicaAssembly()
    {
        string here = AppContext.BaseDirectory;
        var framework = new DirectoryInfo(here).Name;
        var configuration = new DirectoryInfo(here).Parent!.Name;
        string path = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", "ReplicatedKv", "bin", configuration, framework, "ReplicatedKv.dll"));
        return File.Exists(path) ? path : throw new FileNotFoundException("build the example first (dotnet build examples/ReplicatedKv)", path);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
