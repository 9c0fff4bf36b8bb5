// Tests of the real network's trace file (docs/TRACE.md for a real process): it is appended across
// restarts with the index going on, a line cut short by a kill is dropped, the configuration the
// last run ended in is known (for the fail line), the header's quiescent flag is set in place, and
// the file ends with an end line counting every run's events when, and only when, it was closed.
using System.Collections.Immutable;
using System.Text;
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Evs.Runtime;
using Evs.Runtime.Files;
using SpecTests.Storage;
using Xunit;

namespace SpecTests.Runtime;

public sealed class NodeTraceTests : IDisposable
{
    private static readonly ProcessId P1 = new("p1");
    private static readonly ConfigurationId R1 = new("R1.p1");

    private readonly TempDirectory _directory = new();

    public NodeTraceTests() => Directory.CreateDirectory(_directory.Path);

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    [Fact]
    public void A_new_trace_has_a_udp_header_that_is_not_quiescent_and_starts_at_index_0()
    {
        var path = PathOf("p1.jsonl");
        using (var trace = NodeTrace.Open(path, P1))
        {
            Assert.Equal(0, trace.NextIndex);
            Assert.Null(trace.OpenConfiguration);
        }
        var header = TraceFiles.Read(path).Header;
        Assert.Equal("udp", header.Source);
        Assert.False(header.Quiescent);
    }

    [Fact]
    public void Reopening_goes_on_with_the_next_index_and_knows_the_configuration_the_run_ended_in()
    {
        var path = PathOf("p1.jsonl");
        using (var trace = NodeTrace.Open(path, P1))
        {
            trace.Write(Regular(0));
            trace.Write(new Send(P1, 1, 2, new MessageId("p1.1.1"), R1, DeliveryService.Agreed));
        }
        using (var trace = NodeTrace.Open(path, P1))
        {
            Assert.Equal(2, trace.NextIndex);
            Assert.Equal(R1, trace.OpenConfiguration);
            trace.Write(new Fail(P1, 2, 3, R1));
            Assert.Null(trace.OpenConfiguration);
        }
        using (var trace = NodeTrace.Open(path, P1)) Assert.Null(trace.OpenConfiguration);
        Assert.Equal([0L, 1, 2], TraceFiles.Read(path).Events.Select(e => e.Index));
    }

    [Fact]
    public void A_line_cut_short_by_a_kill_is_dropped_on_reopening()
    {
        var path = PathOf("p1.jsonl");
        using (var trace = NodeTrace.Open(path, P1)) trace.Write(Regular(0));
        File.AppendAllText(path, "{\"p\":\"p1\",\"i\":1,\"t\":2,\"e\":\"del");
        using (var trace = NodeTrace.Open(path, P1))
        {
            Assert.Equal(1, trace.NextIndex);
            trace.Write(new Fail(P1, 1, 3, R1));
        }
        var events = TraceFiles.Read(path).Events;
        Assert.Equal(2, events.Count);
        Assert.IsType<Fail>(events[1]);
    }

    [Fact]
    public void Quiescent_is_set_in_place_and_cleared_when_the_trace_is_appended_to_again()
    {
        var path = PathOf("p1.jsonl");
        using (var trace = NodeTrace.Open(path, P1)) trace.Write(Regular(0));
        NodeTrace.SetQuiescent(path, true);
        Assert.True(TraceFiles.Read(path).Header.Quiescent);
        Assert.Single(TraceFiles.Read(path).Events);

        using (NodeTrace.Open(path, P1))
        {
        }
        Assert.False(TraceFiles.Read(path).Header.Quiescent);
    }

    [Fact]
    public void A_file_that_is_not_this_processs_real_trace_is_refused()
    {
        var simulated = PathOf("sim.jsonl");
        File.WriteAllText(simulated, "{\"e\":\"run\",\"format\":\"evs-trace/1\",\"source\":\"sim\",\"seed\":1,\"quiescent\":true}\n{\"e\":\"end\",\"events\":0}\n");
        Assert.Contains("not of a real node", Assert.Throws<InvalidDataException>(() => NodeTrace.Open(simulated, P1)).Message);

        var other = PathOf("p2.jsonl");
        using (var trace = NodeTrace.Open(other, new ProcessId("p2"))) trace.Write(Regular(0) with { Process = new ProcessId("p2") });
        Assert.Contains("each process needs a trace file of its own", Assert.Throws<InvalidDataException>(() => NodeTrace.Open(other, P1)).Message);

        var text = PathOf("notes.txt");
        File.WriteAllText(text, "not a trace\n", Encoding.UTF8);
        Assert.Throws<InvalidDataException>(() => NodeTrace.Open(text, P1));
    }

    [Fact]
    public void Reopening_removes_the_end_line_and_the_next_end_line_counts_the_events_of_every_run()
    {
        var path = PathOf("p1.jsonl");
        using (var trace = NodeTrace.Open(path, P1))
        {
            trace.Write(Regular(0));
            trace.Write(new Send(P1, 1, 2, new MessageId("p1.1.1"), R1, DeliveryService.Agreed));
        }
        Assert.Equal("""{"e":"end","events":2}""", Lines(path)[^1]);
        using (var trace = NodeTrace.Open(path, P1)) trace.Write(new Fail(P1, 2, 3, R1));
        var lines = Lines(path);
        Assert.Equal("""{"e":"end","events":3}""", lines[^1]);
        Assert.Single(lines, l => l.Contains("\"end\"", StringComparison.Ordinal));
        Assert.Equal([0L, 1, 2], TraceFiles.Read(path).Events.Select(e => e.Index));
    }

    [Fact]
    public void A_trace_killed_before_it_is_closed_has_no_end_line_and_the_next_run_appends_to_it()
    {
        var path = PathOf("p1.jsonl");
        byte[] atTheKill;
        using (var trace = NodeTrace.Open(path, P1))
        {
            trace.Write(Regular(0));
            trace.Flush();
            atTheKill = File.ReadAllBytes(path); // what the disk holds when kill -9 strikes here
        }
        File.WriteAllBytes(path, atTheKill);
        Assert.DoesNotContain(Lines(path), l => l.Contains("\"end\"", StringComparison.Ordinal));
        Assert.Single(TraceFiles.Read(path).Events);

        using (var trace = NodeTrace.Open(path, P1))
        {
            Assert.Equal(1, trace.NextIndex);
            Assert.Equal(R1, trace.OpenConfiguration);
            trace.Write(new Fail(P1, 1, 3, R1));
        }
        Assert.Equal("""{"e":"end","events":2}""", Lines(path)[^1]);
        Assert.Equal([0L, 1], TraceFiles.Read(path).Events.Select(e => e.Index));
    }

    [Fact]
    public void An_abandoned_trace_is_left_as_a_kill_leaves_it_without_an_end_line()
    {
        var path = PathOf("p1.jsonl");
        var trace = NodeTrace.Open(path, P1);
        trace.Write(Regular(0));
        trace.Abandon();
        trace.Dispose();
        Assert.Equal(2, Lines(path).Length);
        using (var next = NodeTrace.Open(path, P1)) next.Write(new Fail(P1, 1, 3, R1));
        Assert.Equal("""{"e":"end","events":2}""", Lines(path)[^1]);
    }

    [Fact]
    public void Quiescent_is_set_in_place_in_a_trace_that_ends_with_its_end_line()
    {
        var path = PathOf("p1.jsonl");
        using (var trace = NodeTrace.Open(path, P1)) trace.Write(Regular(0));
        NodeTrace.SetQuiescent(path, true);
        Assert.True(TraceFiles.Read(path).Header.Quiescent);
        Assert.Equal("""{"e":"end","events":1}""", Lines(path)[^1]);
    }

    [Fact]
    public void A_trace_whose_end_line_miscounts_its_events_is_not_appended_to()
    {
        var path = PathOf("p1.jsonl");
        using (var trace = NodeTrace.Open(path, P1)) trace.Write(Regular(0));
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"events\":1", "\"events\":5", StringComparison.Ordinal));
        Assert.Contains("counts 5 event lines", Assert.Throws<InvalidDataException>(() => NodeTrace.Open(path, P1)).Message);
    }

    private static string[] Lines(string path) => File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();

    private static DeliverConf Regular(long index) => new(P1, index, 1, R1, ConfigurationKind.Regular, ImmutableArray.Create(P1));

    public void Dispose() => _directory.Dispose();
}
