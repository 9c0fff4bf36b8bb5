// TRACE.md is the contract between whoever writes a run and the checker: a bad line is named
// by its number, and what the writer writes the reader reads back unchanged.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Xunit;

namespace SpecTests.Checking;

public class TraceFormatTests
{
    private const string Header = """{"e":"run","format":"evs-trace/1","source":"sim","quiescent":true}""";
    private const string Conf = """{"p":"p1","i":0,"t":0,"e":"deliver_conf","c":"R1.p1","kind":"regular","members":["p1"]}""";

    private static TraceFormatException ReadFails(params string[] lines) =>
        Assert.Throws<TraceFormatException>(() => TraceReader.ReadText(string.Join("\n", lines), "t.jsonl"));

    [Fact]
    public void Bad_json_is_reported_with_its_line()
    {
        var error = ReadFails(Header, Conf, """{"p":"p1","i":1,""");
        Assert.Equal(3, error.Line);
        Assert.StartsWith("t.jsonl:3:", error.Message);
    }

    [Fact]
    public void An_unknown_event_kind_is_reported_with_its_line()
    {
        var error = ReadFails(Header, """{"p":"p1","i":0,"t":0,"e":"explode","c":"R1.p1"}""");
        Assert.Equal(2, error.Line);
        Assert.Contains("explode", error.Problem);
    }

    [Fact]
    public void A_missing_field_is_reported_with_its_line()
    {
        var error = ReadFails(Header, Conf, """{"p":"p1","i":1,"t":1,"e":"send","c":"R1.p1","svc":"safe"}""");
        Assert.Equal(3, error.Line);
        Assert.Contains("\"m\"", error.Problem);
    }

    [Fact]
    public void A_trace_without_a_header_is_reported_at_its_first_line()
    {
        Assert.Equal(1, ReadFails(Conf).Line);
    }

    [Fact]
    public void What_the_writer_writes_the_reader_reads_back()
    {
        var p1 = new ProcessId("p1");
        var p2 = new ProcessId("p2");
        var members = ImmutableArray.Create(p1, p2);
        var header = new TraceHeader("sim", 42, "round-trip", Quiescent: true);
        EvsEvent[] events =
        [
            new DeliverConf(p1, 0, 1.5, new ConfigurationId("R1.p1"), ConfigurationKind.Regular, members, null, true),
            new Send(p1, 1, 2, new MessageId("p1.1.1"), new ConfigurationId("R1.p1"), DeliveryService.Safe, "9f1c"),
            new Deliver(p1, 2, 3.25, new MessageId("p1.1.1"), new ConfigurationId("R1.p1"), DeliveryService.Safe, "9f1c"),
            new DeliverConf(p1, 3, 4, new ConfigurationId("T2.p1/R1.p1"), ConfigurationKind.Transitional, [p1], new ConfigurationId("R1.p1")),
            new Fail(p2, 0, 5, new ConfigurationId("R1.p1")),
        ];
        using var stream = new MemoryStream();
        using (var writer = new TraceWriter(stream, ownsStream: false))
        {
            writer.WriteHeader(header);
            foreach (var e in events) writer.Write(e);
        }
        var read = TraceReader.Read(stream.ToArray(), "memory");
        Assert.Equal(header, read.Header);
        Assert.Equal(events.Length, read.Events.Count);
        for (int k = 0; k < events.Length; k++)
        {
            Assert.Equal(events[k].Witness, read.Events[k].Witness);
            Assert.Equal(events[k].GetType(), read.Events[k].GetType());
            Assert.Equal(events[k].Configuration, read.Events[k].Configuration);
            Assert.Equal(events[k].Time, read.Events[k].Time);
        }
        var conf = Assert.IsType<DeliverConf>(read.Events[0]);
        Assert.Equal(members.ToArray(), conf.Members.ToArray());
        Assert.True(conf.Primary);
        Assert.Equal("9f1c", Assert.IsType<Send>(read.Events[1]).Hash);
        Assert.Equal(new ConfigurationId("R1.p1"), Assert.IsType<DeliverConf>(read.Events[3]).PreviousRegular);
    }
}
