// One meaning per exit code across every command, so scripts and CI can rely on them.
namespace Evs.Cli.Commands;

/// <summary>The exit codes of every evs command.</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done, and every specification held.</summary>
    public const int Ok = 0;

    /// <summary>A specification was violated (or a run did not become quiescent).</summary>
    public const int Violation = 1;

    /// <summary>The input could not be read: a bad scenario or trace file, a missing file.</summary>
    public const int BadInput = 2;
}
