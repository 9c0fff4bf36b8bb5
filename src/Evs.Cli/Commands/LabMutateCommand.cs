// `evs lab mutate N`: how far a lab's grading can be trusted (issue 15, item 2). Every mutant of
// the lab's reference classes (Evs.Grading/Mutation) is graded as a student's file would be;
// the command prints the mutants the grading lets through and the lab's mutation score, the
// number labs/README.md's table reports. The mutants run in the grading children of `evs lab check`.
using System.CommandLine;
using System.Globalization;
using Evs.Grading.Labs;
using Evs.Grading.Mutation;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class LabMutateCommand
{
    public static Command Create()
    {
        var number = LabCommand.LabNumber();
        var schedules = new Option<int>("--schedules") { Description = "How many random fault schedules grade each mutant (as `evs lab check`).", DefaultValueFactory = _ => GradingOptions.DefaultSchedules };
        var seed = new Option<ulong>("--seed") { Description = "The seed the schedules are drawn from.", DefaultValueFactory = _ => GradingOptions.DefaultSeed };
        var workers = new Option<int>("--workers") { Description = "How many mutants are graded at once, each in a process of its own.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var list = new Option<bool>("--list") { Description = "Only list the mutants, without grading them." };
        var scheduleLimit = new Option<int>("--schedule-time-limit") { Description = "How many seconds one schedule of a mutant may run before it counts as a loop that never ends (caught).", DefaultValueFactory = _ => DefaultScheduleSeconds };
        var command = new Command("mutate", "Measure a lab's grading by mutation: grade every small mistake in the lab's reference classes (a condition negated, a bound off by one, a statement left out...) and print those the grading lets through and the mutation score. Exit 0: every mutant is caught or listed as equivalent; 1: some survived.")
        {
            number, schedules, seed, workers, list, scheduleLimit,
        };
        command.SetAction(parse =>
        {
            if (LabCommand.Locate(parse.GetValue(number)) is not var (repository, lab)) return ExitCodes.BadInput;
            if (parse.GetValue(list))
            {
                foreach (var mutant in MutantLibrary.Of(repository, lab)) Console.WriteLine(mutant);
                return ExitCodes.Ok;
            }
            if (LabCommand.Positive(parse.GetValue(workers), "--workers", "processes") is not { } processes
                || LabCommand.Positive(parse.GetValue(scheduleLimit), "--schedule-time-limit", "seconds") is not { } seconds
                || LabCommand.Positive(parse.GetValue(schedules), "--schedules", "schedules") is not { } count) return ExitCodes.BadInput;
            var options = new GradingOptions(LabCommand.ThisEvs(), count, parse.GetValue(seed),
                TimeLimit: TimeSpan.FromMinutes(30), ScheduleTimeLimit: TimeSpan.FromSeconds(seconds));
            return Campaign(repository, lab, options, processes);
        });
        return command;
    }

    // A schedule of the reference takes well under a second; a mutant's that takes this long loops.
    private const int DefaultScheduleSeconds = 20;

    private static int Campaign(Repository repository, Lab lab, GradingOptions options, int workers)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]Lab {lab.Number}: {lab.Title}[/]");
        AnsiConsole.WriteLine($"mutants of {string.Join(", ", lab.FileNames)}, each graded on {options.Schedules} schedules from seed {options.Seed}, {workers} at a time");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        MutationReport report;
        try
        {
            int total = MutantLibrary.Of(repository, lab).Length;
            report = ProgressDisplay.Show(display =>
            {
                var graded = display.Count("mutant", total);
                var result = MutationCampaign.Run(repository, lab, options, workers, _ => graded.Increment());
                graded.Set(total);
                return result;
            });
        }
        catch (InvalidOperationException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return ExitCodes.Violation;
        }
        Print(report);
        AnsiConsole.WriteLine($"in {clock.Elapsed.TotalMinutes:N1} min (the reference's grade: {report.ReferenceSeconds:N1} s)");
        return report.Survivors.Any() ? ExitCodes.Violation : ExitCodes.Ok;
    }

    private static void Print(MutationReport report)
    {
        var survivors = report.Survivors.ToList();
        if (survivors.Count > 0)
        {
            var table = new Table().AddColumns("survived", "where", "mutant");
            foreach (var m in survivors)
                table.AddRow($"#{m.Id}", Markup.Escape($"{Path.GetFileName(m.File)}:{m.Line}"), Markup.Escape($"{m.Operator}: {m.Key}"));
            AnsiConsole.Write(table);
            AnsiConsole.WriteLine($"Each survivor is a mistake this lab's grading lets through: kill it with a better schedule or check, or, if it behaves exactly as the reference, list it in labs/{report.Lab.Folder}/{MutationCampaign.EquivalentFile} as `- `KEY` why` (the key is the text after the operator above).");
        }
        foreach (var (row, count) in report.Caught.GroupBy(m => report.Outcomes[m.Id].Row ?? "").OrderByDescending(g => g.Count()).Select(g => (g.Key, g.Count())))
            Console.WriteLine($"  caught by {row}: {count}");
        int equivalent = report.EquivalentSurvivors.Count();
        Console.WriteLine($"{report.Mutants.Length} mutants ({report.NotCompiling.Length} more do not compile), {report.Caught.Count()} caught, {equivalent} equivalent, {survivors.Count} survived: " +
            $"mutation score {report.Score.ToString("N1", CultureInfo.InvariantCulture)}%");
        Console.WriteLine($"labs/README.md row: | {report.Lab.Number} | {report.Mutants.Length} | {report.Caught.Count()} | {equivalent} | {report.Score.ToString("N1", CultureInfo.InvariantCulture)}% |");
    }
}
