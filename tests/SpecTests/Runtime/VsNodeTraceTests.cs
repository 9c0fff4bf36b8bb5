// Tests of the real network's virtual synchrony trace file (docs/VS-TRACE.md for a real process
// behind the filter): appended across restarts, a line cut short by a kill dropped, the next index
// and the stop of every identity known to the next run, the header's quiescent flag set in place
// and cleared by an append, and a file of another process refused.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.VirtualSynchrony;
using Evs.Runtime;
using Evs.Runtime.Files;
using SpecTests.Storage;
using Xunit;

namespace SpecTests.Runtime;

public sealed class VsNodeTraceTests : IDisposable
{
    private static readonly ProcessId P1 = new("p1");

    private readonly TempDirectory _directory = new();

    public VsNodeTraceTests() => Directory.CreateDirectory(_directory.Path);

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    [Fact]
    public void Reopening_knows_each_identitys_next_index_and_which_have_stopped_and_drops_a_line_cut_short_by_a_kill()
    {
        var path = PathOf("p1.vs.jsonl");
        using (var trace = VsNodeTrace.Open(path, P1))
        {
            trace.Write(View("p1", 0));
            trace.Write(new Stop("p1", 1, 2));
            trace.Write(View("p1~1", 0));
        }
        File.AppendAllText(path, "{\"p\":\"p1~1\",\"i\":1,\"t\":4,\"e\":\"del");
        using (var trace = VsNodeTrace.Open(path, P1))
        {
            Assert.Equal(["p1", "p1~1"], trace.Identities);
            Assert.True(trace.HasStopped("p1"));
            Assert.False(trace.HasStopped("p1~1"));
            Assert.Equal(1, trace.NextIndex("p1~1"));
            Assert.Equal(0, trace.NextIndex("p1~2"));
            trace.Write(new Stop("p1~1", 1, 5));
            Assert.Throws<ArgumentException>(() => trace.Write(new Stop("p1~1", 2, 6)));
            Assert.Throws<ArgumentException>(() => trace.Write(View("p2", 0)));
        }
        var history = TraceFiles.ReadVs(path);
        Assert.Equal("udp", history.Header.Source);
        Assert.Equal([("p1", 0L), ("p1", 1), ("p1~1", 0), ("p1~1", 1)], history.Events.Select(e => (e.Process, e.Index)));
    }

    [Fact]
    public void Quiescent_is_set_in_place_and_cleared_when_the_trace_is_appended_to_again()
    {
        var path = PathOf("p1.vs.jsonl");
        using (var trace = VsNodeTrace.Open(path, P1)) trace.Write(View("p1", 0));
        VsNodeTrace.SetQuiescent(path, true);
        Assert.True(TraceFiles.ReadVs(path).Header.Quiescent);
        using (VsNodeTrace.Open(path, P1))
        {
        }
        Assert.False(TraceFiles.ReadVs(path).Header.Quiescent);
    }

    [Fact]
    public void A_file_that_is_not_this_processs_real_vs_trace_is_refused()
    {
        var other = PathOf("p2.vs.jsonl");
        using (var trace = VsNodeTrace.Open(other, new ProcessId("p2"))) trace.Write(View("p2", 0));
        Assert.Contains("holds events of p2, not only of p1's identities", Assert.Throws<InvalidDataException>(() => VsNodeTrace.Open(other, P1)).Message);
        var simulated = PathOf("sim.vs.jsonl");
        File.WriteAllText(simulated, "{\"e\":\"run\",\"format\":\"vs-trace/1\",\"source\":\"sim\",\"quiescent\":true}\n");
        Assert.Contains("not of a real node", Assert.Throws<InvalidDataException>(() => VsNodeTrace.Open(simulated, P1)).Message);
        var evs = PathOf("p1.jsonl");
        using (NodeTrace.Open(evs, P1))
        {
        }
        Assert.Contains("is not a virtual synchrony trace this process can append to", Assert.Throws<InvalidDataException>(() => VsNodeTrace.EventCount(evs, P1)).Message);
    }

    /// <inheritdoc/>
    public void Dispose() => _directory.Dispose();

    private static ViewChange View(string identity, long index) => new(identity, index, index + 1, "R1.p1#0", ImmutableArray.Create(identity));
}
