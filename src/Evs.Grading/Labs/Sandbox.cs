// Grading in a sandbox: the student's compiled library runs in a child process (SandboxChild, run
// as `evs lab grade-child`), never in the grader's. A loop that never ends, a stack overflow or
// running out of memory then ends a child, which the grader sees and reports as the "runs" row's
// failure on the schedule that was running, to save and replay like any other; and the grader
// goes on with a new child from the next schedule, the rows adding up across children. The
// child says when each schedule starts and when it was judged (ChildProtocol.cs), so the
// grader always knows which one it was on.
using System.Diagnostics;
using System.Text.Json;

namespace Evs.Grading.Labs;

/// <summary>Runs a lab's schedules in grading children, one after another, until all ran or there is nothing more to learn.</summary>
public static class Sandbox
{
    /// <summary>Bytes in a megabyte, for the memory limit.</summary>
    public const long Megabyte = 1024 * 1024;

    /// <summary>
    /// How long a child may take to start its first schedule: loading the library and drawing the
    /// schedules, only the grader's code, which takes a second or two; generous for a loaded machine,
    /// and not the schedule's limit, which a test may set to a few seconds.
    /// </summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The rows of <paramref name="request"/> run on <paramref name="compiled"/> within
    /// <paramref name="options"/>' limits; <paramref name="studentClasses"/> (<c>AruRule</c>) are
    /// the classes a stack overflow is looked for in, and <paramref name="progress"/> hears each
    /// schedule's index as it starts.
    /// </summary>
    /// <exception cref="TimeoutException">The runs took longer than <see cref="GradingOptions.Limit"/>.</exception>
    /// <exception cref="GradingChildException">A child could not start, or ended while no schedule ran.</exception>
    public static RunOutcome Run(CompiledLibrary compiled, LabRequest request, GradingOptions options, IReadOnlyCollection<string> studentClasses, Action<int> progress)
    {
        var rows = new LabRunner.Rows(request.Judge, request.Cases);
        var clock = Stopwatch.StartNew();
        var pending = request;
        while (!Done(rows, pending))
        {
            using var child = GradingChildProcess.Start(options.Child, options.MemoryLimitMegabytes, new ChildRequest(compiled.Image, compiled.Symbols, pending));
            pending = Follow(child, pending, rows, options, clock, studentClasses, progress);
        }
        return new RunOutcome(rows.ToArray(), pending.From);
    }

    // Reads one child's lines into the rows until the grade is done or the child has ended;
    // returns what is left to run.
    private static LabRequest Follow(GradingChildProcess child, LabRequest pending, LabRunner.Rows rows, GradingOptions options,
        Stopwatch clock, IReadOnlyCollection<string> studentClasses, Action<int> progress)
    {
        ScheduleStarted? running = null;
        while (!Done(rows, pending))
        {
            var limit = running is null ? StartLimit : options.ScheduleLimit;
            var overall = options.Limit - clock.Elapsed;
            var read = child.Next(overall < limit ? overall : limit, out var text);
            if (read == ChildRead.TimedOut && clock.Elapsed >= options.Limit)
                throw new TimeoutException($"the runs did not finish within {options.Limit.TotalSeconds:N0} s; {Naming(running)} was still running");
            if (read != ChildRead.Line)
            {
                if (read == ChildRead.TimedOut) child.Kill();
                if (running is null) throw Outside(child, pending, read);
                var how = read == ChildRead.TimedOut ? ChildEnding.TimedOut(options.ScheduleLimit) : Ended(child, studentClasses, options);
                return Died(running, $"{Naming(running)} ended the grading process: {how}", pending, rows);
            }
            switch (Parse(text!))
            {
                case ScheduleStarted started:
                    running = started;
                    if (started.Index >= 0) progress(started.Index);
                    break;
                case ScheduleJudged judged when HandCases.Of(judged.Index) is { } handCase && handCase.OwnRow() is null:
                    foreach (var judgement in judged.Judgements.Where(j => rows.Judges(j.Spec))) rows.RecordCase(judgement.Spec, judgement.Failure);
                    pending = After(judged.Index, pending);
                    running = null;
                    break;
                case ScheduleJudged judged:
                    rows.Record(judged.Index, running?.Schedule, judged.Judgements);
                    pending = After(judged.Index, pending);
                    running = null;
                    break;
            }
        }
        return pending;
    }

    // Whether the grade is done: every schedule ran, there is nothing more to learn, or the caller
    // (the mutation grader) wanted only the first failure.
    private static bool Done(LabRunner.Rows rows, LabRequest pending) =>
        rows.NothingMoreToLearn || (pending.StopAtFirstFailingSchedule && rows.AScheduleFailed) || (pending.Cases.IsEmpty && pending.From >= pending.Count);

    // What is left to run once schedule `index`, or a case played by hand (its index is negative), is done with.
    private static LabRequest After(int index, LabRequest pending) =>
        HandCases.Of(index) is { } handCase ? pending with { Cases = pending.Cases.Remove(handCase) } : pending with { Cases = [], From = index + 1 };

    // The child died on `running`: its row ("runs", or a case's own row) fails there.
    private static LabRequest Died(ScheduleStarted running, string failure, LabRequest pending, LabRunner.Rows rows)
    {
        var handCase = HandCases.Of(running.Index);
        if (handCase is { } counted && counted.OwnRow() is null) rows.RecordCase(LabRunner.NoException, counted.Story() + failure);
        else rows.Record(running.Index, running.Schedule, [new Judgement(handCase?.OwnRow()?.Spec ?? LabRunner.NoException, failure)]);
        return After(running.Index, pending);
    }

    private static string Naming(ScheduleStarted? running) =>
        running is null ? "the grading child's start (before any schedule)"
        : HandCases.Of(running.Index) is { } handCase ? handCase.Name()
        : $"schedule {running.Index}";

    private static string Ended(GradingChildProcess child, IReadOnlyCollection<string> studentClasses, GradingOptions options)
    {
        var (code, errors) = child.Ending();
        return ChildEnding.Describe(code, errors, studentClasses, options.MemoryLimitMegabytes);
    }

    // Before its first schedule, or between two, only the grading code runs in a child: an end
    // there is the grader's trouble, not a verdict on the student's code.
    private static GradingChildException Outside(GradingChildProcess child, LabRequest pending, ChildRead read)
    {
        if (read == ChildRead.TimedOut)
            return new GradingChildException($"the grading child did not start schedule {pending.From} within {StartLimit.TotalSeconds:N0} s");
        var (code, errors) = child.Ending();
        return new GradingChildException($"the grading child ended with exit code {code} before schedule {pending.From} started" +
            (errors.Count == 0 ? "" : ":\n" + string.Join("\n", errors.TakeLast(10))));
    }

    private static ChildLine Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<ChildLine>(line) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new GradingChildException($"the grading child wrote a line that is not one of its protocol ({e.Message}): {(line.Length > 200 ? line[..200] + "…" : line)}");
        }
    }
}
