// The group envelope (src/Evs.Reference/Groups/GroupEnvelope.cs): what the group layer puts at the
// start of a ring message's payload, read back as written, and a payload that is not a whole,
// well-formed envelope taken as a plain ring message.
using Evs.Reference.Groups;
using Xunit;

namespace SpecTests.Groups;

public class GroupEnvelopeTests
{
    public static TheoryData<GroupEnvelope> Envelopes() =>
    [
        GroupEnvelope.ForData("kv", "F:p1.3.7{p1,p2}", [1, 2, 3]),
        GroupEnvelope.ForJoin("kv"),
        GroupEnvelope.ForLeave("chat"),
        GroupEnvelope.ForFlushOk("kv", "S:p2.4.1"),
        GroupEnvelope.ForState("R4.p1", ["kv", "chat"]),
        GroupEnvelope.ForState("R4.p1", []),
    ];

    [Theory, MemberData(nameof(Envelopes))]
    public void An_envelope_reads_back_as_it_was_written(GroupEnvelope envelope)
    {
        var read = GroupEnvelope.TryDecode(envelope.Encode());
        Assert.NotNull(read);
        Assert.Equal(envelope.Tag, read.Tag);
        Assert.Equal(envelope.Data, read.Data);
    }

    [Fact]
    public void A_payload_that_is_no_whole_envelope_is_a_plain_ring_message()
    {
        var whole = GroupEnvelope.ForFlushOk("kv", "S:p2.4.1").Encode();
        Assert.Null(GroupEnvelope.TryDecode([]));
        Assert.Null(GroupEnvelope.TryDecode("hello"u8.ToArray()));
        Assert.Null(GroupEnvelope.TryDecode(whole[..^1]));                 // cut short
        Assert.Null(GroupEnvelope.TryDecode([.. whole, 0]));               // a byte too many after a flush
        var otherVersion = (byte[])whole.Clone();
        otherVersion[4] = 2;
        Assert.Null(GroupEnvelope.TryDecode(otherVersion));
        var unknownOp = (byte[])whole.Clone();
        unknownOp[5] = 9;
        Assert.Null(GroupEnvelope.TryDecode(unknownOp));
    }
}
