// `evs soak` (issue #16, item 2): the specification properties at scale. Generated fault schedules
// (those of the property tests) run through the simulator on every core, each run judged against
// every specification and, with --primary, the same schedule behind the virtual synchrony filter
// against the primary component properties and the conditions of virtual synchrony (Soak,
// SoakJudges). A progress bar while it runs; then a table of the failures per specification and
// the rate, and for every failing schedule its seeds, the command that reruns exactly it, and its
// scenario saved to a file with the commands that write and check its trace.
using System.CommandLine;
using System.Globalization;
using Evs.Grading.Schedules;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class SoakCommand
{
    public static Command Create()
    {
        var schedules = new Option<long>("--schedules") { Description = "How many generated fault schedules to run.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "The soak's seed: the same seed, the same schedules; schedule i is drawn from a seed of its own, derived from this one and i.", DefaultValueFactory = _ => 1 };
        var from = new Option<long>("--from") { Description = "The index of the first schedule (a failure's rerun command uses it to run that schedule alone).", DefaultValueFactory = _ => 0 };
        var workers = new Option<int>("--workers") { Description = "How many schedules run at once.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var primary = SimCommand.PrimaryOption();
        primary.Description = "Also run each schedule behind the virtual synchrony filter over this primary component algorithm, and judge PC.1, PC.2 and the conditions C1-C3, L1-L5 on that run.";
        var failures = new Option<DirectoryInfo>("--failures") { Description = "Where a failing schedule's scenario is saved, for `evs sim` to replay.", DefaultValueFactory = _ => new DirectoryInfo("soak-failures") };
        var command = new Command("soak", "Run many generated fault schedules through the simulator on every core, each run judged against every specification. Exit 0: every schedule passed; 1: some failed; 2: bad input.")
        {
            schedules, seed, from, workers, primary, failures,
        };
        command.SetAction(parse =>
        {
            if (Positive(parse.GetValue(schedules), "--schedules", "schedules") is not { } count
                || Positive(parse.GetValue(workers), "--workers", "workers") is not { } threads) return ExitCodes.BadInput;
            if (parse.GetValue(from) is var first && first < 0)
            {
                Console.WriteLine($"--from must be a schedule index, 0 or more, not {first}.");
                return ExitCodes.BadInput;
            }
            var options = new SoakOptions(count, parse.GetValue(seed), first, (int)threads, parse.GetValue(primary));
            return Run(options, parse.GetValue(failures)!);
        });
        return command;
    }

    // A count must be positive; otherwise a plain line naming the option, and null.
    private static long? Positive(long value, string option, string unit)
    {
        if (value > 0) return value;
        Console.WriteLine($"{option} must be a positive number of {unit}, not {value}.");
        return null;
    }

    private static int Run(SoakOptions options, DirectoryInfo failuresFolder)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: {options.Schedules:N0} schedules (#{options.From} to #{options.From + options.Schedules - 1}) from seed {options.Seed}, {options.Workers} at a time, judged by every specification") +
            (options.Primary is { } algorithm ? $" and, behind the virtual synchrony filter over {algorithm}, by PC.1, PC.2, C1-C3 and L1-L5" : ""));
        var report = ProgressDisplay.Show(display =>
        {
            var judged = display.Count("schedule", options.Schedules);
            return Soak.Run(options, SoakJudges.Specifications(options.Primary), n => judged.Set(n));
        });
        AnsiConsole.Write(Table(report));
        foreach (var failure in report.Failures) Explain(report, failure, failuresFolder);
        string rate = string.Create(CultureInfo.InvariantCulture,
            $"{options.Schedules:N0} schedules in {report.Elapsed.TotalSeconds:N1} s, {report.SchedulesPerSecond:N1} schedules/s");
        Console.WriteLine(report.Passed
            ? $"{rate}: every specification held"
            : $"{rate}: {report.Failures.Length:N0} failed");
        return report.Passed ? ExitCodes.Ok : ExitCodes.Violation;
    }

    // One row per thing judged, with how many schedules failed it; then the totals.
    private static Table Table(SoakReport report)
    {
        var table = new Table().AddColumn("judged").AddColumn(new TableColumn("schedules failed").RightAligned());
        foreach (var row in SoakJudges.RowsOf(report.Options.Primary))
        {
            int failed = report.FailuresOf(row);
            table.AddRow(Markup.Escape(row), failed == 0 ? "[green]0[/]" : $"[red]{failed:N0}[/]");
        }
        table.AddEmptyRow();
        table.AddRow("schedules", report.Options.Schedules.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("failed", report.Failures.Length.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("wall time", string.Create(CultureInfo.InvariantCulture, $"{report.Elapsed.TotalSeconds:N1} s"));
        table.AddRow("schedules/s", report.SchedulesPerSecond.ToString("N1", CultureInfo.InvariantCulture));
        return table;
    }

    // What failed and how to see it again; plain lines, never wrapped, so that they can be copied.
    private static void Explain(SoakReport report, SoakFailure failure, DirectoryInfo folder)
    {
        folder.Create();
        var file = Path.Combine(folder.FullName, $"seed-{report.Options.Seed}-schedule-{failure.Index}.json");
        File.WriteAllText(file, failure.Run.Json + "\n");
        // Relative to where the command runs, so that the lines below can be pasted there.
        var shown = Path.GetRelativePath(Environment.CurrentDirectory, file).Replace('\\', '/');
        Console.WriteLine($"✗ schedule #{failure.Index} (schedule seed {failure.ScheduleSeed}, run seed {failure.Run.Seed}):");
        foreach (var problem in failure.Problems) Console.WriteLine($"    {problem}");
        Console.WriteLine($"    rerun it:  {failure.SoakCommand(report.Options)}");
        Console.WriteLine($"    its trace: {failure.TraceCommand(shown)}");
        if (report.Options.Primary is { } primary)
            Console.WriteLine($"    filtered:  {failure.FilteredTraceCommand(shown, primary)}");
    }
}
