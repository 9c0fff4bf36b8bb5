// The live view's parts that decide what it loses and whom it slows, tested as units (compiled in
// from src/Evs.Cli/Web): the tail of a trace file that is still being written (whole lines only,
// a file that a restarted node made shorter, a long file in pieces), the one-frame queue between
// the drawing and a browser (a reader that never reads holds up nothing, and what it missed is
// counted), and the bounded history (the newest events kept, the others counted, each event once).
using System.Diagnostics;
using Evs.Cli.Web;
using Evs.Reference.Model;
using Xunit;

namespace SpecTests.Cli;

public sealed class LiveViewPartsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evs-live-parts-").FullName;

    private string File(string name) => Path.Combine(_directory, name);

    [Fact]
    public void The_tail_reads_only_whole_lines_and_a_line_still_being_written_waits_for_its_end()
    {
        var tail = new TraceTail(File("p1.jsonl"));
        Assert.Empty(tail.ReadLines()); // no file yet
        System.IO.File.WriteAllText(tail.Path, "{\"e\":\"run\"}\n{\"p\":\"p1\",\"i\":0");
        Assert.Equal(["{\"e\":\"run\"}"], tail.ReadLines());
        Assert.Empty(tail.ReadLines());
        System.IO.File.AppendAllText(tail.Path, ",\"t\":1}\r\n{\"p\":\"p1\",\"i\":1}\n");
        Assert.Equal(["{\"p\":\"p1\",\"i\":0,\"t\":1}", "{\"p\":\"p1\",\"i\":1}"], tail.ReadLines());
        Assert.Equal(4, tail.NextLineNumber);
    }

    [Fact]
    public void The_tail_goes_on_from_the_new_length_of_a_file_a_restarted_node_made_shorter()
    {
        var tail = new TraceTail(File("p1.jsonl"));
        System.IO.File.WriteAllText(tail.Path, "header\nevent 0\n{\"e\":\"end\",\"events\":1}\n");
        Assert.Equal(3, tail.ReadLines().Count);
        // The node comes back: it removes its end line (the file is now shorter than what was read)…
        Truncate(tail.Path, "header\nevent 0\n".Length);
        Assert.Empty(tail.ReadLines());
        // …and appends after it: nothing read before is read again.
        System.IO.File.AppendAllText(tail.Path, "fail 1\n");
        Assert.Equal(["fail 1"], tail.ReadLines());
    }

    [Fact]
    public void The_tail_reads_again_from_the_line_that_was_replaced_while_it_did_not_look()
    {
        var tail = new TraceTail(File("p1.jsonl"));
        System.IO.File.WriteAllText(tail.Path, "header\nevent 0\n{\"e\":\"end\",\"events\":1}\n");
        Assert.Equal(3, tail.ReadLines().Count);
        // Between two looks the end line is removed and longer lines are written over it.
        Truncate(tail.Path, "header\nevent 0\n".Length);
        System.IO.File.AppendAllText(tail.Path, "fail 1 in the old configuration\nregular 2\n");
        Assert.Equal(["fail 1 in the old configuration", "regular 2"], tail.ReadLines());
        Assert.Equal(5, tail.NextLineNumber);
    }

    [Fact]
    public void A_long_file_is_read_in_pieces_each_line_once()
    {
        var tail = new TraceTail(File("long.jsonl"));
        var written = Enumerable.Range(0, 40_000).Select(i => $"{{\"p\":\"p1\",\"i\":{i},\"t\":{i},\"e\":\"fail\",\"c\":\"R1.p1\"}}").ToList();
        System.IO.File.WriteAllLines(tail.Path, written);
        var read = new List<string>();
        int looks = 0;
        do
        {
            read.AddRange(tail.ReadLines());
            looks++;
        }
        while (tail.MoreToRead);
        Assert.Equal(written, read);
        Assert.True(looks > 1, "more than a look's bytes take several looks");
        Assert.Empty(tail.ReadLines());
        Assert.False(tail.MoreToRead);
    }

    [Fact]
    public async Task A_writer_never_waits_for_a_reader_that_never_takes_a_frame_and_every_frame_dropped_is_counted()
    {
        var queue = new LatestFrameQueue<int>();
        var clock = Stopwatch.StartNew();
        for (int frame = 1; frame <= 100_000; frame++) queue.Offer(frame);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"100,000 offers took {clock.Elapsed}");
        Assert.Equal(99_999, queue.Dropped);
        var taken = queue.TakeAsync(CancellationToken.None);
        Assert.True(taken.IsCompleted, "the newest frame is there to take at once");
        Assert.Equal(100_000, await taken);
    }

    [Fact]
    public async Task A_reader_that_waits_gets_the_next_frame_and_nothing_is_counted_as_dropped()
    {
        var queue = new LatestFrameQueue<string>();
        var taking = queue.TakeAsync(CancellationToken.None);
        Assert.False(taking.IsCompleted);
        queue.Offer("the picture");
        Assert.Equal("the picture", await taking);
        queue.Offer("the next picture");
        Assert.Equal("the next picture", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal(0, queue.Dropped);
    }

    [Fact]
    public void The_history_keeps_the_newest_events_counts_those_left_out_and_keeps_an_event_read_twice_once()
    {
        var history = new LiveHistory(capacity: 3);
        var p = new ProcessId("p1");
        var q = new ProcessId("p2");
        for (int i = 0; i < 4; i++) Assert.True(history.Add(new Fail(p, i, i, new ConfigurationId("R1.p1"))));
        Assert.False(history.Add(new Fail(p, 2, 2, new ConfigurationId("R1.p1"))), "an event of p1 read again (a stream started over) is not added");
        Assert.True(history.Add(new Fail(q, 0, 0, new ConfigurationId("R1.p1"))));
        var snapshot = history.Snapshot();
        Assert.Equal([(p, 2L), (p, 3L), (q, 0L)], snapshot.Events.Select(e => (e.Process, e.Index)));
        Assert.Equal(2, snapshot.LeftOut);
        Assert.Equal([new ProcessCount("p1", 4), new ProcessCount("p2", 1)], snapshot.Processes);
    }

    [Fact]
    public void The_history_follows_at_most_its_most_processes_and_counts_the_events_of_any_more_as_left_out()
    {
        var history = new LiveHistory(capacity: 10);
        for (int i = 0; i < LiveHistory.MostProcesses; i++) history.Add(new Fail(new ProcessId($"p{i}"), 0, 0, new ConfigurationId("R1.p0")));
        Assert.False(history.Add(new Fail(new ProcessId("one-too-many"), 0, 0, new ConfigurationId("R1.p0"))));
        Assert.True(history.Add(new Fail(new ProcessId("p0"), 1, 1, new ConfigurationId("R1.p0"))), "a process already followed goes on");
        var snapshot = history.Snapshot();
        Assert.Equal(LiveHistory.MostProcesses, snapshot.Processes.Count);
        Assert.Equal(LiveHistory.MostProcesses + 1 - 10 + 1, snapshot.LeftOut); // pushed out by the capacity, and the stranger
    }

    [Fact]
    public async Task A_streams_lines_are_read_whole_with_their_endings_and_one_longer_than_the_bound_is_refused()
    {
        var lines = new BoundedLines(new StringReader("first\r\nsecond\n" + new string('x', 5000) + "\nlast"), mostCharacters: 6000);
        Assert.Equal("first", await lines.NextAsync(CancellationToken.None));
        Assert.Equal("second", await lines.NextAsync(CancellationToken.None));
        Assert.Equal(5000, (await lines.NextAsync(CancellationToken.None))!.Length); // longer than one read of the buffer
        Assert.Equal("last", await lines.NextAsync(CancellationToken.None));
        Assert.Null(await lines.NextAsync(CancellationToken.None));

        var endless = new BoundedLines(new StringReader(new string('x', 20_000)), mostCharacters: 10_000);
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => endless.NextAsync(CancellationToken.None));
        Assert.Contains("longer than 10,000 characters", refused.Message);
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void Truncate(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(length);
    }
}
