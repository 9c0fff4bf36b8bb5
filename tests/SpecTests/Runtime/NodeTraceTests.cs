// Tests of the real network's trace file (TRACE.md for a real process): it is appended across
// restarts with the index going on, a line cut short by a kill is dropped, the configuration the
// last run ended in is known (for the fail line), and the header's quiescent flag is set in place.
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
        File.WriteAllText(simulated, "{\"e\":\"run\",\"format\":\"evs-trace/1\",\"source\":\"sim\",\"seed\":1,\"quiescent\":true}\n");
        Assert.Contains("not of a real node", Assert.Throws<InvalidDataException>(() => NodeTrace.Open(simulated, P1)).Message);

        var other = PathOf("p2.jsonl");
        using (var trace = NodeTrace.Open(other, new ProcessId("p2"))) trace.Write(Regular(0) with { Process = new ProcessId("p2") });
        Assert.Contains("each process needs a trace file of its own", Assert.Throws<InvalidDataException>(() => NodeTrace.Open(other, P1)).Message);

        var text = PathOf("notes.txt");
        File.WriteAllText(text, "not a trace\n", Encoding.UTF8);
        Assert.Throws<InvalidDataException>(() => NodeTrace.Open(text, P1));
    }

    private static DeliverConf Regular(long index) => new(P1, index, 1, R1, ConfigurationKind.Regular, ImmutableArray.Create(P1));

    public void Dispose() => _directory.Dispose();
}
