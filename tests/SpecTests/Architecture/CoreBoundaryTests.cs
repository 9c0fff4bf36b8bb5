// The guide: "Sans-IO protocol core, by construction ... the build should make one a compile
// error." src/Evs.Reference holds the model, the protocol, the simulator, the traces and the
// checkers; src/Evs.Runtime drives the same protocol on a real network. These tests hold the line
// between the two where a reviewer would otherwise have to: the build refuses a socket, a thread,
// a clock, a file or a random source in the core; the core depends on no package and not on the
// runtime; no protocol step writes stable storage itself (it returns PersistState); and the
// README's map of the paper names files that exist.
using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Architecture;

public sealed class CoreBoundaryTests(ITestOutputHelper output)
{
    private static readonly string Repository = FindRepository();
    private static readonly string Core = Path.Combine(Repository, "src", "Evs.Reference");

    // One use of each kind of thing the core must not touch, and the symbol the analyzer names.
    private const string Violations = """
        namespace Evs.Reference.Simulation;

        internal static class SansIoViolations
        {
            public static object Socket() => new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
            public static object Thread() => new System.Threading.Thread(() => { });
            public static object Delay() => System.Threading.Tasks.Task.Delay(1);
            public static object Stopwatch() => System.Diagnostics.Stopwatch.StartNew();
            public static object Now() => System.DateTime.Now;
            public static object File() => System.IO.File.ReadAllText("x");
            public static object Random() => new System.Random(1);
        }
        """;

    [Fact]
    public async Task The_build_of_the_core_fails_on_a_socket_a_thread_a_delay_a_clock_a_file_or_a_random_source()
    {
        var (exitCode, log) = await BuildACopyOfTheCore(("Simulation/SansIoViolations.cs", Violations));
        Assert.NotEqual(0, exitCode);
        foreach (var symbol in new[] { "System.Net.Sockets", "Thread", "Task", "Stopwatch", "DateTime.Now", "File", "Random" })
            Assert.Contains($"error RS0030: The symbol '{symbol}' is banned in this project", log);
    }

    [Fact]
    public async Task The_core_as_it_is_builds_with_the_analyzer_on()
    {
        // The same copy without the violations builds: the failure above is the violations', not the copy's.
        var (exitCode, _) = await BuildACopyOfTheCore();
        Assert.Equal(0, exitCode);
    }

    // Builds src/Evs.Reference, copied with the repository's build settings to a folder of its own
    // and with the files given added, as `dotnet build` would in the repository.
    private async Task<(int ExitCode, string Log)> BuildACopyOfTheCore(params (string Path, string Text)[] added)
    {
        string copy = Directory.CreateTempSubdirectory("evs-core-").FullName;
        try
        {
            File.Copy(Path.Combine(Repository, "Directory.Build.props"), Path.Combine(copy, "Directory.Build.props"));
            string project = Path.Combine(copy, "src", "Evs.Reference");
            CopySources(Core, project);
            foreach (var (path, text) in added) File.WriteAllText(Path.Combine(project, path), text);
            var built = await Run("dotnet", "build", project, "-nologo", "-v", "q");
            output.WriteLine(built.Log);
            return built;
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void The_core_references_only_analyzers_and_no_project()
    {
        var csproj = XDocument.Load(Path.Combine(Core, "Evs.Reference.csproj"));
        var packages = csproj.Descendants("PackageReference").ToList();
        Assert.All(packages, p =>
        {
            Assert.EndsWith("Analyzers", p.Attribute("Include")!.Value);
            Assert.Equal("all", p.Attribute("PrivateAssets")?.Value);
        });
        Assert.Empty(csproj.Descendants("ProjectReference"));
    }

    [Fact]
    public void No_code_of_the_core_refers_to_the_runtime()
    {
        // Its comments may say who drives it; its code may not use anything of the runtime.
        var referring = SourceFiles(Core)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal) && l.Text.Contains("Evs.Runtime", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}: {l.Text}")
            .ToList();
        Assert.Empty(referring);
    }

    [Theory]
    [InlineData("Node")]
    [InlineData("Ordering")]
    [InlineData("Membership")]
    [InlineData("Recovery")]
    [InlineData("PrimaryComponent")]
    public void No_protocol_step_calls_stable_storage(string folder)
    {
        // A step that changes what must survive a crash returns it as a PersistState output, and the
        // driver writes it before it sends the packets of that step.
        var calling = SourceFiles(Path.Combine(Core, folder)).Where(f => File.ReadAllText(f).Contains("IStableStorage", StringComparison.Ordinal)).ToList();
        Assert.Empty(calling);
    }

    [Fact]
    public void Every_file_the_README_s_map_of_the_paper_names_exists_in_the_core()
    {
        // "Where the paper is in the code": a path in the table names a file of src/Evs.Reference;
        // a bare file name continues the folder named before it in the same cell.
        string readme = File.ReadAllText(Path.Combine(Repository, "README.md"));
        int start = readme.IndexOf("## Where the paper is in the code", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README has no map of the paper");
        var rows = readme[start..].Split('\n').TakeWhile(l => !l.StartsWith("```", StringComparison.Ordinal)).Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(2).ToList();
        Assert.True(rows.Count >= 15, $"only {rows.Count} rows in the map");
        var missing = new List<string>();
        foreach (var row in rows)
        {
            string? folder = null;
            foreach (Match m in Regex.Matches(row, @"`([A-Za-z0-9/]+\.cs)`|`([A-Za-z0-9]+/)`"))
            {
                if (m.Groups[2].Success)
                {
                    Assert.True(Directory.Exists(Path.Combine(Core, m.Groups[2].Value)), $"no folder {m.Groups[2].Value}");
                    continue;
                }
                string name = m.Groups[1].Value;
                if (name.Contains('/')) folder = Path.GetDirectoryName(name);
                string path = name.Contains('/') ? name : Path.Combine(folder ?? "", name);
                if (!File.Exists(Path.Combine(Core, path))) missing.Add(path);
            }
        }
        Assert.Empty(missing);
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    private static void CopySources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task<(int ExitCode, string Log)> Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Evs.Reference.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository (the folder holding Evs.Reference.sln) is not above the test assembly");
    }
}
