// The runtime's event loop (src/Evs.Runtime/EventLoop): the node must see one input at a time, in the
// order they arrived, whichever thread brings them; and nothing may run once the loop is closed.
using Evs.Runtime;
using Xunit;

namespace SpecTests.Runtime;

public class EventLoopTests
{
    [Fact]
    public void Inputs_posted_from_many_threads_run_one_at_a_time_and_each_thread_s_in_the_order_it_posted()
    {
        const int Threads = 4, PerThread = 20_000;
        int running = 0, overlaps = 0;
        var seen = new List<(int Thread, int N)>();
        var loop = new EventLoop<(int Thread, int N)>(input =>
        {
            if (Interlocked.Increment(ref running) != 1) Interlocked.Increment(ref overlaps);
            seen.Add(input);
            Interlocked.Decrement(ref running);
        });

        var posters = Enumerable.Range(0, Threads)
            .Select(t => new Thread(() => { for (int n = 0; n < PerThread; n++) loop.Post((t, n)); }))
            .ToList();
        posters.ForEach(p => p.Start());
        posters.ForEach(p => p.Join());

        Assert.Equal(0, overlaps);
        Assert.Equal(Threads * PerThread, seen.Count);
        for (int t = 0; t < Threads; t++)
            Assert.Equal(Enumerable.Range(0, PerThread), seen.Where(s => s.Thread == t).Select(s => s.N));
    }

    [Fact]
    public void An_input_posted_while_one_runs_runs_after_it_on_the_same_thread_not_inside_it()
    {
        var log = new List<string>();
        EventLoop<string>? loop = null;
        loop = new EventLoop<string>(input =>
        {
            log.Add($"begin {input}");
            if (input == "first") loop!.Post("second");
            log.Add($"end {input}");
        });

        loop.Post("first");

        Assert.Equal(["begin first", "end first", "begin second", "end second"], log);
    }

    [Fact]
    public async Task After_close_nothing_more_runs_and_what_was_queued_is_left_to_take()
    {
        var ran = new List<int>();
        EventLoop<int>? loop = null;
        loop = new EventLoop<int>(input =>
        {
            ran.Add(input);
            if (input == 1)
            {
                loop!.Post(2);
                loop.Post(3);
                _ = loop.Close();
            }
        });

        loop.Post(1);
        await loop.Close();

        Assert.Equal([1], ran);
        Assert.True(loop.IsClosed);
        Assert.False(loop.Post(4));
        Assert.Equal([2, 3], loop.TakeLeft());
    }
}
