// `evs keygen`: writes a cluster's shared key, so that a class on a LAN runs an authenticated and
// encrypted cluster (`evs node --key FILE`) instead of an open one. The key file format is the
// library's (KeyFile): 32 random bytes in base64, readable by its owner only.
using System.CommandLine;
using Evs.Reference.Runtime.Wire;
using Spectre.Console;

namespace Evs.Cli.Commands;

internal static class KeygenCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The key file to write (mode 0600); copy it to every node of the cluster." };
        var force = new Option<bool>("--force") { Description = "Replace an existing key file (nodes with the old key no longer understand the new one)." };
        var command = new Command("keygen", "Write a new random cluster key: give every node --key FILE. Exit 0: written; 2: not written.") { file, force };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (File.Exists(path) && !parse.GetValue(force))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{path} exists:[/] a cluster may use it; give --force to replace it");
                return ExitCodes.BadInput;
            }
            try
            {
                KeyFile.Generate(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]cannot write {path}:[/] {ex.Message}");
                return ExitCodes.BadInput;
            }
            AnsiConsole.MarkupLineInterpolated($"key written to {path}: copy it to every node and start each with --key {path}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
