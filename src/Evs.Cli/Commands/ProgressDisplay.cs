// Progress where people wait (issue #14): `evs lab check`, `evs liveness`, `evs figures`,
// `evs bench` and long `evs sim` runs. On a terminal it is a Spectre.Console progress bar; when
// the output goes to a pipe, a file or a CI log, it is plain lines such as "schedule 50/200", one
// each tenth of the way, which a log keeps readable and a test can read. The work runs on its own
// thread and only sets numbers (ProgressCount); the display looks at them ten times a second, so
// a count may be set from any thread, as often as the work likes, at no cost to it.
using Spectre.Console;

namespace Evs.Cli.Commands;

/// <summary>One count that a command's work advances: "schedule 50/200", "virtual time 12,000/60,000 ms".</summary>
internal sealed class ProgressCount(string noun, double total, string unit)
{
    private double _value;

    /// <summary>What is counted, as the line names it: "schedule", "run", "virtual time".</summary>
    public string Noun { get; } = noun;

    /// <summary>The count at the end.</summary>
    public double Total { get; } = total;

    /// <summary>Said after the numbers (" ms", " s"), or nothing.</summary>
    public string Unit { get; } = unit;

    /// <summary>The count so far, never past <see cref="Total"/>.</summary>
    public double Value => Volatile.Read(ref _value);

    /// <summary>Sets the count (from any thread).</summary>
    public void Set(double value) => Volatile.Write(ref _value, Math.Clamp(value, 0, Total));

    /// <summary>Counts one more (from the one thread that does the counting).</summary>
    public void Increment() => Set(Value + 1);

    /// <summary>The count as a line says it: "schedule 50/200".</summary>
    public override string ToString() => $"{Noun} {Value:N0}/{Total:N0}{Unit}";
}

/// <summary>Shows the <see cref="ProgressCount"/>s of a command's work while it runs.</summary>
internal sealed class ProgressDisplay
{
    /// <summary>How often the display looks at the counts.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>How many plain lines a count gets on its way: one each tenth (and one at its start).</summary>
    private const int PlainSteps = 10;

    private readonly List<ProgressCount> _counts = [];

    private ProgressDisplay()
    {
    }

    /// <summary>
    /// Whether the output is a terminal that can redraw a bar. A pipe or a file gets plain lines,
    /// and so does a console that Spectre.Console finds not interactive.
    /// </summary>
    public static bool OnTerminal => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>A new count for the work to advance, shown from the display's next look on.</summary>
    public ProgressCount Count(string noun, double total, string unit = "")
    {
        var count = new ProgressCount(noun, total, unit);
        lock (_counts) _counts.Add(count);
        return count;
    }

    /// <summary>Runs <paramref name="work"/> on a thread of its own, showing its counts.</summary>
    public static void Show(Action<ProgressDisplay> work) => Show(display =>
    {
        work(display);
        return true;
    });

    /// <summary>
    /// Runs <paramref name="work"/> on a thread of its own, showing its counts (not before
    /// <paramref name="after"/>, see <see cref="ShowAsync"/>); returns what it returns.
    /// </summary>
    public static T Show<T>(Func<ProgressDisplay, T> work, TimeSpan? after = null) =>
        ShowAsync(display => Task.FromResult(work(display)), after).GetAwaiter().GetResult();

    /// <summary>
    /// Runs <paramref name="work"/>, showing its counts until it ends; shows nothing if it ends
    /// within <paramref name="after"/> (a run that lasts only a moment needs no bar). Its
    /// exception, if it throws, is this method's.
    /// </summary>
    public static Task<T> ShowAsync<T>(Func<ProgressDisplay, Task<T>> work, TimeSpan? after = null) =>
        ShowAsync(work, after, OnTerminal ? null : Console.Out);

    /// <summary>
    /// <see cref="ShowAsync{T}(Func{ProgressDisplay, Task{T}}, TimeSpan?)"/> with the plain lines
    /// written to <paramref name="lines"/>, or with bars on the terminal when it is null.
    /// </summary>
    public static async Task<T> ShowAsync<T>(Func<ProgressDisplay, Task<T>> work, TimeSpan? after, TextWriter? lines)
    {
        var display = new ProgressDisplay();
        var running = Task.Run(() => work(display));
        if (after is { } moment) await Task.WhenAny(running, Task.Delay(moment));
        if (!running.IsCompleted)
        {
            if (lines is null) await display.BarsAsync(running);
            else await display.LinesAsync(running, lines);
        }
        return await running;
    }

    private ProgressCount[] Counts()
    {
        lock (_counts) return [.. _counts];
    }

    // A Spectre.Console bar for each count, its line as the bar's description, until the work ends.
    private Task BarsAsync(Task running) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bars = new Dictionary<ProgressCount, ProgressTask>();
                while (true)
                {
                    foreach (var count in Counts())
                    {
                        if (!bars.TryGetValue(count, out var bar)) bars[count] = bar = context.AddTask(Markup.Escape(count.ToString()), maxValue: count.Total);
                        bar.Description = Markup.Escape(count.ToString());
                        bar.Value = count.Value;
                    }
                    if (running.IsCompleted) return;
                    await Task.WhenAny(running, Task.Delay(Tick));
                }
            });

    // A plain line for each count when it is first seen and each time it passes another tenth of
    // its total (if the line says something new); at the end, where each count ended, unless its
    // last line said so already.
    private async Task LinesAsync(Task running, TextWriter lines)
    {
        var shown = new Dictionary<ProgressCount, (int Tenth, string Line)>();
        while (!running.IsCompleted)
        {
            foreach (var count in Counts())
                if (!shown.TryGetValue(count, out var last) || (Tenth(count) > last.Tenth && count.ToString() != last.Line)) Print(count);
            await Task.WhenAny(running, Task.Delay(Tick));
        }
        foreach (var count in Counts())
            if (!shown.TryGetValue(count, out var last) || last.Line != count.ToString()) Print(count);

        void Print(ProgressCount count)
        {
            string line = count.ToString();
            lines.WriteLine(line);
            shown[count] = (Tenth(count), line);
        }
    }

    private static int Tenth(ProgressCount count) => count.Total > 0 ? (int)(count.Value / count.Total * PlainSteps) : PlainSteps;
}
