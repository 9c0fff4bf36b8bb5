// docs/TRACE.md is the contract between whoever writes a run and the checker: a bad line is named
// by its number, what the writer writes the reader reads back unchanged, and a file closed by its
// writer ends with an end line that tells it apart from a file cut short; a file whose header
// claims a settled run and has no end line is refused as cut short.
using System.Collections.Immutable;
using System.Text;
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using SpecTests.Storage;
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
            new Send(p1, 1, 2, new MessageId("p1.1.1"), new ConfigurationId("R1.p1"), DeliveryService.Safe, "9f1c", "hello \"p2\" ✓"),
            new Deliver(p1, 2, 3.25, new MessageId("p1.1.1"), new ConfigurationId("R1.p1"), DeliveryService.Safe, "9f1c", "hello \"p2\" ✓"),
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
        Assert.Equal("hello \"p2\" ✓", Assert.IsType<Send>(read.Events[1]).Text);
        Assert.Equal("hello \"p2\" ✓", Assert.IsType<Deliver>(read.Events[2]).Text);
        Assert.Equal(new ConfigurationId("R1.p1"), Assert.IsType<DeliverConf>(read.Events[3]).PreviousRegular);
    }

    [Fact]
    public void A_closed_writer_ends_the_file_with_an_end_line_counting_its_event_lines()
    {
        var text = Written(Regular("p1", 0), Regular("p2", 0), new Fail(new ProcessId("p2"), 1, 2, new ConfigurationId("R1.p1")));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Equal("""{"e":"end","events":3}""", lines[^1]);
        Assert.Equal(3, TraceReader.ReadText(text).Events.Count);
    }

    [Fact]
    public void A_graceful_leave_is_written_as_left_on_the_fail_line_and_on_the_survivors_deliver_conf_and_read_back()
    {
        ProcessId p1 = new("p1"), p2 = new("p2");
        var text = Written(
            Regular("p2", 0),
            new Fail(p2, 1, 2, new ConfigurationId("R1.p1"), Left: true),
            new DeliverConf(p1, 1, 3, new ConfigurationId("R2.p1"), ConfigurationKind.Regular, [p1], Left: [p2]));
        Assert.Contains("\"e\":\"fail\",\"c\":\"R1.p1\",\"left\":true}", text);
        Assert.Contains("\"members\":[\"p1\"],\"left\":[\"p2\"]}", text);
        var read = TraceReader.ReadText(text).Events;
        Assert.True(Assert.IsType<Fail>(read[1]).Left);
        Assert.Equal([p2], Assert.IsType<DeliverConf>(read[2]).Left!.ToList());
        Assert.False(Assert.IsType<Fail>(TraceReader.ReadText(Written(Regular("p2", 0), new Fail(p2, 1, 2, new ConfigurationId("R1.p1")))).Events[1]).Left);
    }

    [Fact]
    public void A_trace_with_no_events_ends_with_an_end_line_counting_none() =>
        Assert.EndsWith("""{"e":"end","events":0}""" + "\n", Written());

    [Fact]
    public void An_explicit_end_line_is_written_once_and_nothing_may_follow_it()
    {
        using var stream = new MemoryStream();
        using (var writer = new TraceWriter(stream, ownsStream: false))
        {
            writer.WriteHeader(new TraceHeader("sim", 1, null, Quiescent: false));
            writer.Write(Regular("p1", 0));
            writer.WriteEnd();
            Assert.Throws<InvalidOperationException>(() => writer.Write(Regular("p1", 1)));
            Assert.Throws<InvalidOperationException>(writer.WriteEnd);
        }
        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["""{"e":"end","events":1}"""], lines.Where(l => l.Contains("\"end\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_trace_that_claims_no_quiescence_cut_at_a_line_boundary_has_lost_its_end_line_and_is_still_read()
    {
        var lines = Written(quiescent: false, Regular("p1", 0), Regular("p2", 0)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var cut = TraceReader.ReadText(string.Join("\n", lines[..^2]) + "\n", "t.jsonl");
        Assert.Single(cut.Events);
    }

    [Fact]
    public void A_quiescent_trace_cut_at_a_line_boundary_is_refused_as_cut_short_naming_the_file_and_its_last_line()
    {
        var lines = Written(Regular("p1", 0), Regular("p2", 0)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Throws<TraceFormatException>(() => TraceReader.ReadText(string.Join("\n", lines[..^2]) + "\n\n", "t.jsonl"));
        Assert.Equal(2, error.Line);
        Assert.StartsWith("t.jsonl:2:", error.Message);
        Assert.Contains("cut short", error.Problem);
        Assert.Contains("header (line 1) says \"quiescent\": true", error.Problem);
    }

    [Fact]
    public void A_quiescent_file_joined_before_another_without_its_end_line_is_refused_at_the_next_header()
    {
        var first = Written(Regular("p1", 0)).Split('\n', StringSplitOptions.RemoveEmptyEntries)[..^1];
        var joined = string.Join("\n", first) + "\n" + Written(Regular("p2", 0));
        var error = Assert.Throws<TraceFormatException>(() => TraceReader.ReadText(joined, "t.jsonl"));
        Assert.Equal(3, error.Line);
        Assert.Contains("cut short", error.Problem);
    }

    [Fact]
    public void An_end_line_whose_count_differs_from_the_event_lines_is_refused_naming_the_file_and_line()
    {
        var error = ReadFails(Header, Conf, """{"e":"end","events":2}""");
        Assert.Equal(3, error.Line);
        Assert.StartsWith("t.jsonl:3:", error.Message);
        Assert.Contains("counts 2 event lines, but the file holds 1", error.Problem);
    }

    [Fact]
    public void An_end_line_without_an_integer_count_is_refused() =>
        Assert.Contains("\"events\"", ReadFails(Header, Conf, """{"e":"end","events":"one"}""").Problem);

    [Fact]
    public void A_line_after_the_end_line_is_refused_naming_it()
    {
        var error = ReadFails(Header, Conf, """{"e":"end","events":1}""", """{"p":"p1","i":1,"t":1,"e":"fail","c":"R1.p1"}""");
        Assert.Equal(4, error.Line);
        Assert.Contains("after the end line (line 3)", error.Problem);
        Assert.Equal(4, ReadFails(Header, Conf, """{"e":"end","events":1}""", """{"e":"end","events":1}""").Line);
    }

    [Fact]
    public void Files_joined_one_after_the_other_each_with_its_own_end_line_read_as_one_history()
    {
        var joined = Written(Regular("p1", 0)) + Written(Regular("p2", 0), Regular("p2", 1));
        Assert.Equal(3, TraceReader.ReadText(joined).Events.Count);
        var error = Assert.Throws<TraceFormatException>(() => TraceReader.ReadText(joined.Replace("\"events\":2", "\"events\":3", StringComparison.Ordinal), "t.jsonl"));
        Assert.Equal(7, error.Line);
    }

    [Fact]
    public void Several_trace_files_each_with_its_own_end_line_are_read_as_one_history()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.Path);
        var p1 = Path.Combine(directory.Path, "p1.jsonl");
        var p2 = Path.Combine(directory.Path, "p2.jsonl");
        File.WriteAllText(p1, Written(Regular("p1", 0)));
        File.WriteAllText(p2, Written(Regular("p2", 0), Regular("p2", 1)));
        Assert.Equal(3, Evs.Runtime.Files.TraceFiles.ReadAll([p1, p2]).Events.Count);
    }

    [Fact]
    public void One_line_read_on_its_own_gives_its_event_nothing_for_a_header_or_an_end_line_and_names_its_line_when_bad()
    {
        var e = Assert.IsType<DeliverConf>(TraceReader.ReadLine(Encoding.UTF8.GetBytes(Conf), "t.jsonl", 2));
        Assert.Equal((new ProcessId("p1"), 0L, "R1.p1"), (e.Process, e.Index, e.Conf.Name));
        Assert.Null(TraceReader.ReadLine(Encoding.UTF8.GetBytes(Header), "t.jsonl", 1));
        Assert.Null(TraceReader.ReadLine("""{"e":"end","events":1}"""u8, "t.jsonl", 3));
        Assert.Null(TraceReader.ReadLine(" "u8, "t.jsonl", 4));
        var error = Assert.Throws<TraceFormatException>(() => TraceReader.ReadLine("""{"p":"p1","i":1,"t":1,"e":"send","c":"R1.p1","svc":"safe"}"""u8, "t.jsonl", 5));
        Assert.StartsWith("t.jsonl:5:", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"m\"", error.Problem, StringComparison.Ordinal);
    }

    private static DeliverConf Regular(string process, long index) =>
        new(new ProcessId(process), index, 1, new ConfigurationId("R1.p1"), ConfigurationKind.Regular, [new ProcessId("p1"), new ProcessId("p2")]);

    private static string Written(params EvsEvent[] events) => Written(quiescent: true, events);

    private static string Written(bool quiescent, params EvsEvent[] events)
    {
        using var stream = new MemoryStream();
        using (var writer = new TraceWriter(stream, ownsStream: false))
        {
            writer.WriteHeader(new TraceHeader("sim", 1, "end-line", quiescent));
            foreach (var e in events) writer.Write(e);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
