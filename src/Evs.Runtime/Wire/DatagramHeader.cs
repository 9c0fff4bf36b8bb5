// The real network, the wire format (docs/WIRE.md, "Datagram header"): the bytes every datagram
// starts with. They say which format and version follow (so that a node drops, and counts, what
// another version sends instead of misreading it), which cluster the datagram is for, how it is
// protected, and whether the body carries whole packets or one fragment of a large one.
using System.Buffers.Binary;

namespace Evs.Runtime.Wire;

/// <summary>What a datagram's body holds.</summary>
public enum DatagramKind : byte
{
    /// <summary>One or more whole packets, each preceded by its u16 length (<see cref="Packing"/>).</summary>
    Packets = 1,

    /// <summary>One fragment of a packet too large for a datagram (<see cref="Fragmentation"/>).</summary>
    Fragment = 2,
}

/// <summary>
/// The datagram header: magic <c>EVSW</c>, wire version, flags (the <see cref="WireSecurityMode"/>
/// in bits 0-1, the other bits zero), <see cref="DatagramKind"/>, the cluster name (u8 length, UTF-8)
/// and the body length (u16): 10 bytes plus the cluster name (<see cref="LengthFor"/>).
/// </summary>
public readonly record struct DatagramHeader(WireSecurityMode Security, DatagramKind Kind, byte[] ClusterName, int BodyLength)
{
    /// <summary>"EVSW": what every datagram of this format begins with.</summary>
    public static ReadOnlySpan<byte> Magic => "EVSW"u8;

    /// <summary>The wire version this code writes and reads.</summary>
    public const byte Version = 2;

    /// <summary>Header bytes besides the cluster name.</summary>
    public const int FixedLength = 10;

    /// <summary>Offset of the version byte.</summary>
    public const int VersionOffset = 4;

    /// <summary>Offset of the flags byte.</summary>
    public const int FlagsOffset = 5;

    /// <summary>Offset of the cluster name's length byte.</summary>
    public const int ClusterLengthOffset = 7;

    private const byte SecurityBits = 0b11;

    /// <summary>The length of a header with a cluster name of <paramref name="clusterNameBytes"/> bytes.</summary>
    public static int LengthFor(int clusterNameBytes) => FixedLength + clusterNameBytes;

    /// <summary>Whether <paramref name="datagram"/> begins with this format's magic and version: anything else is another format.</summary>
    public static bool IsThisVersion(ReadOnlySpan<byte> datagram) =>
        datagram.Length > VersionOffset && datagram[..4].SequenceEqual(Magic) && datagram[VersionOffset] == Version;

    /// <summary>Writes the header to <paramref name="w"/>.</summary>
    internal void Write(WireWriter w)
    {
        w.Bytes(Magic);
        w.U8(Version);
        w.U8((byte)Security);
        w.U8((byte)Kind);
        w.U8((byte)ClusterName.Length);
        w.Bytes(ClusterName);
        w.U16(BodyLength);
    }

    /// <summary>
    /// Reads the header of <paramref name="datagram"/> (magic and version already checked); null
    /// when it is cut short, has reserved flag bits set, or names an unknown kind or security mode.
    /// </summary>
    public static DatagramHeader? Read(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < FixedLength) return null;
        byte flags = datagram[FlagsOffset];
        var kind = (DatagramKind)datagram[FlagsOffset + 1];
        int nameLength = datagram[ClusterLengthOffset];
        if ((flags & ~SecurityBits) != 0 || !Enum.IsDefined((WireSecurityMode)flags) || !Enum.IsDefined(kind)) return null;
        if (datagram.Length < LengthFor(nameLength)) return null;
        var name = datagram.Slice(ClusterLengthOffset + 1, nameLength).ToArray();
        int bodyLength = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(ClusterLengthOffset + 1 + nameLength, 2));
        return new DatagramHeader((WireSecurityMode)flags, kind, name, bodyLength);
    }
}
