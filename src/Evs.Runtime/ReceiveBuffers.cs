// The real network (the runtime driver): the buffers datagrams are received into. A receive loop
// used to copy each datagram out of its one buffer into a new array of its own; now the buffer
// itself goes with the datagram to the node, which gives it back once the datagram is decoded,
// and the loop receives the next one into another buffer from here. The buffers are pinned (the
// kernel writes into them during recvmmsg) and as large as any UDP datagram. Their number is
// bounded: when the node is so far behind that the limit is lent out, a datagram is copied into
// an array of its own as before, so that a flood cannot hold more than the limit.
using System.Collections.Concurrent;

namespace Evs.Runtime;

/// <summary>The pool of one receive loop's buffers; lends at most <paramref name="limit"/> beyond the loop's own.</summary>
internal sealed class ReceiveBuffers(int limit)
{
    /// <summary>The largest UDP payload over IPv4 is 65,507 bytes: a datagram never exceeds a buffer.</summary>
    public const int Size = 65_536;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _created;

    /// <summary>A new pinned buffer, outside the pool's count (a receive loop's own).</summary>
    public static byte[] Pinned() => GC.AllocateUninitializedArray<byte>(Size, pinned: true);

    /// <summary>Buffers lent and not given back, beyond the loop's own (for the tests).</summary>
    public int Outstanding => Volatile.Read(ref _created) - _free.Count;

    /// <summary>
    /// Hands the <paramref name="length"/> bytes received in <paramref name="slot"/> over: the
    /// buffer itself, replaced in <paramref name="slot"/> by another from the pool, or a copy when
    /// the pool is lent out.
    /// </summary>
    public LentBuffer HandOver(ref byte[] slot, int length)
    {
        if (TryRent() is not { } fresh) return new LentBuffer(slot.AsSpan(0, length).ToArray(), length, null);
        var lent = new LentBuffer(slot, length, this);
        slot = fresh;
        return lent;
    }

    /// <summary>Takes a buffer back.</summary>
    public void Return(byte[] buffer) => _free.Enqueue(buffer);

    private byte[]? TryRent()
    {
        if (_free.TryDequeue(out var buffer)) return buffer;
        if (Interlocked.Increment(ref _created) <= limit) return Pinned();
        Interlocked.Decrement(ref _created);
        return null;
    }
}

/// <summary>A datagram's bytes: the first <see cref="Length"/> of <see cref="Array"/>, lent by <see cref="Pool"/> (none for a copy).</summary>
internal readonly record struct LentBuffer(byte[] Array, int Length, ReceiveBuffers? Pool)
{
    /// <summary>The datagram.</summary>
    public ReadOnlyMemory<byte> Bytes => Array.AsMemory(0, Length);

    /// <summary>Gives the buffer back to its pool; the bytes must not be read afterwards.</summary>
    public void Return() => Pool?.Return(Array);
}
