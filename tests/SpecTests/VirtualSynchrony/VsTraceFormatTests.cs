// docs/VS-TRACE.md is the contract between the filter that writes a virtual synchrony history
// and the checker: a bad line is named by its file and number, and what the writer writes the
// reader reads back unchanged.
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;
using Evs.Runtime.Files;
using Xunit;

namespace SpecTests.VirtualSynchrony;

public class VsTraceFormatTests
{
    private const string Header = """{"e":"run","format":"vs-trace/1","source":"sim","quiescent":true}""";
    private const string View = """{"p":"q~1","i":0,"t":0,"e":"view","v":"R1.p#0","members":["p","q~1"]}""";

    private static TraceFormatException ReadFails(params string[] lines) =>
        Assert.Throws<TraceFormatException>(() => VsTraceReader.ReadText(string.Join("\n", lines), "vs.jsonl"));

    [Fact]
    public void Bad_json_is_reported_with_its_file_and_line()
    {
        var error = ReadFails(Header, View, """{"p":"p","i":1,""");
        Assert.Equal(3, error.Line);
        Assert.StartsWith("vs.jsonl:3:", error.Message);
    }

    [Fact]
    public void A_file_is_named_in_the_error()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vs-format-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, [Header, """{"p":"p","i":0,"t":0,"e":"view","v":"R1.p#0"}"""]);
        try
        {
            var error = Assert.Throws<TraceFormatException>(() => TraceFiles.ReadVs(path));
            Assert.Equal(path, error.FileName);
            Assert.StartsWith($"{path}:2:", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_unknown_event_kind_is_reported_with_its_line()
    {
        var error = ReadFails(Header, View, """{"p":"p","i":0,"t":0,"e":"deliver_conf","c":"R1.p"}""");
        Assert.Equal(3, error.Line);
        Assert.Contains("deliver_conf", error.Problem);
    }

    [Theory]
    [InlineData("""{"p":"p","i":1,"t":1,"e":"send","svc":"abcast"}""", "\"m\"")]
    [InlineData("""{"p":"p","i":1,"t":1,"e":"send","m":"p.1.1"}""", "\"svc\"")]
    [InlineData("""{"p":"p","i":1,"t":1,"e":"view","members":["p"]}""", "\"v\"")]
    [InlineData("""{"i":1,"t":1,"e":"stop"}""", "\"p\"")]
    [InlineData("""{"p":"p","t":1,"e":"stop"}""", "\"i\"")]
    [InlineData("""{"p":"p","i":1,"e":"stop"}""", "\"t\"")]
    [InlineData("""{"p":"p","i":1,"t":1}""", "\"e\"")]
    public void A_missing_field_is_reported_with_its_line(string line, string field)
    {
        var error = ReadFails(Header, View, line);
        Assert.Equal(3, error.Line);
        Assert.Contains(field, error.Problem);
    }

    [Theory]
    [InlineData("""{"p":"p","i":"1","t":1,"e":"stop"}""", "\"i\"")]
    [InlineData("""{"p":"p","i":1.5,"t":1,"e":"stop"}""", "\"i\"")]
    [InlineData("""{"p":"p","i":-1,"t":1,"e":"stop"}""", "\"i\"")]
    [InlineData("""{"p":"p","i":1,"t":"now","e":"stop"}""", "\"t\"")]
    [InlineData("""{"p":7,"i":1,"t":1,"e":"stop"}""", "\"p\"")]
    [InlineData("""{"p":"p","i":1,"t":1,"e":"view","v":"R1.p#0","members":"p"}""", "\"members\"")]
    [InlineData("""{"p":"p","i":1,"t":1,"e":"view","v":"R1.p#0","members":["q","p"]}""", "sorted")]
    [InlineData("""{"p":"p","i":1,"t":1,"e":"deliver","m":"p.1.1","svc":"safe"}""", "cbcast or abcast")]
    public void A_field_of_the_wrong_type_is_reported_with_its_line(string line, string what)
    {
        var error = ReadFails(Header, View, line);
        Assert.Equal(3, error.Line);
        Assert.Contains(what, error.Problem);
    }

    [Fact]
    public void An_evs_trace_is_not_a_vs_trace()
    {
        var error = ReadFails("""{"e":"run","format":"evs-trace/1","source":"sim","quiescent":true}""", View);
        Assert.Equal(1, error.Line);
        Assert.Contains("vs-trace/1", error.Problem);
    }

    [Fact]
    public void A_trace_without_a_header_is_reported_at_its_first_line()
    {
        Assert.Equal(1, ReadFails(View).Line);
    }

    [Fact]
    public void A_header_without_quiescent_is_an_error()
    {
        Assert.Contains("quiescent", ReadFails("""{"e":"run","format":"vs-trace/1","source":"sim"}""").Problem);
    }

    [Fact]
    public void Several_parts_are_one_history_with_one_header_quiescent_only_if_all_are()
    {
        var quiet = VsTraceReader.ReadText($"{Header}\n{View}");
        var cut = VsTraceReader.ReadText("""{"e":"run","format":"vs-trace/1","source":"udp","quiescent":false}""" + "\n" + """{"p":"p","i":0,"t":0,"e":"view","v":"R1.p#0","members":["p","q~1"]}""");
        var both = VsTraceReader.Combine([quiet, cut]);
        Assert.Equal("sim", both.Header.Source);
        Assert.False(both.Header.Quiescent);
        Assert.Equal(2, both.Events.Count);
        Assert.True(VsTraceReader.Combine([quiet, quiet]).Header.Quiescent);
        Assert.False(VsTraceReader.ReadText($"{Header}\n{View}\n" + """{"e":"run","format":"vs-trace/1","source":"sim","quiescent":false}""").Header.Quiescent);
    }

    [Fact]
    public void Extra_fields_are_tolerated()
    {
        var trace = VsTraceReader.ReadText($"{Header}\n" + """{"p":"p","i":0,"t":0,"e":"stop","why":"crash"}""");
        Assert.IsType<Stop>(Assert.Single(trace.Events));
    }

    [Fact]
    public void What_the_writer_writes_the_reader_reads_back_and_writes_again_byte_for_byte()
    {
        var header = new VsTraceHeader("sim", 69, "figure6", Quiescent: true);
        VsEvent[] events =
        [
            new ViewChange("q~1", 0, 2011.4, "R2.q#1", ["q", "q~1", "r"]),
            new VsSend("q~1", 1, 2011.4, new MessageId("q.2.1"), VsService.Abcast),
            new VsDeliver("r", 5, 2012.125, new MessageId("q.2.1"), VsService.Abcast),
            new VsSend("r", 6, 2013, new MessageId("r.2.1"), VsService.Cbcast),
            new VsDeliver("r", 7, 2013.5, new MessageId("r.2.1"), VsService.Cbcast),
            new Stop("p", 12, 2500),
        ];
        using var stream = new MemoryStream();
        VsTraceWriter.Write(stream, new VsTrace(header, events));
        byte[] written = stream.ToArray();

        var read = VsTraceReader.Read(written, "memory");

        Assert.Equal(header, read.Header);
        Assert.Equal(events.Length, read.Events.Count);
        for (int k = 0; k < events.Length; k++)
        {
            Assert.Equal(events[k].GetType(), read.Events[k].GetType());
            Assert.Equal(events[k].Witness, read.Events[k].Witness);
            Assert.Equal(events[k].Time, read.Events[k].Time);
        }
        Assert.Equal(["q", "q~1", "r"], Assert.IsType<ViewChange>(read.Events[0]).Members.ToArray());
        Assert.Equal(events[1], read.Events[1]);
        Assert.Equal(events[4], read.Events[4]);
        using var again = new MemoryStream();
        VsTraceWriter.Write(again, read);
        Assert.Equal(written, again.ToArray());
    }

    [Fact]
    public void The_writer_spells_the_fields_of_docs_vs_trace_md_in_their_order()
    {
        using var stream = new MemoryStream();
        VsTraceWriter.Write(stream, new VsTrace(new VsTraceHeader("sim", 69, "figure6", true),
            [new ViewChange("q", 0, 2011.4, "R2.q#1", ["q", "r", "s", "t"]), new VsSend("q", 1, 2011.4, new MessageId("q.2.1"), VsService.Abcast), new Stop("p", 12, 2500)]));
        Assert.Equal(
            """
            {"e":"run","format":"vs-trace/1","source":"sim","seed":69,"scenario":"figure6","quiescent":true}
            {"p":"q","i":0,"t":2011.4,"e":"view","v":"R2.q#1","members":["q","r","s","t"]}
            {"p":"q","i":1,"t":2011.4,"e":"send","m":"q.2.1","svc":"abcast"}
            {"p":"p","i":12,"t":2500,"e":"stop"}

            """.ReplaceLineEndings("\n"),
            System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
