// The real network, the wire format (docs/WIRE.md, "Packing"): a token holder typically sends
// a burst of small messages and then the token. One datagram per packet would pay the header,
// the trailer and the per-datagram cost of the kernel each time; packing puts as many whole
// packets as fit into one datagram, in order.
using System.Buffers.Binary;
using Evs.Reference.Node;

namespace Evs.Runtime.Wire;

/// <summary>
/// Builds and splits the body of a <see cref="DatagramKind.Packets"/> datagram: one or more
/// packets, each a u16 length followed by that many bytes of <see cref="PacketCodec"/> encoding.
/// </summary>
internal static class Packing
{
    /// <summary>Bytes before each packed packet: its length.</summary>
    public const int LengthPrefix = 2;

    /// <summary>
    /// Groups encoded packets, in order, into bodies of at most <paramref name="capacity"/> bytes.
    /// Every packet must fit alone (<see cref="Fits"/>).
    /// </summary>
    public static IReadOnlyList<byte[]> Pack(IEnumerable<byte[]> packets, int capacity)
    {
        var bodies = new List<byte[]>();
        var body = new WireWriter(capacity);
        foreach (var packet in packets)
        {
            if (!Fits(packet, capacity))
                throw new ArgumentException($"a packet of {packet.Length} bytes does not fit a body of {capacity}", nameof(packets));
            if (body.Length + LengthPrefix + packet.Length > capacity)
            {
                bodies.Add(body.ToArray());
                body = new WireWriter(capacity);
            }
            body.U16(packet.Length);
            body.Bytes(packet);
        }
        if (body.Length > 0) bodies.Add(body.ToArray());
        return bodies;
    }

    /// <summary>Whether an encoded packet fits alone in a body of <paramref name="capacity"/> bytes.</summary>
    public static bool Fits(byte[] packet, int capacity) => LengthPrefix + packet.Length <= capacity;

    /// <summary>
    /// The packets of a body, or null if any length runs past the end, a length is zero, or any
    /// packet does not decode: a datagram is taken whole or dropped whole.
    /// </summary>
    public static IReadOnlyList<Packet>? Unpack(ReadOnlySpan<byte> body)
    {
        var packets = new List<Packet>();
        while (body.Length > 0)
        {
            if (body.Length < LengthPrefix) return null;
            int length = BinaryPrimitives.ReadUInt16BigEndian(body);
            if (length == 0 || LengthPrefix + length > body.Length) return null;
            if (PacketCodec.Decode(body.Slice(LengthPrefix, length)) is not { } packet) return null;
            packets.Add(packet);
            body = body[(LengthPrefix + length)..];
        }
        return packets.Count > 0 ? packets : null;
    }
}
