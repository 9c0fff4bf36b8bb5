// docs/TRACE.md's optional text of send and deliver: a payload that is a line of text is written
// as that text, and nothing else is written at all — not a binary payload garbled into characters,
// not a control character that would break the picture, not a whole megabyte.
using System.Text;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Tracing;
using Xunit;

namespace SpecTests.Checking;

public class MessageTextTests
{
    [Fact]
    public void A_line_of_utf8_text_is_its_own_text() =>
        Assert.Equal("hello from p1 ✓", MessageText.Of(Encoding.UTF8.GetBytes("hello from p1 ✓")));

    [Fact]
    public void A_payload_that_is_not_valid_utf8_has_no_text() =>
        Assert.Null(MessageText.Of([0x68, 0xC3, 0x28, 0xFF]));

    [Fact]
    public void A_payload_with_a_control_character_has_no_text() =>
        Assert.Null(MessageText.Of(Encoding.UTF8.GetBytes("two\nlines")));

    [Fact]
    public void A_long_text_is_cut_at_the_most_characters_and_says_so()
    {
        var text = MessageText.Of(Encoding.UTF8.GetBytes(new string('x', 1000)))!;
        Assert.Equal(MessageText.MaxLength, text.Length);
        Assert.EndsWith("…", text);
    }

    [Fact]
    public void The_recorder_writes_a_messages_text_only_when_asked_to()
    {
        var p1 = new ProcessId("p1");
        var sent = new MessageSent(new MessageId("p1.1.1"), new ConfigurationId("R1.p1"), DeliveryService.Agreed, Encoding.UTF8.GetBytes("hello"));
        var delivered = new MessageDelivered(sent.Message, p1, sent.Configuration, sent.Service, sent.Payload);

        var plain = new EventRecorder(p1);
        Assert.Null(Assert.IsType<Send>(plain.Record(sent, 1, out _)).Text);
        Assert.Null(Assert.IsType<Deliver>(plain.Record(delivered, 2, out _)).Text);

        var withText = new EventRecorder(p1, recordText: true);
        Assert.Equal("hello", Assert.IsType<Send>(withText.Record(sent, 1, out _)).Text);
        Assert.Equal("hello", Assert.IsType<Deliver>(withText.Record(delivered, 2, out _)).Text);
    }
}
