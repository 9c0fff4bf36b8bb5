// docs/TRACE.md, the optional h of send and deliver: a hex digest of the payload, which a checker
// compares between the send of a message and each of its deliveries. Computed from the bytes at
// each end, so a payload changed on the way is caught.
using System.Security.Cryptography;

namespace Evs.Reference.Tracing;

/// <summary>The <c>h</c> field: the first four bytes of the payload's SHA-256, in hex.</summary>
public static class PayloadDigest
{
    /// <summary>The digest of <paramref name="payload"/>, e.g. <c>9f1c02aa</c>.</summary>
    public static string Of(ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        return Convert.ToHexStringLower(hash[..4]);
    }
}
