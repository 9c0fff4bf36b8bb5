// `evs notebook run`: runs one of the course's notebooks (notebooks/*.ipynb) without an editor,
// in the same C# kernel a student's editor would start, hosted in this process. CI runs every
// notebook this way; a student runs one to get it with its outputs, or as an HTML page.
using System.CommandLine;
using Evs.Cli.Notebooks;

namespace Evs.Cli.Commands;

internal static class NotebookCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("notebook") { Description = "The .ipynb file to run (C# cells, as Polyglot Notebooks writes them)." };
        var html = new Option<FileInfo?>("--html") { Description = "Also write the executed notebook as one HTML page (code, then outputs; plots drawn)." };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write the executed notebook with its outputs (default: NAME.executed.ipynb beside the notebook)." };
        var run = new Command("run", "Run every C# cell in order, as Run All does; the current directory is the notebook's folder, so relative #r paths resolve as in an editor, and the library (Evs.Reference, Evs.Runtime, Evs.Plots) is referenced without any #r. Exit 0: every cell ran; 1: a cell failed (named, with its error); 2: the file is missing or not a notebook.") { file, html, output };
        run.SetAction((parse, _) => RunAsync(parse.GetValue(file)!, parse.GetValue(html), parse.GetValue(output)));
        return new Command("notebook", "Run the course's notebooks headlessly.") { run };
    }

    private static async Task<int> RunAsync(FileInfo notebook, FileInfo? html, FileInfo? output)
    {
        if (!notebook.Exists)
        {
            Console.Error.WriteLine($"no notebook {notebook.FullName}");
            return ExitCodes.BadInput;
        }
        Microsoft.DotNet.Interactive.Documents.InteractiveDocument document;
        try
        {
            document = NotebookRunner.Parse(await File.ReadAllTextAsync(notebook.FullName));
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"{notebook.FullName}: {ex.Message}");
            return ExitCodes.BadInput;
        }
        // Paths given on the command line are the caller's, resolved before the run moves to the notebook's folder.
        string executed = output?.FullName ?? Path.ChangeExtension(notebook.FullName, ".executed.ipynb");
        var result = await NotebookRunner.RunAsync(document, notebook.DirectoryName!,
            (cell, took) => Console.WriteLine($"cell {cell} ran in {took.TotalSeconds:0.0} s"));
        await File.WriteAllTextAsync(executed, NotebookRunner.ToJson(result.Document));
        if (html is not null) await File.WriteAllTextAsync(html.FullName, NotebookHtml.Render(result.Document, Path.GetFileNameWithoutExtension(notebook.Name)));
        if (result.Failure is { } failure)
        {
            Console.Error.WriteLine($"{notebook.Name}: {failure}");
            return ExitCodes.Violation;
        }
        Console.WriteLine($"{notebook.Name}: every cell ran; executed notebook in {executed}");
        return ExitCodes.Ok;
    }
}
