// How `evs cluster` starts its `evs node` children: with the very program that runs it, so that
// the children are the same build. That program is the `evs` apphost both for the built command
// and under `dotnet run --project src/Evs.Cli -- cluster` (dotnet run builds, then starts the
// apphost in bin/); only `dotnet evs.dll cluster` runs under the dotnet host, which then needs the
// assembly's path as its first argument.
using System.Diagnostics;

namespace Evs.Cli.Cluster;

/// <summary>Start information for another evs process.</summary>
internal static class EvsExecutable
{
    /// <summary>How to run <c>evs ARGUMENTS</c> with this process's program.</summary>
    /// <exception cref="InvalidOperationException">The path of this process's program is not known.</exception>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var program = Environment.ProcessPath ?? throw new InvalidOperationException("the path of the running evs program is not known, so its nodes cannot be started");
        var info = new ProcessStartInfo(program);
        if (Path.GetFileNameWithoutExtension(program).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            info.ArgumentList.Add(typeof(EvsExecutable).Assembly.Location);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }
}
