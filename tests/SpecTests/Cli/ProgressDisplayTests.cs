// The progress display of long commands (src/Evs.Cli/Commands/ProgressDisplay.cs, compiled in),
// as a unit: work that ends within its moment shows nothing; work that outlasts it is shown in
// plain lines from where its count was to where it ended; the work's exception is the caller's.
// The work here waits for the test, so what is shown does not depend on how fast a machine is.
using Evs.Cli.Commands;
using Xunit;

namespace SpecTests.Cli;

public sealed class ProgressDisplayTests
{
    [Fact]
    public async Task Work_that_ends_within_its_moment_shows_nothing()
    {
        var lines = new StringWriter();
        // Long enough for a display that did not wait to show a line or two; far within the moment.
        int result = await ProgressDisplay.ShowAsync(async display =>
        {
            var virtualTime = display.Count("virtual time", 500, " ms");
            await Task.Delay(300);
            virtualTime.Set(500);
            return 42;
        }, TimeSpan.FromMinutes(1), lines);

        Assert.Equal(42, result);
        Assert.Equal("", lines.ToString());
    }

    [Fact]
    public async Task Work_that_outlasts_its_moment_shows_a_line_where_its_count_was_and_one_where_it_ended()
    {
        // The display writes from its own thread; a synchronized writer locks itself for each write.
        var written = new StringWriter();
        var lines = TextWriter.Synchronized(written);
        string Written()
        {
            lock (lines) return written.ToString();
        }
        var release = new TaskCompletionSource();
        var shown = ProgressDisplay.ShowAsync(async display =>
        {
            var schedules = display.Count("schedule", 200);
            await release.Task;
            for (int i = 1; i <= 200; i++) schedules.Set(i);
            return true;
        }, TimeSpan.FromMilliseconds(10), lines);

        var deadline = DateTime.UtcNow + EvsProcess.Patience;
        while (!Written().Contains("schedule 0/200", StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(10);
        release.SetResult();
        await shown;

        Assert.Equal(["schedule 0/200", "schedule 200/200"], Written().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task The_work_s_exception_is_the_caller_s()
    {
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ProgressDisplay.ShowAsync<int>(_ => throw new InvalidOperationException("on purpose"), null, new StringWriter()));
        Assert.Equal("on purpose", thrown.Message);
    }
}
