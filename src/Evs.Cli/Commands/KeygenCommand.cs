// `evs keygen`: writes a cluster key (docs/WIRE.md, "Keys"), the one secret every node of a
// cluster shares so that nobody else can speak for its processes. It never overwrites a key by
// accident: a replaced key locks every node still holding the old one out of the cluster.
using System.CommandLine;
using Evs.Runtime.Wire;

namespace Evs.Cli.Commands;

internal static class KeygenCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("keyfile") { Description = "Where to write the key: 32 random bytes as base64, readable by its owner only." };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists (never through a symbolic link: a link is refused)." };
        var command = new Command("keygen", "Write a new random cluster key for HMAC-SHA-256 or AES-256-GCM. Exit 0: written; 2: the file exists (without --force), is a symbolic link or a directory, or cannot be written.") { file, force };
        command.SetAction(parse =>
        {
            var target = parse.GetValue(file)!;
            bool replace = parse.GetValue(force);
            try
            {
                KeyFile.Generate(target.FullName, replace);
            }
            catch (KeyFileException ex)
            {
                // --force helps only with a regular file that exists; a link is refused with it too.
                bool forceWouldHelp = !replace && target.Exists && target.LinkTarget is null;
                Console.Error.WriteLine(ex.Message + (forceWouldHelp ? "; use --force to replace it" : ""));
                return ExitCodes.BadInput;
            }
            Console.WriteLine($"wrote a new cluster key to {target.FullName}; copy it to every node of the cluster");
            return ExitCodes.Ok;
        });
        return command;
    }
}
