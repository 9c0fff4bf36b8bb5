// The dotnet command as the package tests run it: `dotnet pack` of this repository's projects from
// the build the test run already made, `dotnet tool install` of what was packed. Every run is
// bounded, its output goes to the test's output, and a failing run fails the test.
using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

/// <summary>Runs <c>dotnet</c> commands against this repository's build.</summary>
public static class DotnetCli
{
    private static readonly DirectoryInfo TestOutput = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>The configuration the test run was built in (Debug or Release): tests/SpecTests/bin/CONFIGURATION/net10.0.</summary>
    public static string Configuration { get; } = TestOutput.Parent!.Name;

    /// <summary>The repository's root, five folders above the tests' output.</summary>
    public static string Repository { get; } = TestOutput.Parent.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>Packs src/<paramref name="project"/> from the test run's build (<c>--no-build</c>) into <paramref name="into"/>.</summary>
    public static Task PackAsync(ITestOutputHelper output, string project, string into) =>
        RunAsync(output, Repository, ["pack", Path.Combine(Repository, "src", project, project + ".csproj"),
            "-c", Configuration, "--no-build", "-o", into, "-nologo"]);

    /// <summary>
    /// Runs <c>dotnet ARGUMENTS</c> in <paramref name="directory"/>, with <paramref name="environment"/>'s
    /// variables set, and asserts that it succeeded (within three minutes).
    /// </summary>
    public static async Task RunAsync(ITestOutputHelper output, string directory, string[] arguments, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var dotnet = Process.Start(info)!;
        var stdout = dotnet.StandardOutput.ReadToEndAsync();
        var stderr = dotnet.StandardError.ReadToEndAsync();
        await dotnet.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine($"dotnet {string.Join(' ', arguments)}");
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.Equal(0, dotnet.ExitCode);
    }
}
