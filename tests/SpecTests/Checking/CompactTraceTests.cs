// `evs check` reads its files line by line straight into a CompactTrace (docs/CHECKER-SPEED.md),
// while the library, the tests and the notebooks check an EvsTrace read whole into objects. These
// tests hold the two paths to one answer: the same report, word for word and witness for witness,
// on every hand-written trace, on generated runs with faults and on those runs broken on purpose;
// and the same refusal, naming the same line, for a file the format does not allow, however the
// stream hands out its bytes.
using System.Text;
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace SpecTests.Checking;

public class CompactTraceTests
{
    /// <summary>Every hand-written trace, legal and illegal, as (kind, file name).</summary>
    public static TheoryData<string, string> HandWritten()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "legal", "illegal" })
            foreach (var path in Directory.GetFiles(TraceFiles.Folder(kind), "*.jsonl").Order())
                data.Add(kind, Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(HandWritten))]
    public void A_hand_written_trace_read_line_by_line_gets_the_report_it_gets_read_whole(string kind, string name)
    {
        var path = Path.Combine(TraceFiles.Folder(kind), name);
        var whole = SpecificationChecker.Check(Evs.Runtime.Files.TraceFiles.Read(path));

        Assert.Equal(whole.ToString(), StreamedReport(File.ReadAllBytes(path), path).ToString());
    }

    [Fact]
    public void Two_hundred_generated_runs_with_faults_get_the_same_report_both_ways_also_when_broken_on_purpose()
    {
        var runs = FaultSchedules.WithFaults.Generator.Sample(200, new Rnd(16), 10);
        int broken = 0;
        foreach (var run in runs)
        {
            var trace = run.Result.Trace;
            foreach (var variant in new[] { trace, WithTwoDeliveriesSwapped(trace), WithoutOneDelivery(trace) })
            {
                var whole = SpecificationChecker.Check(variant);
                Assert.Equal(whole.ToString(), StreamedReport(Written(variant), "generated").ToString());
                if (!whole.AllPassed) broken++;
            }
        }
        Assert.True(broken >= 200, $"only {broken} of 600 variants break a specification: the broken ones test too little");
    }

    [Fact]
    public void Several_files_read_line_by_line_are_one_history_quiescent_only_if_every_file_is()
    {
        var path = Path.Combine(TraceFiles.Folder("legal"), "steady-ring.jsonl");
        var part = Evs.Runtime.Files.TraceFiles.Read(path);
        var cut = part with { Header = part.Header with { Quiescent = false } };
        var builder = new CompactTrace.Builder();
        builder.Read(new MemoryStream(File.ReadAllBytes(path)), "first");
        builder.Read(new MemoryStream(Written(cut)), "second");

        var history = builder.Build();

        Assert.False(history.Header.Quiescent);
        Assert.Equal(2 * part.Events.Count, history.Count);
        Assert.Equal(SpecificationChecker.Check(EvsTrace.Combine([part, cut])).ToString(), SpecificationChecker.Check(history).ToString());
    }

    [Fact]
    public void A_stream_that_hands_out_a_few_bytes_at_a_time_is_read_as_its_whole_bytes_are()
    {
        var path = Path.Combine(TraceFiles.Folder("legal"), "figure6-partition-and-merge.jsonl");
        var bytes = File.ReadAllBytes(path);
        var crlf = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\n", "\r\n\n  \n"));

        foreach (var text in new[] { bytes, crlf, bytes[..^1] })
        {
            var builder = new CompactTrace.Builder();
            builder.Read(new TricklingStream(text), path);
            Assert.Equal(SpecificationChecker.Check(TraceReader.Read(text, path)).ToString(), SpecificationChecker.Check(builder.Build()).ToString());
        }
    }

    [Fact]
    public void A_line_longer_than_the_reading_buffer_is_read_whole()
    {
        var text = new string('x', 3_000_000);
        var lines = string.Join("\n",
            """{"e":"run","format":"evs-trace/1","source":"hand","quiescent":false}""",
            """{"p":"p","i":0,"e":"deliver_conf","c":"R1.p","kind":"regular","members":["p"]}""",
            $$"""{"p":"p","i":1,"e":"send","m":"m1","c":"R1.p","svc":"safe","text":"{{text}}"}""",
            """{"p":"p","i":2,"e":"deliver","m":"m1","c":"R1.p","svc":"safe"}""");

        var report = StreamedReport(Encoding.UTF8.GetBytes(lines), "long.jsonl");

        Assert.True(report.AllPassed, report.ToString());
    }

    /// <summary>Lines the format refuses, each after a good header and first event.</summary>
    public static TheoryData<string> RefusedLines() =>
    [
        """{"p":"p","i":1,"e":"send","c":"R1.p","svc":"safe"}""",
        """{"p":"p","i":1,"e":"send","m":5,"c":"R1.p","svc":"safe"}""",
        """{"p":"p","i":1,"e":"send","m":"m1","c":"R1.p","svc":"fast"}""",
        """{"p":"p","i":1,"e":"deliver","m":"m1","c":"R1.p","svc":"safe","h":7}""",
        """{"p":"p","i":-1,"e":"fail","c":"R1.p"}""",
        """{"p":"p","i":1,"e":"explode","c":"R1.p"}""",
        """{"p":"p","i":1,"e":"deliver_conf","c":"T2.p/R1.p","kind":"transitional","members":["p"]}""",
        """{"p":"p","i":1,"e":"deliver_conf","c":"R2.p","kind":"regular"}""",
        """{"p":"p","i":1,"e":"send","m":"m1",""",
        """{"e":"end","events":5}""",
    ];

    [Theory]
    [MemberData(nameof(RefusedLines))]
    public void A_line_the_format_refuses_is_refused_line_by_line_with_the_same_message_and_line(string refused)
    {
        var text = Encoding.UTF8.GetBytes(string.Join("\n",
            """{"e":"run","format":"evs-trace/1","source":"hand","quiescent":false}""",
            "",
            """{"p":"p","i":0,"e":"deliver_conf","c":"R1.p","kind":"regular","members":["p"]}""",
            refused,
            """{"p":"p","i":2,"e":"fail","c":"R1.p"}"""));

        var whole = Assert.Throws<TraceFormatException>(() => TraceReader.Read(text, "bad.jsonl"));
        var streamed = Assert.Throws<TraceFormatException>(() => new CompactTrace.Builder().Read(new TricklingStream(text), "bad.jsonl"));

        Assert.Equal(4, whole.Line);
        Assert.Equal(whole.Message, streamed.Message);
    }

    [Fact]
    public void A_string_that_is_not_utf8_is_refused_naming_its_field()
    {
        var text = Encoding.UTF8.GetBytes("""
            {"e":"run","format":"evs-trace/1","source":"hand","quiescent":false}
            {"p":"p","i":0,"e":"deliver_conf","c":"R1.p","kind":"regular","members":["p"]}
            {"p":"p","i":1,"e":"send","m":"m@","c":"R1.p","svc":"safe"}
            """).Select(b => b == (byte)'@' ? (byte)0xFF : b).ToArray();

        var error = Assert.Throws<TraceFormatException>(() => new CompactTrace.Builder().Read(new MemoryStream(text), "bad.jsonl"));

        Assert.Equal("bad.jsonl:3: \"m\" is not valid UTF-8", error.Message);
        Assert.Equal(error.Message, Assert.Throws<TraceFormatException>(() => TraceReader.Read(text, "bad.jsonl")).Message);
    }

    [Fact]
    public void A_builder_refuses_to_build_without_a_trace_or_twice()
    {
        var builder = new CompactTrace.Builder();
        Assert.Contains("no trace", Assert.Throws<InvalidOperationException>(builder.Build).Message);
        builder.Add(Evs.Runtime.Files.TraceFiles.Read(Path.Combine(TraceFiles.Folder("legal"), "steady-ring.jsonl")));
        builder.Build();
        Assert.Contains("one history", Assert.Throws<InvalidOperationException>(builder.Build).Message);
    }

    private static CheckReport StreamedReport(byte[] file, string source)
    {
        var builder = new CompactTrace.Builder();
        builder.Read(new MemoryStream(file), source);
        return SpecificationChecker.Check(builder.Build());
    }

    private static byte[] Written(EvsTrace trace)
    {
        using var stream = new MemoryStream();
        using (var writer = new TraceWriter(stream, ownsStream: false))
        {
            writer.WriteHeader(trace.Header);
            foreach (var e in trace.Events) writer.Write(e);
        }
        return stream.ToArray();
    }

    // The last process's last two deliveries, each given the other's index: its order of them changes.
    private static EvsTrace WithTwoDeliveriesSwapped(EvsTrace trace)
    {
        var events = trace.Events.ToList();
        var last = events.Where(e => e is Deliver).Select(e => e.Process).DefaultIfEmpty().Max();
        int a = events.FindLastIndex(e => e is Deliver && e.Process == last);
        int b = a < 1 ? -1 : events.FindLastIndex(a - 1, e => e is Deliver && e.Process == last);
        if (b < 0) return trace;
        (events[a], events[b]) = (events[b] with { Index = events[a].Index }, events[a] with { Index = events[b].Index });
        return trace with { Events = events };
    }

    // The middle delivery of the trace left out: some process misses a message.
    private static EvsTrace WithoutOneDelivery(EvsTrace trace)
    {
        var deliveries = trace.Events.Where(e => e is Deliver).ToList();
        if (deliveries.Count == 0) return trace;
        var dropped = deliveries[deliveries.Count / 2];
        return trace with { Events = [.. trace.Events.Where(e => !ReferenceEquals(e, dropped))] };
    }

    /// <summary>A stream of bytes handed out at most seven at a time, as a slow pipe or socket might.</summary>
    private sealed class TricklingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 7));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 7)]);
    }
}
