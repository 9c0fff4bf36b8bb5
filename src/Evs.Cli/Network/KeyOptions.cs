// `--insecure-key`, beside `--key FILE`: a node refuses a key file that others than its owner may
// read or write (KeyFile.Read), as ssh refuses such a private key, and this option is the one way
// past it, for a file system where chmod 600 cannot make the file private. The commands that start
// nodes as child processes (evs cluster, evs bench) read the key once before any child starts, so
// that a refused key is one message at their prompt, not a failed start in every node's log.
using System.CommandLine;
using Evs.Runtime.Wire;

namespace Evs.Cli.Network;

/// <summary>The option that lets an insecure key file through, and the check of a key file before nodes start.</summary>
internal static class KeyOptions
{
    /// <summary>The --insecure-key option of evs node, evs cluster and evs bench.</summary>
    public static Option<bool> InsecureKey() => new("--insecure-key")
    {
        Description = "Use a --key file that its group or others may read or write, with a warning, instead of refusing it (for a file system where chmod 600 cannot make it private).",
    };

    /// <summary>
    /// Why the key file at <paramref name="path"/> cannot be used, as each node will judge it; null
    /// when it can, after writing the warning of an insecure file allowed by <paramref name="insecure"/>
    /// to standard error, prefixed by <paramref name="command"/>.
    /// </summary>
    public static string? Problem(string command, string path, bool insecure)
    {
        try
        {
            KeyFile.Read(path, insecure, warning => Console.Error.WriteLine($"{command}: warning: {warning}"));
            return null;
        }
        catch (KeyFileException ex)
        {
            return ex.Message;
        }
    }
}
