// Tests of the wire format (docs/WIRE.md, "Authentication"): with a key, a datagram changed in
// any bit, sealed under another key, or with its trailer cut off or extended never yields a
// packet, and is counted; AES-GCM hides the body; without a key the cluster says it is open.
using System.Text;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Runtime.Wire;
using Xunit;

namespace SpecTests.Wire;

public class AuthenticationTests
{
    public static TheoryData<WireSecurityMode> KeyedModes() => new(WireSecurityMode.HmacSha256, WireSecurityMode.Aes256Gcm);

    private static readonly List<Packet> Sample = [Packets.Token(), Packets.Join(), Packets.Regular(payload: 40)];

    [Theory]
    [MemberData(nameof(KeyedModes))]
    public void A_bit_flipped_anywhere_drops_the_datagram_as_unauthenticated(WireSecurityMode mode)
    {
        using var sender = Wires.Make(mode);
        using var receiver = Wires.Make(mode);
        var datagram = sender.Encode(Sample, to: null).Single();
        PacketAssert.Equal(Sample, receiver.Decode(datagram));
        for (int bit = 0; bit < datagram.Length * 8; bit++)
        {
            var flipped = datagram.ToArray();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            long unauthenticated = receiver.Counters.Unauthenticated, wrongVersion = receiver.Counters.WrongVersion;
            Assert.Empty(receiver.Decode(flipped));
            // The magic and version come first and are checked first: another version's trailer cannot even be found.
            if (bit / 8 <= DatagramHeader.VersionOffset) Assert.Equal(wrongVersion + 1, receiver.Counters.WrongVersion);
            else Assert.True(unauthenticated + 1 == receiver.Counters.Unauthenticated, $"bit {bit} of {datagram.Length * 8}");
        }
        Assert.Equal(datagram.Length * 8, receiver.Counters.Dropped);
        Assert.Equal(1, receiver.Accepted);
    }

    [Theory]
    [MemberData(nameof(KeyedModes))]
    public void A_datagram_sealed_under_another_key_is_unauthenticated(WireSecurityMode mode)
    {
        using var sender = Wires.Make(mode, Wires.OtherKey);
        using var receiver = Wires.Make(mode);
        Assert.Empty(receiver.DecodeAll(sender.Encode(Sample, to: null)));
        Assert.Equal(1, receiver.Counters.Unauthenticated);
    }

    [Theory]
    [MemberData(nameof(KeyedModes))]
    public void A_missing_cut_or_extended_trailer_is_unauthenticated(WireSecurityMode mode)
    {
        using var sender = Wires.Make(mode);
        using var receiver = Wires.Make(mode);
        var datagram = sender.Encode(Sample, to: null).Single();
        int trailer = Authentication.TrailerLengthOf(mode);
        byte[][] bad = [datagram[..^trailer], datagram[..^1], datagram[..^(trailer / 2)], [.. datagram, 0], [.. datagram, .. datagram[^trailer..]]];
        foreach (var d in bad) Assert.Empty(receiver.Decode(d));
        Assert.Equal(bad.Length, receiver.Counters.Unauthenticated);
    }

    [Theory]
    [InlineData(WireSecurityMode.None, WireSecurityMode.HmacSha256)]
    [InlineData(WireSecurityMode.None, WireSecurityMode.Aes256Gcm)]
    [InlineData(WireSecurityMode.HmacSha256, WireSecurityMode.None)]
    [InlineData(WireSecurityMode.Aes256Gcm, WireSecurityMode.None)]
    [InlineData(WireSecurityMode.HmacSha256, WireSecurityMode.Aes256Gcm)]
    [InlineData(WireSecurityMode.Aes256Gcm, WireSecurityMode.HmacSha256)]
    public void A_datagram_of_another_security_mode_is_unauthenticated(WireSecurityMode sent, WireSecurityMode expected)
    {
        using var sender = Wires.Make(sent);
        using var receiver = Wires.Make(expected);
        Assert.Empty(receiver.DecodeAll(sender.Encode(Sample, to: null)));
        Assert.Equal(1, receiver.Counters.Unauthenticated);
    }

    [Fact]
    public void AES_GCM_hides_the_payload_and_the_identifiers_in_packets_HMAC_does_not_and_the_header_names_sender_and_destination()
    {
        var secret = Encoding.ASCII.GetBytes("attack at dawn, attack at dawn, attack at dawn");
        var sender = new ProcessId("sender-name");
        var message = Packets.Regular() with { Payload = secret, Sender = sender, Originator = new("originator-name-hidden") };
        using var hmac = Wires.Make(WireSecurityMode.HmacSha256, self: sender);
        using var gcm = Wires.Make(WireSecurityMode.Aes256Gcm, self: sender);
        var signed = hmac.Encode([message], to: null).Single();
        var sealedTwice = new[] { gcm.Encode([message], to: null).Single(), gcm.Encode([message], to: null).Single() };

        Assert.True(signed.AsSpan().IndexOf(secret) >= 0);
        foreach (var d in sealedTwice)
        {
            Assert.True(d.AsSpan().IndexOf(secret) < 0);
            Assert.True(d.AsSpan().IndexOf(Encoding.ASCII.GetBytes("originator-name-hidden")) < 0);
            Assert.True(d.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Wires.Cluster)) >= 0, "the header, with the cluster name, stays readable");
            Assert.True(d.AsSpan().IndexOf(Encoding.ASCII.GetBytes("sender-name")) >= 0, "the header names the sender, as its address does");
        }
        static ReadOnlySpan<byte> Nonce(byte[] d) => d.AsSpan(d.Length - Authentication.NonceLength - Authentication.TagLength, Authentication.NonceLength);
        Assert.False(Nonce(sealedTwice[0]).SequenceEqual(Nonce(sealedTwice[1])), "a fresh nonce for every datagram");
        using var receiver = Wires.Make(WireSecurityMode.Aes256Gcm);
        PacketAssert.Equal([message, message], receiver.DecodeAll(sealedTwice));
    }

    [Fact]
    public void Only_a_cluster_without_a_key_is_open()
    {
        using var open = Wires.Make();
        using var hmac = Wires.Make(WireSecurityMode.HmacSha256);
        using var gcm = Wires.Make(WireSecurityMode.Aes256Gcm);
        Assert.True(open.IsOpen);
        Assert.False(hmac.IsOpen);
        Assert.False(gcm.IsOpen);
    }

    [Fact]
    public void A_key_of_the_wrong_length_is_refused_and_never_shown()
    {
        Assert.Throws<ArgumentException>(() => WireSecurity.Hmac(new byte[16]));
        Assert.Throws<ArgumentException>(() => WireSecurity.AesGcm(new byte[33]));
        Assert.Equal("HmacSha256", WireSecurity.Hmac(Wires.Key).ToString());
    }
}
