// `evs figures`: regenerates the paper's Figures 1-7 from real runs of the simulator (issue #6):
// for each, the trace, a standalone HTML page of its space-time diagram with the events its
// specification talks about starred, and a PNG where Chromium is installed. Every trace is
// checked against every specification; a figure whose run breaks one is reported, and the
// command fails.
using System.CommandLine;
using Evs.Plots.Figures;
using Evs.Plots.Output;

namespace Evs.Cli.Commands;

internal static class FiguresCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "The folder to write figure-N.jsonl, figure-N.html and figure-N.png into.", DefaultValueFactory = _ => new DirectoryInfo("figures") };
        var only = new Option<int[]>("--figure") { Description = "Only these figures (1-7); repeatable.", AllowMultipleArgumentsPerToken = true };
        var noPng = new Option<bool>("--no-png") { Description = "Write no PNG, even where Chromium is installed." };
        var command = new Command("figures", "Regenerate the paper's Figures 1-7 from simulator runs: trace, HTML and (with Chromium) PNG of each, every trace checked. Exit 1: a trace broke a specification.") { output, only, noPng };
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(output)!.FullName;
            var numbers = parse.GetValue(only) is { Length: > 0 } chosen ? chosen.ToHashSet() : null;
            bool png = !parse.GetValue(noPng) && Chromium.Available;
            if (!png && !parse.GetValue(noPng)) Console.WriteLine($"no PNG: {new ChromiumMissingException().Message}");
            var figures = PaperFigures.All.Where(f => numbers is null || numbers.Contains(f.Number)).ToList();
            // Made under the progress bar, told after it: a line written under a bar would tear it.
            var made = ProgressDisplay.Show(display =>
            {
                var done = display.Count("figure", figures.Count);
                return figures.Select(figure =>
                {
                    var files = PaperFigures.Write(figure, folder, png);
                    done.Increment();
                    return (Figure: figure, Files: files);
                }).ToList();
            });
            foreach (var (figure, files) in made)
            {
                Console.WriteLine($"Figure {figure.Number} ({figure.Title}): {(files.Passed ? "every specification passes" : "FAILS " + string.Join(", ", files.Report.FailedSpecs.Concat(files.VsReport?.FailedSpecs ?? [])))}");
                foreach (var file in files.Files) Console.WriteLine($"  {Path.GetRelativePath(Environment.CurrentDirectory, file)}");
            }
            return made.All(m => m.Files.Passed) ? ExitCodes.Ok : ExitCodes.Violation;
        });
        return command;
    }
}
