// Tests of the real network under attack: a member that holds the cluster's key and forges
// packets (a buggy or hostile process, or an attacker who stole the key). It reads the captured
// traffic as any member can, changes the numbers of what it read, seals the result with the key
// and sends it from a member's address. All reading and sealing of datagrams is here, in one
// class, because it is the one part of the attacks that depends on the wire format's version.
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Runtime.Wire;

namespace SpecTests.Runtime.Attacks;

/// <summary>
/// Reads the packets of captured datagrams and seals forged packets into datagrams, with the
/// cluster's key, and sends them through the <see cref="Relay"/>. Safe to use from the test and
/// from the relay's taps at once.
/// </summary>
public sealed class Forger(Relay relay, WireOptions wire) : IDisposable
{
    private readonly WireFormat _reader = new(wire);
    private readonly WireFormat _writer = new(wire);
    private readonly Dictionary<long, IReadOnlyList<Packet>> _read = [];
    private readonly Lock _lock = new();

    /// <summary>The packets <paramref name="datagram"/> carries (a fragment carries none until the one that completes its packet).</summary>
    public IReadOnlyList<Packet> Read(Captured datagram)
    {
        lock (_lock)
        {
            if (!_read.TryGetValue(datagram.Number, out var packets)) _read[datagram.Number] = packets = _reader.Decode(datagram.Bytes);
            return packets;
        }
    }

    /// <summary>Every packet of type <typeparamref name="T"/> in the traffic captured so far, with the datagram that carried it, in the order captured.</summary>
    public IReadOnlyList<(Captured Datagram, T Packet)> Find<T>() where T : Packet =>
        [.. relay.Captured.SelectMany(d => Read(d).OfType<T>().Select(p => (d, p)))];

    /// <summary>The last packet of type <typeparamref name="T"/> captured on its way from <paramref name="from"/> to <paramref name="to"/>, or null.</summary>
    public T? Latest<T>(ProcessId from, ProcessId to) where T : Packet =>
        Find<T>().LastOrDefault(c => c.Datagram.From == from && c.Datagram.To == to).Packet;

    /// <summary>
    /// Sends <paramref name="packet"/>, sealed, to <paramref name="to"/> from <paramref name="from"/>'s
    /// address (by default its sender's, as a member that forges its own packets sends them).
    /// </summary>
    public void Send(Packet packet, ProcessId to, ProcessId? from = null)
    {
        foreach (var datagram in Seal(packet)) relay.Inject(from ?? packet.Sender, to, datagram);
    }

    // The datagrams that carry the packet, sealed with the key as its sender would seal them: the
    // wire's header says nothing of the sender or the destination, so the same bytes go to anyone.
    private IReadOnlyList<byte[]> Seal(Packet packet)
    {
        lock (_lock) return _writer.Encode([packet]);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
    }
}
