// The real network, the wire format (docs/WIRE.md, "Authentication"): without it, anyone who
// can send a datagram to the port can speak for any process: forge a join message, a token, a
// commit token, and so change the membership. With a shared key every datagram carries a
// trailer that only holders of the key can compute, and Decode drops a datagram whose trailer
// is wrong or missing before any of its packets reaches the node.
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Evs.Runtime.Wire;

/// <summary>
/// Seals datagrams (adds the trailer, and with AES-GCM encrypts the body) and opens them
/// (checks the trailer, decrypts). HMAC-SHA-256: a 32-byte tag over every byte before it.
/// AES-256-GCM: the header stays readable and is authenticated as associated data, the body is
/// encrypted; the trailer is the 12-byte nonce and the 16-byte tag. A nonce is this sender's random
/// 64-bit prefix and a 32-bit counter; the prefix is drawn again when the counter wraps, so a
/// nonce is never used twice under a key except by a 2^-64 chance per pair of prefixes.
/// Not thread-safe.
/// </summary>
internal sealed class Authentication : IDisposable
{
    /// <summary>Length of an HMAC-SHA-256 trailer.</summary>
    public const int HmacLength = 32;

    /// <summary>Length of an AES-GCM nonce.</summary>
    public const int NonceLength = 12;

    /// <summary>Length of an AES-GCM tag.</summary>
    public const int TagLength = 16;

    private readonly WireSecurity _security;
    private readonly AesGcm? _aes;
    private ulong _noncePrefix = RandomPrefix();
    private uint _nonceCounter;

    /// <summary>Authentication with <paramref name="security"/>'s mode and key.</summary>
    public Authentication(WireSecurity security)
    {
        _security = security;
        if (security.Mode == WireSecurityMode.Aes256Gcm) _aes = new AesGcm(security.Key, TagLength);
    }

    /// <summary>The mode.</summary>
    public WireSecurityMode Mode => _security.Mode;

    /// <summary>The trailer's length in bytes: 0, 32 (HMAC) or 28 (GCM).</summary>
    public int TrailerLength => TrailerLengthOf(Mode);

    /// <summary>The trailer's length in bytes under <paramref name="mode"/>.</summary>
    public static int TrailerLengthOf(WireSecurityMode mode) => mode switch
    {
        WireSecurityMode.HmacSha256 => HmacLength,
        WireSecurityMode.Aes256Gcm => NonceLength + TagLength,
        _ => 0,
    };

    /// <summary>
    /// The datagram of <paramref name="header"/> and <paramref name="body"/>: with the trailer, and
    /// the body encrypted under AES-GCM.
    /// </summary>
    public byte[] Seal(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body)
    {
        var datagram = new byte[header.Length + body.Length + TrailerLength];
        header.CopyTo(datagram);
        var bodyOut = datagram.AsSpan(header.Length, body.Length);
        switch (Mode)
        {
            case WireSecurityMode.HmacSha256:
                body.CopyTo(bodyOut);
                HMACSHA256.HashData(_security.Key, datagram.AsSpan(0, header.Length + body.Length), datagram.AsSpan(header.Length + body.Length));
                break;
            case WireSecurityMode.Aes256Gcm:
                var nonce = datagram.AsSpan(header.Length + body.Length, NonceLength);
                NextNonce(nonce);
                _aes!.Encrypt(nonce, body, bodyOut, datagram.AsSpan(datagram.Length - TagLength), header);
                break;
            default:
                body.CopyTo(bodyOut);
                break;
        }
        return datagram;
    }

    /// <summary>
    /// The datagram without its trailer, the body decrypted, when the trailer proves it was sealed
    /// under this key; null when it does not (tampered, another key, trailer cut off or missing).
    /// <paramref name="headerLength"/> says where the header ends: it is only trusted because a
    /// wrong value makes the check fail.
    /// </summary>
    public byte[]? Open(ReadOnlySpan<byte> datagram, int headerLength)
    {
        int contentLength = datagram.Length - TrailerLength;
        if (contentLength < headerLength) return null;
        switch (Mode)
        {
            case WireSecurityMode.HmacSha256:
                Span<byte> expected = stackalloc byte[HmacLength];
                HMACSHA256.HashData(_security.Key, datagram[..contentLength], expected);
                return CryptographicOperations.FixedTimeEquals(expected, datagram[contentLength..]) ? datagram[..contentLength].ToArray() : null;
            case WireSecurityMode.Aes256Gcm:
                var plain = new byte[contentLength];
                datagram[..headerLength].CopyTo(plain);
                try
                {
                    _aes!.Decrypt(datagram.Slice(contentLength, NonceLength), datagram[headerLength..contentLength],
                        datagram[(contentLength + NonceLength)..], plain.AsSpan(headerLength), datagram[..headerLength]);
                    return plain;
                }
                catch (AuthenticationTagMismatchException)
                {
                    return null;
                }
            default:
                return datagram.ToArray();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _aes?.Dispose();

    private void NextNonce(Span<byte> nonce)
    {
        if (_nonceCounter == uint.MaxValue)
        {
            _noncePrefix = RandomPrefix();
            _nonceCounter = 0;
        }
        BinaryPrimitives.WriteUInt64BigEndian(nonce, _noncePrefix);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], _nonceCounter++);
    }

    private static ulong RandomPrefix()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
}
