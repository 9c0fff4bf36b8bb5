// docs/TRACE.md's h field, computed once per payload instead of once per event. In the simulator
// every member receives the very byte array its sender sent (a packet is shared, not copied), so
// a message's send and its N deliveries would hash the same bytes N + 1 times: the SHA-256 was
// the largest single cost of a simulated delivery. A payload changed on the way is a different
// array, and gets its own digest: what the h field is for is kept.
using System.Buffers.Binary;

namespace Evs.Reference.Tracing;

/// <summary>
/// <see cref="PayloadDigest.Of"/>, remembered for the payload arrays seen last: a direct-mapped
/// table of <see cref="Slots"/> entries, placed by the payload's first bytes (the simulator's
/// payloads are random bytes, so they spread evenly, at no cost) and matched by the array's
/// identity or, failing that, by equal bytes. The deliveries of a message follow its send closely,
/// so nearly every lookup after the first finds its entry; one that does not computes the digest
/// again. The digest given is always that of the bytes given: a payload is never changed in place
/// once sent, and equal bytes have equal digests. Bounded: it keeps at most <see cref="Slots"/>
/// payloads alive.
/// </summary>
public sealed class PayloadDigests
{
    /// <summary>How many payloads are remembered at most.</summary>
    public const int Slots = 4096;

    private readonly byte[]?[] _payloads = new byte[]?[Slots];
    private readonly string?[] _digests = new string?[Slots];

    /// <summary>The digest of <paramref name="payload"/>'s bytes, e.g. <c>9f1c02aa</c>.</summary>
    public string Of(byte[] payload)
    {
        int slot = SlotOf(payload);
        if (_payloads[slot] is { } known && (ReferenceEquals(known, payload) || known.AsSpan().SequenceEqual(payload))) return _digests[slot]!;
        var digest = PayloadDigest.Of(payload);
        _payloads[slot] = payload;
        _digests[slot] = digest;
        return digest;
    }

    private static int SlotOf(byte[] payload) =>
        (payload.Length >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(payload) ^ payload.Length : payload.Length) & (Slots - 1);
}
