// The soak behind `evs soak` (Soak, SoakJudges), in process: each schedule is drawn from a seed of
// its own, so that a failure's rerun command runs exactly it again; a failure names its seeds and
// that command; the report is in the order of the schedules however many workers ran them; a
// schedule that throws fails in a row of its own and the soak goes on. The judge that rejects here
// is a real judgement on the trace, one the protocol does not promise: "no process ever fails".
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Xunit;

namespace SpecTests.Properties;

public class SoakTests
{
    private const ulong Seed = 16;

    /// <summary>A judge that rejects every run in which some process fails, and keeps each trace it judged as text, by run seed.</summary>
    private sealed class NoProcessFails
    {
        public ConcurrentDictionary<long, string> TracesJudged { get; } = new();

        public ImmutableArray<SoakProblem> Judge(GeneratedScenario run)
        {
            TracesJudged[run.Seed] = TraceText(run.Result.Trace);
            return run.Result.Trace.Events.OfType<Fail>().FirstOrDefault() is { } fail
                ? [new SoakProblem("no process fails", $"{fail.Process} fails at {fail.Time} ms")]
                : [];
        }
    }

    /// <summary>The trace as `evs sim --trace` writes it.</summary>
    public static string TraceText(EvsTrace trace)
    {
        using var bytes = new MemoryStream();
        using (var writer = new TraceWriter(bytes, ownsStream: false))
        {
            writer.WriteHeader(trace.Header);
            foreach (var e in trace.Events) writer.Write(e);
        }
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    [Fact]
    public void Schedule_i_is_the_same_whichever_schedules_run_around_it_and_its_neighbours_differ()
    {
        var drawn = new ConcurrentDictionary<long, string>();
        SoakJudge record = run =>
        {
            drawn[run.Seed] = run.Json;
            return [];
        };
        Soak.Run(new SoakOptions(6, Seed, From: 0, Workers: 2, Primary: null), record);
        var all = Enumerable.Range(0, 6).Select(i => Soak.Draw(Seed, i)).ToList();
        Assert.Equal(6, all.Select(r => r.Json).Distinct().Count());
        Assert.All(all, run => Assert.Equal(run.Json, drawn[run.Seed]));

        var alone = Soak.Draw(Seed, 4);
        Assert.Equal((all[4].Json, all[4].Seed), (alone.Json, alone.Seed));
        Assert.NotEqual(Soak.ScheduleSeed(Seed, 4), Soak.ScheduleSeed(Seed + 1, 4));
    }

    [Fact]
    public void A_rejected_schedule_is_reported_with_its_seeds_and_a_command_that_reruns_the_same_schedule_to_the_same_trace()
    {
        var judge = new NoProcessFails();
        var soak = new SoakOptions(12, Seed, From: 0, Workers: 2, Primary: null);
        var report = Soak.Run(soak, judge.Judge);

        Assert.False(report.Passed);
        Assert.Equal(report.Failures.OrderBy(f => f.Index).Select(f => f.Index), report.Failures.Select(f => f.Index));
        var failure = report.Failures[0];
        Assert.Equal(Soak.ScheduleSeed(Seed, failure.Index), failure.ScheduleSeed);
        Assert.Equal($"evs soak --schedules 1 --seed {Seed} --from {failure.Index}", failure.SoakCommand(soak));
        Assert.Equal("no process fails", Assert.Single(failure.Problems).Row);
        Assert.Equal(report.Failures.Length, report.FailuresOf("no process fails"));

        var rerun = Soak.Run(Rerun(failure.SoakCommand(soak)), new NoProcessFails().Judge);
        var again = Assert.Single(rerun.Failures);
        Assert.Equal((failure.Index, failure.ScheduleSeed, failure.Run.Json, failure.Run.Seed), (again.Index, again.ScheduleSeed, again.Run.Json, again.Run.Seed));
        Assert.Equal(failure.Problems.ToArray(), again.Problems.ToArray());
        Assert.Equal(judge.TracesJudged[failure.Run.Seed], TraceText(again.Run.Result.Trace));
    }

    [Fact]
    public void With_a_primary_component_algorithm_the_rerun_command_names_it()
    {
        var soak = new SoakOptions(1, Seed, From: 3, Workers: 1, Primary: "dynamic-linear-voting");
        var report = Soak.Run(soak, _ => [new SoakProblem("always", "rejected")]);
        Assert.Equal($"evs soak --schedules 1 --seed {Seed} --from 3 --primary dynamic-linear-voting", Assert.Single(report.Failures).SoakCommand(soak));
    }

    [Fact]
    public void A_schedule_whose_judge_throws_fails_in_the_row_runs_and_the_soak_goes_on()
    {
        var report = Soak.Run(new SoakOptions(5, Seed, From: 10, Workers: 2, Primary: null), _ => throw new InvalidOperationException("broken judge"));
        Assert.Equal([10L, 11, 12, 13, 14], report.Failures.Select(f => f.Index));
        Assert.All(report.Failures, f => Assert.Equal(new SoakProblem(SoakJudges.Runs, "InvalidOperationException: broken judge"), Assert.Single(f.Problems)));
    }

    [Fact]
    public void The_judge_of_evs_soak_passes_a_run_of_the_reference_and_with_a_primary_judges_the_filtered_run_too()
    {
        var run = Soak.Draw(Seed, 0);
        Assert.Empty(SoakJudges.Specifications(null)(run));
        Assert.Empty(SoakJudges.Specifications("majority")(run));
        Assert.Contains("C1", SoakJudges.RowsOf("majority"));
        Assert.Contains("PC.1 (majority)", SoakJudges.RowsOf("majority"));
        Assert.DoesNotContain("C1", SoakJudges.RowsOf(null));
    }

    // The options of an `evs soak` command line as the soak's failures print it.
    private static SoakOptions Rerun(string command)
    {
        var words = command.Split(' ');
        Assert.Equal(["evs", "soak"], words[..2]);
        string Value(string option) => words[Array.IndexOf(words, option) + 1];
        return new SoakOptions(long.Parse(Value("--schedules")), ulong.Parse(Value("--seed")), long.Parse(Value("--from")), Workers: 1,
            Primary: words.Contains("--primary") ? Value("--primary") : null);
    }
}
