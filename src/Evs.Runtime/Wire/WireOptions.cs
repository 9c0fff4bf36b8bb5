// The real network, the wire format (docs/WIRE.md): what a node's operator chooses about the
// bytes on the wire. Every node of a cluster must choose the same cluster name and security; the
// sizes only bound what this node sends and buffers. The process and its incarnation are who
// this node is on the wire: the sender of what it sends, the destination of what it accepts.
using System.Text;
using Evs.Reference.Model;

namespace Evs.Runtime.Wire;

/// <summary>How datagrams are protected: not at all, authenticated, or authenticated and encrypted.</summary>
public enum WireSecurityMode : byte
{
    /// <summary>No trailer: anyone who can reach the port can speak for any process (an open cluster).</summary>
    None = 0,

    /// <summary>A 32-byte HMAC-SHA-256 trailer over the whole datagram.</summary>
    HmacSha256 = 1,

    /// <summary>The body encrypted with AES-256-GCM, the header authenticated with it; a 12-byte nonce and 16-byte tag trailer.</summary>
    Aes256Gcm = 2,
}

/// <summary>
/// The security of a cluster: a mode and, unless <see cref="WireSecurityMode.None"/>, a
/// 32-byte key shared by every node (a <see cref="KeyFile"/>). <see cref="ToString"/> never shows the key.
/// </summary>
internal sealed class WireSecurity
{
    /// <summary>The length of a key, in bytes, for both HMAC-SHA-256 and AES-256-GCM.</summary>
    public const int KeyLength = 32;

    private readonly byte[] _key;

    private WireSecurity(WireSecurityMode mode, byte[] key)
    {
        if (mode != WireSecurityMode.None && key.Length != KeyLength)
            throw new ArgumentException($"a {mode} key is {KeyLength} bytes, not {key.Length}", nameof(key));
        Mode = mode;
        _key = [.. key];
    }

    /// <summary>No protection: an open cluster.</summary>
    public static WireSecurity None { get; } = new(WireSecurityMode.None, []);

    /// <summary>Every datagram authenticated with HMAC-SHA-256 under <paramref name="key"/> (32 bytes).</summary>
    public static WireSecurity Hmac(ReadOnlySpan<byte> key) => new(WireSecurityMode.HmacSha256, key.ToArray());

    /// <summary>Every datagram encrypted and authenticated with AES-256-GCM under <paramref name="key"/> (32 bytes).</summary>
    public static WireSecurity AesGcm(ReadOnlySpan<byte> key) => new(WireSecurityMode.Aes256Gcm, key.ToArray());

    /// <summary>The mode.</summary>
    public WireSecurityMode Mode { get; }

    /// <summary>The key (empty for <see cref="WireSecurityMode.None"/>).</summary>
    internal ReadOnlySpan<byte> Key => _key;

    /// <inheritdoc/>
    public override string ToString() => Mode.ToString();
}

/// <summary>
/// The wire format's settings. <see cref="ClusterName"/> (1-64 bytes of UTF-8) keeps clusters
/// that share a network or multicast group apart. <see cref="Self"/> (at most 64 bytes) is this
/// process, the sender named in every datagram it sends and the only destination it accepts
/// besides every peer; <see cref="Incarnation"/> is this run of it, larger than every earlier
/// run's (<see cref="Storage.IncarnationFile"/>), so that receivers tell its datagrams from copies of
/// an earlier run's. <see cref="MaxDatagramSize"/> is the largest
/// datagram sent, trailer included (1400 bytes by default: an Ethernet MTU less IP, UDP and
/// tunnel headers, so that no datagram is fragmented by IP). <see cref="MaxPacketSize"/> bounds one
/// encoded packet, and so what one incomplete packet may hold in the reassembly buffer;
/// <see cref="ReassemblySlots"/> is how many incomplete packets are held at once before the
/// oldest is evicted.
/// </summary>
internal sealed record WireOptions(
    string ClusterName,
    WireSecurity Security,
    ProcessId Self,
    ulong Incarnation,
    int MaxDatagramSize = WireOptions.DefaultMaxDatagramSize,
    int MaxPacketSize = WireOptions.DefaultMaxPacketSize,
    int ReassemblySlots = WireOptions.DefaultReassemblySlots)
{
    /// <summary>1400 bytes: fits an Ethernet frame with room for IPv6, UDP and a tunnel.</summary>
    public const int DefaultMaxDatagramSize = 1400;

    /// <summary>1 MiB: a commit token of hundreds of members, or a 64 KiB message, with room to spare.</summary>
    public const int DefaultMaxPacketSize = 1 << 20;

    /// <summary>Incomplete packets held at once.</summary>
    public const int DefaultReassemblySlots = 32;

    /// <summary>The largest UDP payload over IPv4.</summary>
    public const int MaxUdpPayload = 65_507;

    /// <summary>The smallest datagram size accepted: room for the longest header (names of 64 bytes), the longest trailer, a fragment header and some data.</summary>
    public const int MinDatagramSize = 512;

    /// <summary>The cluster name's UTF-8 bytes, as they appear in every datagram header.</summary>
    public byte[] ClusterNameBytes => Encoding.UTF8.GetBytes(ClusterName);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        int nameBytes = Encoding.UTF8.GetByteCount(ClusterName);
        if (nameBytes is < 1 or > 64)
            throw new ArgumentException($"the cluster name must be 1-64 bytes of UTF-8, not {nameBytes}", nameof(ClusterName));
        if (!ProcessId.IsValid(Self.Name) || Self.Name.Length > DatagramHeader.MaxNameLength)
            throw new ArgumentException($"\"{Self.Name}\" is not a process identifier the wire can carry (1-{DatagramHeader.MaxNameLength} letters, digits, '-' and '_')", nameof(Self));
        if (MaxDatagramSize is < MinDatagramSize or > MaxUdpPayload)
            throw new ArgumentException($"the datagram size must be {MinDatagramSize}-{MaxUdpPayload} bytes, not {MaxDatagramSize}", nameof(MaxDatagramSize));
        if (MaxPacketSize < MaxDatagramSize)
            throw new ArgumentException($"the packet size ({MaxPacketSize}) must be at least the datagram size ({MaxDatagramSize})", nameof(MaxPacketSize));
        if (ReassemblySlots < 1)
            throw new ArgumentException($"at least one reassembly slot is needed, not {ReassemblySlots}", nameof(ReassemblySlots));
    }
}
