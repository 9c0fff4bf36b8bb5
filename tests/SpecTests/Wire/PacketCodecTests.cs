// Tests of the wire format (docs/WIRE.md, "Packets"): every packet kind, every field, survives
// the trip through the bytes, also when it is large enough to be fragmented, under every
// security mode; and bytes that are not exactly one packet decode to nothing, without throwing.
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Runtime.Wire;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace SpecTests.Wire;

public class PacketCodecTests
{
    [Theory]
    [MemberData(nameof(Packets.KindNames), MemberType = typeof(Packets))]
    public void Every_kind_round_trips_through_the_codec(string kind)
    {
        var packet = Packets.OfKind(kind);
        var decoded = PacketCodec.Decode(PacketCodec.Encode(packet));
        Assert.NotNull(decoded);
        Assert.True(PacketAssert.Same(packet, decoded), $"sent {packet}\nreceived {decoded}");
    }

    [Theory]
    [MemberData(nameof(Wires.Modes), MemberType = typeof(Wires))]
    public void Every_kind_round_trips_through_datagrams_under_every_security_mode(WireSecurityMode mode)
    {
        using var sender = Wires.Make(mode);
        using var receiver = Wires.Make(mode);
        var sent = Packets.OneOfEach().ToList();
        var datagrams = sender.Encode(sent, to: null);
        PacketAssert.Equal(sent, receiver.DecodeAll(datagrams));
        Assert.Equal(0, receiver.Counters.Dropped);
    }

    [Theory]
    [MemberData(nameof(Wires.Modes), MemberType = typeof(Wires))]
    public void A_long_retransmission_list_many_member_infos_and_a_64_KiB_payload_round_trip_in_fragments(WireSecurityMode mode)
    {
        using var sender = Wires.Make(mode);
        using var receiver = Wires.Make(mode);
        foreach (var packet in Packets.Large())
        {
            var datagrams = sender.Encode([packet], to: null);
            Assert.True(datagrams.Count > 1, $"{packet.GetType().Name} should need fragments");
            Assert.All(datagrams, d => Assert.True(d.Length <= WireOptions.DefaultMaxDatagramSize));
            PacketAssert.Equal([packet], receiver.DecodeAll(datagrams));
        }
        Assert.Equal(0, receiver.Counters.Dropped);
    }

    [Property(Arbitrary = [typeof(Packets)], MaxTest = 300)]
    public Property Any_generated_packet_round_trips(Packet packet)
    {
        var decoded = PacketCodec.Decode(PacketCodec.Encode(packet));
        return (decoded is not null && PacketAssert.Same(packet, decoded)).Label($"sent {packet}\nreceived {decoded}");
    }

    [Property(Arbitrary = [typeof(Packets)], MaxTest = 100)]
    public Property Any_generated_packets_round_trip_through_authenticated_datagrams(Packet[] packets)
    {
        // Each sender's packets go in that sender's datagrams: a receiver drops a packet of another sender's.
        var senders = new Dictionary<ProcessId, WireFormat>();
        using var receiver = Wires.Make(WireSecurityMode.HmacSha256);
        WireFormat SenderOf(Packet p) => senders.TryGetValue(p.Sender, out var wire) ? wire : senders[p.Sender] = Wires.Make(WireSecurityMode.HmacSha256, self: p.Sender);
        var decoded = receiver.DecodeAll(packets.SelectMany(p => SenderOf(p).Encode([p], to: null)));
        foreach (var wire in senders.Values) wire.Dispose();
        return (decoded.Count == packets.Length && packets.Zip(decoded).All(p => PacketAssert.Same(p.First, p.Second)))
            .Label($"sent {packets.Length}, received {decoded.Count}");
    }

    [Theory]
    [MemberData(nameof(Packets.KindNames), MemberType = typeof(Packets))]
    public void Every_cut_or_extended_encoding_decodes_to_nothing(string kind)
    {
        var bytes = PacketCodec.Encode(Packets.OfKind(kind));
        for (int length = 0; length < bytes.Length; length++)
            Assert.Null(PacketCodec.Decode(bytes.AsSpan(0, length)));
        Assert.Null(PacketCodec.Decode([.. bytes, 0]));
    }

    [Fact]
    public void An_unknown_kind_an_unknown_service_and_an_illegal_process_identifier_decode_to_nothing()
    {
        var detect = PacketCodec.Encode(Packets.Detect());
        Assert.Null(PacketCodec.Decode([0x7F, .. detect[1..]]));

        var message = PacketCodec.Encode(Packets.Regular(payload: 0));
        int service = message.Length - 4 - 1;
        Assert.Equal((byte)DeliveryService.Safe, message[service]);
        message[service] = 3;
        Assert.Null(PacketCodec.Decode(message));

        detect[2] = (byte)'!';
        Assert.Null(PacketCodec.Decode(detect));
    }

    [Fact]
    public void A_set_out_of_order_is_refused_so_that_every_packet_has_one_encoding()
    {
        var join = Packets.Join() with { ProcSet = Packets.Set(new ProcessId("a"), new ProcessId("b")) };
        var bytes = PacketCodec.Encode(join);
        int a = Array.IndexOf(bytes, (byte)'a');
        (bytes[a], bytes[a + 2]) = (bytes[a + 2], bytes[a]);
        Assert.Null(PacketCodec.Decode(bytes));
    }

    [Fact]
    public void The_comparison_of_packets_sees_a_changed_payload_byte_set_member_and_info()
    {
        var message = Packets.Regular();
        Assert.False(PacketAssert.Same(message, message with { Payload = [.. message.Payload[..^1], 0xFF] }));
        var join = Packets.Join();
        Assert.False(PacketAssert.Same(join, join with { FailSet = Packets.Set(Packets.P1) }));
        var commit = Packets.Commit();
        Assert.False(PacketAssert.Same(commit, commit with { Infos = commit.Infos.SetItem(1, commit.Infos[1] with { MyAru = 1234 }) }));
        var config = commit.Infos[1].OldConfiguration!;
        Assert.False(PacketAssert.Same(commit, commit with { Infos = commit.Infos.SetItem(1, commit.Infos[1] with { OldConfiguration = config with { Members = config.Members.RemoveAt(0) } }) }));
        Assert.True(PacketAssert.Same(commit, PacketCodec.Decode(PacketCodec.Encode(commit))!));
    }

    public static TheoryData<string> ImpossibleCommitTokens() => new("no members", "a member twice", "rotation 0", "rotation 3", "another's info", "more infos than members");

    [Theory]
    [MemberData(nameof(ImpossibleCommitTokens))]
    public void A_commit_token_no_node_sends_is_malformed(string what)
    {
        var commit = Packets.Commit();
        var impossible = what switch
        {
            "no members" => commit with { Members = [], Infos = [] },
            "a member twice" => commit with { Members = [.. commit.Members, commit.Members[0]] },
            "rotation 0" => commit with { Rotation = 0 },
            "rotation 3" => commit with { Rotation = 3 },
            "another's info" => commit with { Infos = commit.Infos.SetItem(1, commit.Infos[1] with { Process = commit.Members[2] }) },
            _ => commit with { Infos = [.. commit.Infos, commit.Infos[0]] },
        };
        Assert.NotNull(PacketCodec.Decode(PacketCodec.Encode(commit)));
        Assert.Null(PacketCodec.Decode(PacketCodec.Encode(impossible)));
        using var sender = Wires.Make();
        using var receiver = Wires.Make();
        Assert.Empty(receiver.DecodeAll(sender.Encode([impossible], to: null)));
        Assert.Equal(1, receiver.Counters.Malformed);
    }

    [Fact]
    public void A_leave_announcement_round_trips_and_one_before_the_first_ordinal_is_malformed()
    {
        var leave = Packets.Leave();
        Assert.Equal(leave, PacketCodec.Decode(PacketCodec.Encode(leave)));
        Assert.NotNull(PacketCodec.Decode(PacketCodec.Encode(leave with { AfterSeq = 0 })));
        Assert.Null(PacketCodec.Decode(PacketCodec.Encode(leave with { AfterSeq = -1 })));
    }

    [Fact]
    public void A_process_identifier_the_wire_cannot_carry_is_refused_when_sending()
    {
        Assert.Throws<ArgumentException>(() => PacketCodec.Encode(new MergeDetect(new ProcessId("not valid"), Packets.Ring)));
        Assert.Throws<ArgumentException>(() => PacketCodec.Encode(Packets.Regular() with { Id = new MessageId("\uD800") }));
    }
}
