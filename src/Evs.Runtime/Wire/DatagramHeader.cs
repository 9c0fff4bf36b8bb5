// The real network, the wire format (docs/WIRE.md, "Datagram header"): the bytes every datagram
// starts with. They say which format and version follow (so that a node drops, and counts, what
// another version sends instead of misreading it), which cluster the datagram is for, how it is
// protected, and whether the body carries whole packets or one fragment of a large one. Since
// version 3 they also say who sent it, in which incarnation, as its how-manyth datagram, and to
// whom: authenticated with the rest, these make a copied, replayed or redirected datagram one a
// receiver can tell from a fresh one (ReplayWindow).
using Evs.Reference.Model;

namespace Evs.Runtime.Wire;

/// <summary>What a datagram's body holds.</summary>
internal enum DatagramKind : byte
{
    /// <summary>One or more whole packets, each preceded by its u16 length (<see cref="Packing"/>).</summary>
    Packets = 1,

    /// <summary>One fragment of a packet too large for a datagram (<see cref="Fragmentation"/>).</summary>
    Fragment = 2,
}

/// <summary>
/// What a datagram's header says about it before anything of it is believed
/// (<see cref="DatagramHeader.Glimpse"/>): whether it is of this format at all, its version, and,
/// when it is of this version, its security mode, cluster name and sender. Anyone can write these
/// bytes: they name a mismatch for an operator (docs/BAD-PEERS.md), and nothing is decided by them.
/// </summary>
/// <param name="IsEvs">Whether the datagram begins with the magic <c>EVSW</c>.</param>
/// <param name="Version">Its version byte (0 when it is not of this format).</param>
/// <param name="Security">Its security mode, when of this version and a known mode.</param>
/// <param name="ClusterName">Its cluster name, printable (control characters shown as '?'), when of this version.</param>
/// <param name="Sender">Its sender, when of this version and a process identifier.</param>
internal sealed record DatagramGlimpse(bool IsEvs, byte Version, WireSecurityMode? Security, string? ClusterName, ProcessId? Sender);

/// <summary>
/// The datagram header: magic <c>EVSW</c>, wire version, flags (the <see cref="WireSecurityMode"/>
/// in bits 0-1, the other bits zero), <see cref="DatagramKind"/>, the cluster name (u8 length, UTF-8),
/// the <see cref="Sender"/> (u8 length, ASCII), its <see cref="Incarnation"/> and datagram
/// <see cref="Counter"/> (u64 each), the <see cref="Destination"/> (u8 length, ASCII; length 0 for
/// every peer) and the body length (u16): 28 bytes plus the three names (<see cref="LengthFor"/>).
/// </summary>
internal readonly record struct DatagramHeader(
    WireSecurityMode Security,
    DatagramKind Kind,
    byte[] ClusterName,
    ProcessId Sender,
    ulong Incarnation,
    ulong Counter,
    ProcessId? Destination,
    int BodyLength)
{
    /// <summary>"EVSW": what every datagram of this format begins with.</summary>
    public static ReadOnlySpan<byte> Magic => "EVSW"u8;

    /// <summary>The wire version this code writes and reads.</summary>
    public const byte Version = 3;

    /// <summary>Header bytes besides the cluster name, the sender and the destination.</summary>
    public const int FixedLength = 28;

    /// <summary>The longest cluster name, sender or destination, in bytes.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Offset of the version byte.</summary>
    public const int VersionOffset = 4;

    /// <summary>Offset of the flags byte.</summary>
    public const int FlagsOffset = 5;

    /// <summary>Offset of the kind byte.</summary>
    public const int KindOffset = 6;

    /// <summary>Offset of the cluster name's length byte.</summary>
    public const int ClusterLengthOffset = 7;

    // From the sender's length byte to the destination's: the sender (after its length), the incarnation and the counter.
    private const int NumbersLength = 16;

    private const byte SecurityBits = 0b11;

    /// <summary>The length of a header whose cluster name, sender and destination take these many bytes (0 for a broadcast).</summary>
    public static int LengthFor(int clusterNameBytes, int senderBytes, int destinationBytes) =>
        FixedLength + clusterNameBytes + senderBytes + destinationBytes;

    /// <summary>Whether <paramref name="datagram"/> begins with this format's magic and version: anything else is another format.</summary>
    public static bool IsThisVersion(ReadOnlySpan<byte> datagram) =>
        datagram.Length > VersionOffset && datagram[..4].SequenceEqual(Magic) && datagram[VersionOffset] == Version;

    /// <summary>
    /// The length of <paramref name="datagram"/>'s header as its three length bytes give it, or
    /// null when a length byte lies past the end. Read before the header is authenticated (AES-GCM
    /// needs it to tell header from body), so it is only trusted because a wrong value fails the check.
    /// </summary>
    public static int? LengthOf(ReadOnlySpan<byte> datagram)
    {
        int senderAt = ClusterLengthOffset + 1 + LengthByte(datagram, ClusterLengthOffset);
        int destinationAt = senderAt + 1 + LengthByte(datagram, senderAt) + NumbersLength;
        int end = destinationAt + 1 + LengthByte(datagram, destinationAt) + 2;
        return destinationAt < datagram.Length ? end : null;
    }

    // The length byte at offset at, or a length that puts everything after it past any datagram.
    private static int LengthByte(ReadOnlySpan<byte> datagram, int at) => at < datagram.Length ? datagram[at] : ushort.MaxValue;

    /// <summary>
    /// What <paramref name="datagram"/>'s header says about it, unauthenticated (<see cref="DatagramGlimpse"/>):
    /// only the version of a datagram of another version, since its layout may differ.
    /// </summary>
    public static DatagramGlimpse Glimpse(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length <= VersionOffset || !datagram[..4].SequenceEqual(Magic)) return new DatagramGlimpse(false, 0, null, null, null);
        byte version = datagram[VersionOffset];
        if (version != Version) return new DatagramGlimpse(true, version, null, null, null);
        var r = new WireReader(datagram);
        r.Bytes(FlagsOffset);
        var security = (WireSecurityMode)(r.U8() & SecurityBits);
        r.U8();
        var name = r.Bytes(r.U8());
        string? cluster = r.Failed ? null : Printable(System.Text.Encoding.UTF8.GetString(name));
        var sender = r.Process();
        return new DatagramGlimpse(true, version, Enum.IsDefined(security) ? security : null, cluster, r.Failed ? null : sender);
    }

    // Text from the network, fit for a terminal: no escape sequence or line break of someone else's.
    private static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? '?' : c));

    /// <summary>Writes the header to <paramref name="w"/>.</summary>
    internal void Write(WireWriter w)
    {
        w.Bytes(Magic);
        w.U8(Version);
        w.U8((byte)Security);
        w.U8((byte)Kind);
        w.U8((byte)ClusterName.Length);
        w.Bytes(ClusterName);
        w.Process(Sender);
        w.U64(Incarnation);
        w.U64(Counter);
        w.ProcessOrNone(Destination);
        w.U16(BodyLength);
    }

    /// <summary>
    /// Reads the header at the start of <paramref name="datagram"/> (magic and version already
    /// checked); null when it is cut short, has reserved flag bits set, names an unknown kind or
    /// security mode, or a sender or destination that is not a process identifier of at most
    /// <see cref="MaxNameLength"/> bytes.
    /// </summary>
    public static DatagramHeader? Read(ReadOnlySpan<byte> datagram)
    {
        var r = new WireReader(datagram);
        r.Bytes(VersionOffset + 1);
        byte flags = r.U8();
        var kind = (DatagramKind)r.U8();
        var name = r.Bytes(r.U8()).ToArray();
        var sender = r.Process();
        ulong incarnation = r.U64(), counter = r.U64();
        var destination = r.ProcessOrNone();
        int bodyLength = r.U16();
        bool known = (flags & ~SecurityBits) == 0 && Enum.IsDefined((WireSecurityMode)flags) && Enum.IsDefined(kind);
        bool namesFit = !r.Failed && sender.Name.Length <= MaxNameLength && (destination?.Name.Length ?? 0) <= MaxNameLength;
        if (r.Failed || !known || !namesFit) return null;
        return new DatagramHeader((WireSecurityMode)flags, kind, name, sender, incarnation, counter, destination, bodyLength);
    }
}
