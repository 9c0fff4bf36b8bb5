// `evs lab`: the labs of labs/README.md. `list` shows them, `start` copies a lab's starter into
// the student's folder, `check` grades the student's files (or the starter, or the reference) by
// the specification properties: the library is compiled with their classes in place of its own,
// and random fault schedules run through the simulator and the checkers. A failing row names
// the schedule and seed that show it, saved to a file that `--replay` runs again. The student's
// code runs in a child process, this very program as the hidden `evs lab grade-child`, with a time
// limit per schedule and a memory limit (labs/README.md, "How the grading works").
using System.CommandLine;
using Evs.Cli.Cluster;
using Evs.Grading.Labs;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class LabCommand
{
    public static Command Create() => new("lab", "The labs (labs/README.md): rewrite a class of the library from the paper, graded by the specifications.")
    {
        List(),
        Start(),
        Check(),
        LabMutateCommand.Create(),
        GradeChild(),
    };

    private static Command List()
    {
        var command = new Command("list", "List the labs and the files each asks for.");
        command.SetAction(_ =>
        {
            // The folders and the judges unbroken, as they are typed and looked up; the titles wrap.
            var table = new Table().AddColumns(new TableColumn("lab"), new TableColumn("folder (labs/)").NoWrap(),
                new TableColumn("what you write"), new TableColumn("graded by").NoWrap());
            foreach (var lab in Lab.All)
                table.AddRow(lab.Number.ToString(), lab.Folder, Markup.Escape(lab.Title) + "\n[grey]" + string.Join(", ", lab.FileNames) + "[/]", lab.GradedBy);
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Start()
    {
        var number = LabNumber();
        var command = new Command("start", "Copy a lab's starter files into its student/ folder (never over a file already there).") { number };
        command.SetAction(parse =>
        {
            if (Locate(parse.GetValue(number)) is not var (repository, lab)) return ExitCodes.BadInput;
            Directory.CreateDirectory(repository.StudentFolder(lab));
            foreach (var name in lab.FileNames)
            {
                var target = Path.Combine(repository.StudentFolder(lab), name);
                if (File.Exists(target))
                {
                    AnsiConsole.MarkupLineInterpolated($"kept   {repository.Show(target)} (already there)");
                    continue;
                }
                File.Copy(Path.Combine(repository.StarterFolder(lab), name), target);
                AnsiConsole.MarkupLineInterpolated($"copied {repository.Show(target)}");
            }
            AnsiConsole.MarkupLineInterpolated($"Read {repository.Show(Path.Combine(repository.FolderOf(lab), "README.md"))}, write the bodies, then: evs lab check {lab.Number}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Check()
    {
        var number = LabNumber();
        var against = new Option<Submission.Kind>("--against") { Description = "What to grade: the student's files (student/), the untouched starter, or the reference (the library's own classes).", DefaultValueFactory = _ => Submission.Kind.Student };
        var schedules = new Option<int>("--schedules") { Description = "How many random fault schedules to run.", DefaultValueFactory = _ => GradingOptions.DefaultSchedules };
        var seed = new Option<ulong>("--seed") { Description = "The seed the schedules are drawn from: the same seed, the same schedules.", DefaultValueFactory = _ => GradingOptions.DefaultSeed };
        var replay = new Option<FileInfo?>("--replay") { Description = "Run only this schedule (a scenario file a failing check saved), with --replay-seed, and write its trace." };
        var replaySeed = new Option<long>("--replay-seed") { Description = "The run seed of the --replay schedule (the failing check prints it)." };
        var trace = new Option<FileInfo?>("--trace") { Description = "With --replay: write the run's trace here (and, for lab 4, its virtual synchrony trace beside it as NAME.vs.jsonl)." };
        var scheduleLimit = new Option<int>("--schedule-time-limit") { Description = "Seconds one schedule may run before it is stopped and reported (a loop that never ends).", DefaultValueFactory = _ => GradingOptions.DefaultScheduleSeconds };
        var memoryLimit = new Option<int>("--memory-limit") { Description = "Megabytes of heap the process running your code may use.", DefaultValueFactory = _ => GradingOptions.DefaultMemoryLimitMegabytes };
        var command = new Command("check", "Grade a lab: compile the library with its files, run random fault schedules in a process of their own, judge every run by the specifications. Exit 0: every specification held; 1: one failed or the files do not compile; 2: bad input.")
        {
            number, against, schedules, seed, replay, replaySeed, trace, scheduleLimit, memoryLimit,
        };
        command.SetAction(parse =>
        {
            if (Locate(parse.GetValue(number)) is not var (repository, lab)) return ExitCodes.BadInput;
            var kind = parse.GetValue(against);
            Submission submission;
            try
            {
                submission = Submission.Of(kind, lab, repository);
            }
            catch (FileNotFoundException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]: copy the starter first with `evs lab start {lab.Number}` (labs/README.md).");
                return ExitCodes.BadInput;
            }
            Schedule? one = null;
            if (parse.GetValue(replay) is { } file)
            {
                if (!file.Exists || parse.GetResult(replaySeed) is null)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]--replay needs an existing schedule file and its --replay-seed[/] (a failing check prints both): {file.FullName}");
                    return ExitCodes.BadInput;
                }
                one = new Schedule(File.ReadAllText(file.FullName), parse.GetValue(replaySeed));
            }
            if (Positive(parse.GetValue(scheduleLimit), "--schedule-time-limit", "seconds") is not { } seconds
                || Positive(parse.GetValue(memoryLimit), "--memory-limit", "megabytes") is not { } megabytes) return ExitCodes.BadInput;
            var options = new GradingOptions(ThisEvs(), parse.GetValue(schedules), parse.GetValue(seed),
                ScheduleTimeLimit: TimeSpan.FromSeconds(seconds), MemoryLimitMegabytes: megabytes);
            return Grade(repository, lab, submission, options, one, parse.GetValue(trace)?.FullName);
        });
        return command;
    }

    // `evs lab grade-child`, hidden: the process in which `evs lab check` runs the student's code
    // (SandboxChild). It reads its request on standard input and answers on standard output.
    private static Command GradeChild()
    {
        var command = new Command(ChildCommand.Subcommand[1], "Run a lab's schedules on a compiled submission (evs lab check starts it).") { Hidden = true };
        command.SetAction(_ => SandboxChild.Serve(Console.In, Console.OpenStandardOutput()));
        return command;
    }

    // This very program as a grading child, however it was started (EvsExecutable).
    internal static ChildCommand ThisEvs()
    {
        var info = EvsExecutable.StartInfo(ChildCommand.Subcommand);
        return new ChildCommand(info.FileName, [.. info.ArgumentList]);
    }

    // A limit must be a positive number; otherwise a plain line saying which option is wrong, and null.
    internal static int? Positive(int value, string option, string unit)
    {
        if (value > 0) return value;
        Console.WriteLine($"{option} must be a positive number of {unit}, not {value}.");
        return null;
    }

    internal static Argument<int> LabNumber() =>
        new("lab") { Description = $"The lab's number ({string.Join(", ", Lab.All.Select(l => l.Number))}; `evs lab list` shows them)." };

    // The repository, from the current directory upwards, and the lab; an error message (a plain
    // line, never wrapped) and null if either is missing.
    internal static (Repository, Lab)? Locate(int number)
    {
        if (Repository.Find(Environment.CurrentDirectory) is not { } repository)
        {
            Console.WriteLine($"no {Repository.SolutionFile} here or above {Environment.CurrentDirectory}: run evs lab from inside a clone of the Evs.Reference repository, which holds labs/ and the library's sources that a lab compiles with your files.");
            return null;
        }
        if (Lab.Find(number) is not { } lab)
        {
            Console.WriteLine($"no lab {number}: the labs are {string.Join(", ", Lab.All.Select(l => l.Number))} (evs lab list).");
            return null;
        }
        return (repository, lab);
    }

    private static int Grade(Repository repository, Lab lab, Submission submission, GradingOptions options, Schedule? replay, string? tracePath)
    {
        var files = submission.Replacements.Count == 0 ? "the library's own classes" : string.Join(", ", submission.Replacements.Values.Select(f => repository.Show(f.Path)));
        AnsiConsole.MarkupLineInterpolated($"[bold]Lab {lab.Number}: {lab.Title}[/]");
        AnsiConsole.MarkupLineInterpolated($"grading the {submission.Name}: {files}");
        AnsiConsole.WriteLine(replay is null
            ? $"on {options.Schedules} random fault schedules drawn from seed {options.Seed}"
            : $"on one schedule, run seed {replay.Seed}");
        LabReport report;
        try
        {
            // The first schedule starts once the library is compiled; the schedules are counted as they start.
            report = ProgressDisplay.Show(display =>
            {
                var compiled = display.Count("library compiled", 1);
                var schedules = display.Count("schedule", replay is null ? options.Schedules : 1);
                return LabGrader.Grade(repository, lab, submission, options, i =>
                {
                    compiled.Set(1);
                    schedules.Set(i + 1);
                }, replay, tracePath);
            });
        }
        catch (Exception e) when (e is TimeoutException or GradingChildException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]gave up:[/] {e.Message}");
            return ExitCodes.Violation;
        }
        if (!report.CompileErrors.IsEmpty)
        {
            AnsiConsole.MarkupLine("[red]The library does not compile with these files:[/]");
            foreach (var error in report.CompileErrors.Take(20)) Console.WriteLine("  " + error);
            return ExitCodes.Violation;
        }
        AnsiConsole.Write(Table(report));
        foreach (var row in report.Failing) Explain(repository, lab, row);
        if (replay is null)
            foreach (var (index, schedule) in report.Failing.Select(r => r.FirstFailure).OfType<Failure>()
                         .Where(f => f.Schedule is not null).Select(f => (f.Index, f.Schedule!)).DistinctBy(f => f.Item2.Seed))
                HowToReplay(repository, lab, index, schedule);
        if (tracePath is not null)
            AnsiConsole.MarkupLineInterpolated($"trace: {tracePath} (evs check {tracePath}{(lab.Judge == Judge.VirtualSynchrony ? $"; evs check --vs {LabRunner.VsTracePath(tracePath)}" : "")})");
        AnsiConsole.MarkupLine($"{report.SchedulesRun} schedules in {report.Elapsed.TotalSeconds:N1} s: " +
            (report.Passed ? "[green]every specification held[/]" : $"[red]{Failed(report)}[/]"));
        return report.Passed ? ExitCodes.Ok : ExitCodes.Violation;
    }

    // How many rows failed, apart from those never judged (no run got past an exception): a row
    // that could not be judged did not fail.
    private static string Failed(LabReport report)
    {
        int failed = report.Rows.Count(r => r.FirstFailure is not null);
        int unjudged = report.Rows.Count(r => r.Judged + r.CasesJudged == 0);
        return $"{failed} of {report.Rows.Length} rows failed" + (unjudged > 0 ? $", {unjudged} not judged" : "");
    }

    // One row per specification; when no run got past an exception, the specifications that could
    // not be judged are one line, not sixteen.
    private static Table Table(LabReport report)
    {
        var table = new Table().AddColumns("", "verdict", "specification");
        bool anyJudged = report.Rows.Any(r => r.Judged > 0 && r.Spec is not (LabRunner.NoException or Section32Case.Spec or MembershipCase.Spec));
        foreach (var row in report.Rows.Where(r => anyJudged || r.Spec is LabRunner.NoException or Section32Case.Spec or MembershipCase.Spec))
        {
            table.AddRow(Markup.Escape(row.Spec), $"[{(row.Holds ? "green" : "red")}]{Markup.Escape(row.Verdict)}[/]", Markup.Escape(row.Title));
        }
        if (!anyJudged) table.AddRow("specs", "[red]not judged[/]", "no run got past the exception, so no specification could be judged");
        return table;
    }

    // What failed, where, and how to see it again: the schedule saved, the replay with the
    // student's code, and the reference's run of it for comparison; and, where the specification
    // points to one class of the lab, which (the lab catalog's Suspects).
    private static void Explain(Repository repository, Lab lab, Row row)
    {
        if (row.FirstFailure is not { } failure) return;
        var name = row.Spec is LabRunner.NoException or LabRunner.Settles or Section32Case.Spec or MembershipCase.Spec or PrimaryProgress.Spec ? $"\"{row.Title}\"" : $"Specification {row.Spec} ({row.Title})";
        var where = failure.Schedule is { } schedule ? $" on schedule #{failure.Index}, seed {schedule.Seed}" : "";
        AnsiConsole.MarkupLine($"[red]✗[/] {Markup.Escape(name)} fails{where}:");
        var root = repository.Root + Path.DirectorySeparatorChar;
        foreach (var line in failure.Message.Replace(root, "").Split('\n')) Console.WriteLine("    " + line);
        if (lab.MostLikelyIn(row.Spec) is { } suspect) Console.WriteLine("    " + suspect.Line);
    }

    // The schedule saved, the replay with the student's code, and the reference's run of it for
    // comparison; plain lines, never wrapped, so that they can be copied.
    private static void HowToReplay(Repository repository, Lab lab, int index, Schedule schedule)
    {
        Directory.CreateDirectory(repository.FailuresFolder(lab));
        long seed = schedule.Seed;
        var file = Path.Combine(repository.FailuresFolder(lab), $"seed-{seed}.json");
        File.WriteAllText(file, schedule.Json + "\n");
        // Relative to where the command runs, so that the lines below can be pasted there.
        var shown = Path.GetRelativePath(Environment.CurrentDirectory, file).Replace('\\', '/');
        Console.WriteLine($"Schedule #{index} (seed {seed}) saved to {shown}:");
        foreach (var line in ReplayCommands.Lines(lab, shown, seed)) Console.WriteLine("    " + line);
    }
}
