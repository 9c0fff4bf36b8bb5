// Tests of the real network under attack: a man in the middle on loopback, without raw sockets.
// Every process binds a port of its own, but is told that each peer lives at a relay socket this
// class owns; so every datagram between two processes passes through here, where it is recorded
// (captured traffic) and forwarded from the sender's relay socket, which is the address the
// receiver has configured for the sender. An attacker who can see and send on the network can do
// no more than a test does with this class: copy what it saw to anyone, replay it later, or send
// datagrams of its own, all from any member's address.
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Evs.Reference.Model;
using Xunit;

namespace SpecTests.Runtime.Attacks;

/// <summary>One datagram the relay carried: its number in the order of capture, when, from which process to which, and its bytes.</summary>
public sealed record Captured(long Number, TimeSpan At, ProcessId From, ProcessId To, byte[] Bytes);

/// <summary>
/// The man in the middle. <see cref="Addresses"/> are the addresses to give every process as its
/// peers' (process i's is the relay socket A_i); once <see cref="Carry"/> is told where each process
/// really listens (R_i), a datagram that arrives on A_j from R_i (i sending to j) is recorded, shown to
/// every <see cref="Tap"/>, and forwarded to R_j from A_i, so that j sees it come from i's configured
/// address (unless an <see cref="Intercept"/> holds it back). <see cref="Inject"/> sends any bytes
/// the same way. Only 127.0.0.1 is ever used.
/// </summary>
public sealed class Relay : IAsyncDisposable
{
    // Captured traffic is kept up to this many bytes (a test's worth many times over), so that an
    // attack that makes the ring flood the network cannot exhaust the test process's memory; the
    // datagrams beyond it are still carried and shown to the taps.
    private const long CaptureLimitBytes = 64L << 20;

    // As large as the processes' own socket buffers, so that the relay loses no more of a burst than they would.
    private const int SocketBufferBytes = 4 << 20;

    private readonly FrozenDictionary<ProcessId, Socket> _sockets;
    private readonly List<Captured> _captured = [];
    private readonly Lock _capturing = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private FrozenDictionary<ProcessId, IPEndPoint> _processes = FrozenDictionary<ProcessId, IPEndPoint>.Empty;
    private FrozenDictionary<IPEndPoint, ProcessId> _byAddress = FrozenDictionary<IPEndPoint, ProcessId>.Empty;
    private ImmutableList<Func<Captured, bool>> _taps = [];
    private Task[] _carrying = [];
    private long _number, _capturedBytes, _injected;
    private Exception? _tapFailure;

    /// <summary>
    /// A relay socket on a free port of 127.0.0.1 for each of <paramref name="ids"/>. They are bound
    /// here, before the processes' own ports are chosen, so that no process can be given one of them.
    /// </summary>
    public Relay(IEnumerable<ProcessId> ids)
    {
        _sockets = ids.ToFrozenDictionary(id => id, _ => BoundSocket());
        Addresses = _sockets.ToImmutableDictionary(s => s.Key, s => (IPEndPoint)s.Value.LocalEndPoint!);
    }

    /// <summary>Process i's address as every other process must be given it: the relay socket A_i.</summary>
    public ImmutableDictionary<ProcessId, IPEndPoint> Addresses { get; }

    /// <summary>Datagrams carried so far: the number the next one captured gets.</summary>
    public long Carried
    {
        get
        {
            lock (_capturing) return _number;
        }
    }

    /// <summary>Datagrams sent with <see cref="Inject"/> so far.</summary>
    public long Injected => Interlocked.Read(ref _injected);

    /// <summary>The first exception a tap threw (a bug of the test), or null: the relay went on carrying.</summary>
    public Exception? TapFailure => Volatile.Read(ref _tapFailure);

    /// <summary>Every datagram carried so far (up to the capture limit), in the order captured.</summary>
    public IReadOnlyList<Captured> Captured
    {
        get
        {
            lock (_capturing) return [.. _captured];
        }
    }

    /// <summary>Starts carrying datagrams, to the addresses the processes listen on (R_i).</summary>
    public void Carry(IReadOnlyDictionary<ProcessId, IPEndPoint> processes)
    {
        _processes = processes.ToFrozenDictionary();
        _byAddress = processes.ToFrozenDictionary(p => p.Value, p => p.Key);
        _carrying = [.. _sockets.Select(s => Task.Factory.StartNew(() => CarryTo(s.Key, s.Value), TaskCreationOptions.LongRunning))];
    }

    /// <summary>
    /// Calls <paramref name="tap"/> with every datagram carried from now on, on the relay's thread,
    /// before the datagram is forwarded: what the tap injects arrives first. Dispose to remove it.
    /// </summary>
    public IDisposable Tap(Action<Captured> tap) => Intercept(datagram =>
    {
        tap(datagram);
        return true;
    });

    /// <summary>
    /// <see cref="Tap"/>, except that a datagram is forwarded only when <paramref name="intercept"/>
    /// returns true for it: a man in the middle holds back what it replaces. Dispose to remove it.
    /// </summary>
    public IDisposable Intercept(Func<Captured, bool> intercept)
    {
        ImmutableInterlocked.Update(ref _taps, taps => taps.Add(intercept));
        return new Removal(() => ImmutableInterlocked.Update(ref _taps, taps => taps.Remove(intercept)));
    }

    /// <summary>
    /// Shows <paramref name="act"/> every datagram carried from now on, before it is forwarded,
    /// until it returns true for one (it has acted on it); fails the test, naming
    /// <paramref name="what"/>, if none comes within <paramref name="within"/>.
    /// </summary>
    public async Task OnceAsync(string what, Func<Captured, bool> act, TimeSpan within)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int acted = 0;
        using var tap = Tap(datagram =>
        {
            if (Volatile.Read(ref acted) == 0 && act(datagram) && Interlocked.Exchange(ref acted, 1) == 0) done.TrySetResult();
        });
        if (await Task.WhenAny(done.Task, Task.Delay(within)) != done.Task) Assert.Fail($"not within {within.TotalSeconds} s: {what}");
    }

    /// <summary>Sends <paramref name="datagram"/> to process <paramref name="to"/> from <paramref name="from"/>'s relay socket: to <paramref name="to"/> it comes from <paramref name="from"/>.</summary>
    public void Inject(ProcessId from, ProcessId to, byte[] datagram)
    {
        Send(from, to, datagram);
        Interlocked.Increment(ref _injected);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var socket in _sockets.Values) socket.Dispose();
        await Task.WhenAll(_carrying);
        _stop.Dispose();
    }

    private static Socket BoundSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = SocketBufferBytes,
            SendBufferSize = SocketBufferBytes,
        };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    // The loop of relay socket A_to: what arrives there is for process `to`.
    private void CarryTo(ProcessId to, Socket socket)
    {
        var buffer = new byte[65_536];
        var any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            EndPoint source = any;
            int length;
            try
            {
                length = socket.ReceiveFrom(buffer, SocketFlags.None, ref source);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue; // loopback reports nothing worth stopping for; the socket is still open
            }
            // Only the processes' own ports are relayed: anything else on the relay's ports is no process's traffic.
            if (!_byAddress.TryGetValue((IPEndPoint)source, out var from)) continue;
            var datagram = Record(from, to, buffer.AsSpan(0, length).ToArray());
            bool forward = true;
            foreach (var tap in Volatile.Read(ref _taps)) forward &= Show(tap, datagram);
            if (forward) Send(from, to, datagram.Bytes);
        }
    }

    private Captured Record(ProcessId from, ProcessId to, byte[] bytes)
    {
        lock (_capturing)
        {
            var datagram = new Captured(_number++, _clock.Elapsed, from, to, bytes);
            if (_capturedBytes + bytes.Length <= CaptureLimitBytes)
            {
                _captured.Add(datagram);
                _capturedBytes += bytes.Length;
            }
            return datagram;
        }
    }

    // Whether the tap lets the datagram go on; a tap that throws does, and fails the test at its end.
    private bool Show(Func<Captured, bool> tap, Captured datagram)
    {
        try
        {
            return tap(datagram);
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _tapFailure, ex, null);
            return true;
        }
    }

    private void Send(ProcessId from, ProcessId to, byte[] datagram)
    {
        try
        {
            _sockets[from].SendTo(datagram, SocketFlags.None, _processes[to]);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // The relay is closing, or the kernel refused one datagram: a loss, as on a real network.
        }
    }

    private sealed class Removal(Action remove) : IDisposable
    {
        private int _removed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _removed, 1) == 0) remove();
        }
    }
}
