// The grading proper, run next to the student's compiled library: the fault schedules of the
// specification properties (FaultSchedules.WithFaults, drawn from a fixed seed), each through the
// simulator, each run judged exactly as the properties judge it (GeneratedScenario's Report and
// FilteredResult). This code is loaded a second time, into the load context where "Evs.Reference"
// is the student's build, so every call it makes into the library reaches the student's class.
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Evs.Grading.Schedules;
using Evs.Reference.Checking;
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.Simulation;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;
using FsCheck;
using FsCheck.Fluent;

namespace Evs.Grading.Labs;

/// <summary>Runs a lab's schedules on whatever Evs.Reference this assembly was loaded next to.</summary>
public static class LabRunner
{
    /// <summary>The row of runs that ended with an exception.</summary>
    public const string NoException = "runs";

    /// <summary>The row of runs that did not become quiescent.</summary>
    public const string Settles = "settles";

    /// <summary>The size FsCheck draws the schedules at, as the properties sample them.</summary>
    private const int Size = 10;

    /// <summary>
    /// The entry point the grader calls by reflection across the load contexts, so it takes and
    /// gives only strings: a <see cref="LabRequest"/> in JSON, the rows in JSON.
    /// <paramref name="progress"/> hears each schedule's index as it starts.
    /// </summary>
    public static string Run(string requestJson, Action<int> progress)
    {
        var request = JsonSerializer.Deserialize<LabRequest>(requestJson)!;
        return JsonSerializer.Serialize(Grade(request, progress));
    }

    /// <summary>The rows of <paramref name="request"/>: every schedule run and judged, until all of them ran or there is nothing more to learn.</summary>
    public static RunOutcome Grade(LabRequest request, Action<int> progress)
    {
        var rows = new Rows(request.Judge, request.Section32);
        if (request.Section32) PlaySection32Case(rows, request);
        if (request.PartitionCase) PlayPartitionCase(rows, request);
        var schedules = request.Replay is { } one
            ? [new GeneratedScenario(one.Json, one.Seed)]
            : FaultSchedules.WithFaults.Generator.Sample(request.Schedules, new Rnd(request.BaseSeed), Size);
        int ran = 0;
        while (ran < schedules.Length && !rows.NothingMoreToLearn && !(request.StopAtFirstFailingSchedule && rows.AScheduleFailed))
        {
            int i = ran++;
            progress(i);
            var run = schedules[i];
            var schedule = new Schedule(run.Json, run.Seed);
            try
            {
                var (quiescent, report) = Judge(run, request);
                rows.Record(NoException, i, schedule, null);
                rows.Record(Settles, i, schedule, quiescent ? null : "the run never became quiescent: some message stayed undelivered, or the processes never agreed on one ring");
                if (!quiescent) continue;
                foreach (var verdict in report.Verdicts.Where(v => rows.Judges(v.Spec)))
                    rows.Record(verdict.Spec, i, schedule, verdict.Violation is { } v ? $"{v.Message} (trace events {string.Join(", ", v.Events)})" : null);
            }
            catch (Exception e)
            {
                // Only a row's first failure is shown, and reading the symbols for a stack trace
                // is slow: later exceptions are counted, not described.
                rows.Record(NoException, i, schedule, rows.HasFailed(NoException) ? e.GetType().Name : Describe(e, request.StudentFiles));
            }
        }
        return new RunOutcome(rows.ToArray(), ran);
    }

    // The case of Section 3.2, once, before the schedules: its row has no schedule to replay.
    private static void PlaySection32Case(Rows rows, LabRequest request)
    {
        try
        {
            rows.Record(Section32Case.Spec, 0, null, Section32Case.Check());
        }
        catch (Exception e)
        {
            rows.Record(Section32Case.Spec, 0, null, Describe(e, request.StudentFiles));
        }
    }

    // The filter's partition case, once, before the schedules: each condition's verdict on it counts
    // as one case played by hand in that condition's row; an exception, as one failed case in the
    // row of runs.
    private static void PlayPartitionCase(Rows rows, LabRequest request)
    {
        try
        {
            var (report, history) = PartitionCase.Check();
            rows.RecordCase(NoException, null);
            foreach (var verdict in report.Verdicts.Where(v => rows.Judges(v.Spec)))
                rows.RecordCase(verdict.Spec, verdict.Violation is { } v
                    ? $"{PartitionCase.Story}\n{v.Message} (events {string.Join(", ", v.Events)}).\nThe history your filters made of it:\n  {string.Join("\n  ", history)}"
                    : null);
        }
        catch (Exception e)
        {
            rows.RecordCase(NoException, $"{PartitionCase.Story}\n{Describe(e, request.StudentFiles)}");
        }
    }

    // As SpecificationProperties and VirtualSynchronyProperties judge a run; a replay also keeps its traces.
    private static (bool Quiescent, CheckReport Report) Judge(GeneratedScenario run, LabRequest request)
    {
        if (request.Judge == Labs.Judge.VirtualSynchrony)
        {
            var filtered = run.FilteredResult;
            if (request.TracePath is { } path) Write(filtered, path);
            return (filtered.Summary.Quiescent, VirtualSynchronyChecker.Check(filtered.VirtualSynchrony!));
        }
        if (request.TracePath is { } tracePath) Write(run.Result, tracePath);
        return (run.Result.Summary.Quiescent, run.Report);
    }

    private static void Write(SimulationResult result, string path)
    {
        using (var writer = new TraceWriter(File.Create(path)))
        {
            writer.WriteHeader(result.Trace.Header);
            foreach (var e in result.Trace.Events) writer.Write(e);
        }
        if (result.VirtualSynchrony is not { } vs) return;
        using var vsWriter = new VsTraceWriter(File.Create(VsTracePath(path)));
        vsWriter.WriteHeader(vs.Header);
        foreach (var e in vs.Events) vsWriter.Write(e);
    }

    /// <summary>Where a replay of the filter lab writes its virtual synchrony trace: beside the trace, <c>t.jsonl</c> → <c>t.vs.jsonl</c>.</summary>
    public static string VsTracePath(string tracePath) => Path.ChangeExtension(tracePath, ".vs.jsonl");

    /// <summary>
    /// An exception as a student needs it: which of their methods threw what, at which line; or,
    /// when it was thrown in the library, where, and through which of their methods it passed.
    /// </summary>
    public static string Describe(Exception e, IReadOnlyCollection<string> studentFiles)
    {
        var frames = new StackTrace(e, fNeedFileInfo: true).GetFrames();
        var theirs = frames.FirstOrDefault(f => f.GetFileName() is { } file && studentFiles.Contains(file));
        var what = $"{e.GetType().Name}: {e.Message}";
        if (theirs is null) return $"{what}\n  thrown at {Location(frames.FirstOrDefault())}";
        var thrower = frames.FirstOrDefault();
        return thrower == theirs
            ? $"your {MethodName(theirs)} threw {what}\n  at {Location(theirs)}"
            : $"{what}\n  thrown at {Location(thrower)}\n  called from your {MethodName(theirs)} at {Location(theirs)}";
    }

    private static string MethodName(StackFrame frame) =>
        frame.GetMethod() is { } m ? $"{m.DeclaringType?.Name}.{m.Name}" : "code";

    private static string Location(StackFrame? frame) =>
        frame is null ? "(no stack trace)"
        : frame.GetFileName() is { } file ? $"{file}:{frame.GetFileLineNumber()}"
        : frame.GetMethod() is { } m ? $"{m.DeclaringType?.FullName}.{m.Name}" : "(unknown)";

    /// <summary>The rows of a grade as they fill up, one per judged property, in the paper's order.</summary>
    public sealed class Rows
    {
        private readonly List<string> _order;
        private readonly Dictionary<string, Row> _rows = new();

        /// <summary>
        /// The rows a lab judged by <paramref name="judge"/> reports: no exception, settling, then each
        /// specification, and with <paramref name="section32"/> the case of Section 3.2 first.
        /// </summary>
        public Rows(Judge judge, bool section32 = false)
        {
            var specs = judge == Labs.Judge.VirtualSynchrony
                ? VirtualSynchronyChecker.ConditionNames
                : SpecificationChecker.SpecNames.Where(s => !s.StartsWith("PC.", StringComparison.Ordinal)).ToList();
            _order = [NoException, Settles, .. specs];
            _rows[NoException] = new Row(NoException, "every run ends without an exception", 0, 0, null);
            _rows[Settles] = new Row(Settles, "every run becomes quiescent: one ring of the live processes, every message delivered", 0, 0, null);
            foreach (var verdict in Titles(judge).Verdicts.Where(v => specs.Contains(v.Spec)))
                _rows[verdict.Spec] = new Row(verdict.Spec, verdict.Title, 0, 0, null);
            if (!section32) return;
            _order.Insert(0, Section32Case.Spec);
            _rows[Section32Case.Spec] = new Row(Section32Case.Spec, Section32Case.Title, 0, 0, null);
        }

        // The checkers name their specifications in their verdicts; an empty history has a verdict on each.
        private static CheckReport Titles(Judge judge) => judge == Labs.Judge.VirtualSynchrony
            ? VirtualSynchronyChecker.Check(new VsTrace(new VsTraceHeader("titles", null, null, true), []))
            : SpecificationChecker.Check(new Evs.Reference.Tracing.Trace(new TraceHeader("titles", null, null, true), []));

        /// <summary>Whether a verdict on <paramref name="spec"/> is one of this grade's rows.</summary>
        public bool Judges(string spec) => _rows.ContainsKey(spec);

        /// <summary>Whether <paramref name="spec"/>'s row has failed already (its first failure is the one shown).</summary>
        public bool HasFailed(string spec) => _rows[spec].FirstFailure is not null;

        /// <summary>
        /// Whether running on would teach nothing: every row has failed, or the first run already
        /// ended with an exception (the starter, or code that throws at once), which comes first.
        /// </summary>
        public bool NothingMoreToLearn =>
            _rows.Values.All(r => r.FirstFailure is not null) || _rows[NoException] is { FirstFailure: not null, Held: 0 };

        /// <summary>One judgement of row <paramref name="spec"/> on schedule <paramref name="index"/>: held when <paramref name="failure"/> is null.</summary>
        public void Record(string spec, int index, Schedule? schedule, string? failure)
        {
            var row = _rows[spec];
            _rows[spec] = row with
            {
                Judged = row.Judged + 1,
                Held = row.Held + (failure is null ? 1 : 0),
                FirstFailure = row.FirstFailure ?? (failure is null ? null : new Failure(index, schedule, failure)),
            };
        }

        /// <summary>One judgement of row <paramref name="spec"/> on a case played by hand: held when <paramref name="failure"/> is null.</summary>
        public void RecordCase(string spec, string? failure)
        {
            var row = _rows[spec];
            _rows[spec] = row with
            {
                CasesJudged = row.CasesJudged + 1,
                CasesHeld = row.CasesHeld + (failure is null ? 1 : 0),
                FirstFailure = row.FirstFailure ?? (failure is null ? null : new Failure(0, null, failure)),
            };
        }

        /// <summary>Whether some row failed on a schedule (not only on a case played by hand).</summary>
        public bool AScheduleFailed => _rows.Values.Any(r => r.Held < r.Judged);

        /// <summary>The rows, in order.</summary>
        public ImmutableArray<Row> ToArray() => [.. _order.Select(s => _rows[s])];
    }
}
