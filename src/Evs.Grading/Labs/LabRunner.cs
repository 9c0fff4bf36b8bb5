// The grading proper, run next to the student's compiled library in the grading child: the fault
// schedules of the specification properties (FaultSchedules.WithFaults, drawn from a fixed seed),
// each through the simulator, each run judged exactly as the properties judge it
// (GeneratedScenario's Report, FilteredResult, and ResultWith a primary component algorithm), each
// judgement written as it is made. This code is loaded a second time, into the load context where
// "Evs.Reference" is the student's build, so every call it makes into the library reaches the
// student's class. The rows that add the
// judgements up (Rows, below) are kept by the grader, which outlives any child.
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
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
    /// <summary>The row of runs that ended with an exception, or ended the grading child (a loop that never ends, a stack overflow, no memory left).</summary>
    public const string NoException = "runs";

    /// <summary>The row of runs that did not become quiescent.</summary>
    public const string Settles = "settles";

    /// <summary>The size FsCheck draws the schedules at, as the properties sample them.</summary>
    private const int Size = 10;

    /// <summary>
    /// The entry point the grading child calls by reflection across the load contexts, so it takes
    /// and gives only strings: a <see cref="LabRequest"/> in JSON, and through <paramref name="write"/>
    /// one <see cref="ChildLine"/> in JSON as each schedule starts and as it is judged.
    /// </summary>
    public static void Run(string requestJson, Action<string> write)
    {
        var request = JsonSerializer.Deserialize<LabRequest>(requestJson)!;
        Grade(request, line => write(JsonSerializer.Serialize(line)));
    }

    /// <summary>
    /// Runs and judges <paramref name="request"/>'s schedules, from <see cref="LabRequest.From"/> to
    /// the last (the grader stops the child once there is nothing more to learn), telling
    /// <paramref name="report"/> as each starts and as it is judged.
    /// </summary>
    public static void Grade(LabRequest request, Action<ChildLine> report)
    {
        ActivateMutant(request.Mutant);
        foreach (var handCase in request.Cases)
        {
            report(new ScheduleStarted(handCase.Index(), null));
            report(new ScheduleJudged(handCase.Index(), Play(handCase, request)));
        }
        var schedules = request.Replay is { } one ? [new GeneratedScenario(one.Json, one.Seed)] : Draw(request.Schedules, request.BaseSeed);
        var rows = new Rows(request.Judge, request.Cases);
        bool described = false;
        for (int i = request.From; i < schedules.Length; i++)
        {
            var run = schedules[i];
            report(new ScheduleStarted(i, new Schedule(run.Json, run.Seed)));
            var judgements = JudgeOne(run, request, ref described);
            report(new ScheduleJudged(i, judgements));
            rows.Record(i, null, judgements);
            if (request.StopAtFirstFailingSchedule && rows.AScheduleFailed) return;
        }
    }

    // A library compiled with a mutant schema has a switch (Mutation/MutantSwitch); the reference has
    // none, and asking it for a mutant other than 0 is a mistake of the caller.
    private static void ActivateMutant(int mutant)
    {
        var type = typeof(SpecificationChecker).Assembly.GetType(Mutation.MutantSwitch.TypeName);
        if (type is null && mutant == 0) return;
        var active = type?.GetField("Active") ?? throw new InvalidOperationException($"mutant {mutant} asked of a library compiled without mutants");
        active.SetValue(null, mutant);
    }

    /// <summary>The <paramref name="count"/> schedules a grade with base seed <paramref name="seed"/> runs, in order.</summary>
    public static GeneratedScenario[] Draw(int count, ulong seed) =>
        FaultSchedules.WithFaults.Generator.Sample(count, new Rnd(seed), Size);

    // One schedule run and judged: the row of runs without an exception, then, if it ended,
    // whether it settled, and, if it did, every specification. Only a row's first failure is
    // shown, and reading the symbols for a stack trace is slow: only this child's first exception
    // is described, later ones are named.
    private static ImmutableArray<Judgement> JudgeOne(GeneratedScenario run, LabRequest request, ref bool described)
    {
        try
        {
            var (quiescent, report) = Judge(run, request);
            if (!quiescent)
                return [new(NoException, null), new(Settles, "the run never became quiescent: some message stayed undelivered, or the processes never agreed on one ring")];
            return
            [
                new(NoException, null), new(Settles, null),
                .. report.Verdicts.Select(v => new Judgement(v.Spec, v.Violation is { } x ? $"{x.Message} (trace events {string.Join(", ", x.Events)})" : null)),
            ];
        }
        catch (Exception e)
        {
            var failure = described ? e.GetType().Name : Describe(e, request.StudentFiles);
            described = true;
            return [new(NoException, failure)];
        }
    }

    // A case played by hand, once, before the schedules; its judgements have no schedule to replay.
    private static ImmutableArray<Judgement> Play(HandCase handCase, LabRequest request) => handCase switch
    {
        HandCase.Section32 => [PlaySection32Case(request)],
        HandCase.Partition => PlayPartitionCase(request),
        HandCase.Voting => PlayVotingCase(request),
        HandCase.Membership => [PlayMembershipCase(request)],
        _ => throw new ArgumentOutOfRangeException(nameof(handCase), handCase, "not a case played by hand"),
    };

    // The case of Section 3.2, once, before the schedules: its row has no schedule to replay.
    private static Judgement PlaySection32Case(LabRequest request)
    {
        try
        {
            return new(Section32Case.Spec, Section32Case.Check());
        }
        catch (Exception e)
        {
            return new(Section32Case.Spec, Describe(e, request.StudentFiles));
        }
    }

    // Totem's membership rules, once, before the schedules: like the case of Section 3.2, its row has no schedule to replay.
    private static Judgement PlayMembershipCase(LabRequest request)
    {
        try
        {
            return new(MembershipCase.Spec, MembershipCase.Check());
        }
        catch (Exception e)
        {
            return new(MembershipCase.Spec, Describe(e, request.StudentFiles));
        }
    }

    // The filter's partition case, once, before the schedules: its judgements count as a case
    // played by hand, apart from the schedules (Rows.RecordCase).
    private static ImmutableArray<Judgement> PlayPartitionCase(LabRequest request)
    {
        try
        {
            var (report, history) = PartitionCase.Check();
            return
            [
                new(NoException, null),
                .. report.Verdicts.Select(v => new Judgement(v.Spec, v.Violation is { } x
                    ? $"{PartitionCase.Story}\n{x.Message} (events {string.Join(", ", x.Events)}).\nThe history your filters made of it:\n  {string.Join("\n  ", history)}"
                    : null)),
            ];
        }
        catch (Exception e)
        {
            return [new(NoException, $"{PartitionCase.Story}\n{Describe(e, request.StudentFiles)}")];
        }
    }

    // Dynamic linear voting's splits, once, before the schedules: the verdict counts as a case
    // played by hand in the row of Uniqueness; an exception, as one failed case in the row of runs.
    private static ImmutableArray<Judgement> PlayVotingCase(LabRequest request)
    {
        try
        {
            return [new(NoException, null), new(VotingCase.Spec, VotingCase.Check()), new(VotingCase.ProgressSpec, VotingCase.CheckProgress())];
        }
        catch (Exception e)
        {
            return [new(NoException, $"In the case played by hand (src/Evs.Grading/Labs/VotingCase.cs):\n{Describe(e, request.StudentFiles)}")];
        }
    }

    // As SpecificationProperties and VirtualSynchronyProperties judge a run; a replay also keeps its traces.
    private static (bool Quiescent, CheckReport Report) Judge(GeneratedScenario run, LabRequest request)
    {
        switch (request.Judge)
        {
            case Labs.Judge.VirtualSynchrony:
                var filtered = run.FilteredResult;
                if (request.TracePath is { } path) Write(filtered, path);
                var conditions = VirtualSynchronyChecker.Check(filtered.VirtualSynchrony!).Verdicts
                    .Append(new SpecVerdict(Rule3OneProcessPerView.Spec, Rule3OneProcessPerView.Title, Rule3OneProcessPerView.Check(filtered.VirtualSynchrony!)));
                return (filtered.Summary.Quiescent, new CheckReport([.. conditions]));
            case Labs.Judge.PrimaryComponent:
                // The run's primary component algorithm is the filter's, chosen by the seed, so
                // that the replay and drawing commands (ReplayCommands) can name it.
                var withPrimary = run.ResultWith(run.FilterAlgorithm);
                if (request.TracePath is { } primaryPath) Write(withPrimary, primaryPath);
                var verdicts = SpecificationChecker.Check(withPrimary.Trace).Verdicts
                    .Append(new SpecVerdict(PrimaryProgress.Spec, PrimaryProgress.Title, PrimaryProgress.Check(withPrimary, run.Scenario.Processes)));
                return (withPrimary.Summary.Quiescent, new CheckReport([.. verdicts]));
            default:
                if (request.TracePath is { } tracePath) Write(run.Result, tracePath);
                return (run.Result.Summary.Quiescent, run.Report);
        }
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
        // A static constructor that threw is reported by the runtime at the first use of its class,
        // with the caller's stack; the exception it threw, inside, names the constructor.
        if (e is TypeInitializationException { InnerException: { } thrown }) e = thrown;
        var frames = new StackTrace(e, fNeedFileInfo: true).GetFrames();
        var theirs = frames.FirstOrDefault(f => f.GetFileName() is { } file && studentFiles.Contains(file));
        var what = $"{e.GetType().Name}: {e.Message}{(e is OutOfMemoryException ? OutOfMemory() : "")}";
        if (theirs is null) return $"{what}\n  thrown at {Location(frames.FirstOrDefault())}";
        var thrower = frames.FirstOrDefault();
        return thrower == theirs
            ? $"your {MethodName(theirs)} threw {what}\n  at {Location(theirs)}"
            : $"{what}\n  thrown at {Location(thrower)}\n  called from your {MethodName(theirs)} at {Location(theirs)}";
    }

    private static string MethodName(StackFrame frame) => frame.GetMethod() switch
    {
        ConstructorInfo { IsStatic: true } c => $"{c.DeclaringType?.Name}'s static constructor",
        ConstructorInfo c => $"{c.DeclaringType?.Name} constructor",
        { } m => $"{m.DeclaringType?.Name}.{m.Name}",
        null => "code",
    };

    // The grading child's heap is limited (Sandbox): say by how much, and what usually fills it.
    private static string OutOfMemory() =>
        $" (the grading process may use {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / Sandbox.Megabyte:N0} MB: does a collection grow without end?)";

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
        /// specification, with the rows of the <paramref name="cases"/> played by hand that have one of
        /// their own first (<see cref="HandCases.OwnRow"/>).
        /// </summary>
        public Rows(Judge judge, IEnumerable<HandCase> cases)
        {
            var specs = Specs(judge);
            _order = [NoException, Settles, .. specs];
            _rows[NoException] = new Row(NoException, "every run ends in time, without an exception or a crash", 0, 0, null);
            _rows[Settles] = new Row(Settles, "every run becomes quiescent: one ring of the live processes, every message delivered", 0, 0, null);
            foreach (var verdict in Titles(judge).Verdicts.Where(v => specs.Contains(v.Spec)))
                _rows[verdict.Spec] = new Row(verdict.Spec, verdict.Title, 0, 0, null);
            if (judge == Labs.Judge.PrimaryComponent)
            {
                _order.Add(PrimaryProgress.Spec);
                _rows[PrimaryProgress.Spec] = new Row(PrimaryProgress.Spec, PrimaryProgress.Title, 0, 0, null);
            }
            if (judge == Labs.Judge.VirtualSynchrony)
            {
                _order.Add(Rule3OneProcessPerView.Spec);
                _rows[Rule3OneProcessPerView.Spec] = new Row(Rule3OneProcessPerView.Spec, Rule3OneProcessPerView.Title, 0, 0, null);
            }
            foreach (var (spec, title) in cases.Reverse().Select(c => c.OwnRow()).OfType<(string, string)>())
            {
                _order.Insert(0, spec);
                _rows[spec] = new Row(spec, title, 0, 0, null);
            }
        }

        // The rows of each judge: the primary component specifications only where an algorithm
        // decides them (without one they hold vacuously), and only they, since that lab's classes
        // decide nothing else; that lab adds PrimaryProgress's row after them, as they are safety only.
        private static IReadOnlyList<string> Specs(Judge judge) => judge switch
        {
            Labs.Judge.VirtualSynchrony => VirtualSynchronyChecker.ConditionNames,
            Labs.Judge.PrimaryComponent => SpecificationChecker.SpecNames.Where(IsPrimaryComponent).ToList(),
            _ => SpecificationChecker.SpecNames.Where(s => !IsPrimaryComponent(s)).ToList(),
        };

        private static bool IsPrimaryComponent(string spec) => spec.StartsWith("PC.", StringComparison.Ordinal);

        // The checkers name their specifications in their verdicts; an empty history has a verdict on each.
        private static CheckReport Titles(Judge judge) => judge == Labs.Judge.VirtualSynchrony
            ? VirtualSynchronyChecker.Check(new VsTrace(new VsTraceHeader("titles", null, null, true), []))
            : SpecificationChecker.Check(new EvsTrace(new TraceHeader("titles", null, null, true), []));

        /// <summary>Whether a verdict on <paramref name="spec"/> is one of this grade's rows.</summary>
        public bool Judges(string spec) => _rows.ContainsKey(spec);

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

        /// <summary>The judgements of schedule <paramref name="index"/> that are rows of this grade (a checker may judge more).</summary>
        public void Record(int index, Schedule? schedule, IEnumerable<Judgement> judgements)
        {
            foreach (var judgement in judgements.Where(j => Judges(j.Spec))) Record(judgement.Spec, index, schedule, judgement.Failure);
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
