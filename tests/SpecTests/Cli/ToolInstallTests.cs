// evs as an instructor or a student installs it (issue #14): `dotnet pack src/Evs.Cli` gives the
// tool package, `dotnet tool install` puts an evs in a folder, and that evs works away from the
// repository: in an empty folder, the demo runs, a notebook that uses the library without any #r
// runs in the C# kernel, and so does the course's first notebook, whose #r of the repository's
// build finds nothing there; from inside the repository, it grades a lab in a grading child of
// its own; and a node serves its live page, plotly.js included. The test packs the build the test run already made (--no-build) and
// installs from that one folder only (a nuget.config of its own), so it needs no network.
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed partial class ToolInstallTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_packed_tool_installs_offline_and_its_evs_runs_the_demo_and_notebooks_in_an_empty_folder()
    {
        var root = Directory.CreateTempSubdirectory("evs-tool-");
        try
        {
            string evs = await InstallAsync(root.FullName);
            string empty = Directory.CreateDirectory(Path.Combine(root.FullName, "empty")).FullName;

            var (demoCode, demo) = await EvsProcess.RunExecutableAsync(evs, output, empty, "demo");
            Assert.Equal(0, demoCode);
            Assert.Contains("figure6, seed", demo);
            Assert.Contains("PC.2", demo);

            // The lab grader runs the student's code in a child, the evs that runs it started again:
            // here the installed one, graded from inside the repository, where the labs are.
            var (labCode, lab) = await EvsProcess.RunExecutableAsync(evs, output, DotnetCli.Repository, "lab", "check", "1", "--against", "reference", "--schedules", "2");
            Assert.True(labCode == 0, lab);
            Assert.Contains("2 schedules in", lab);
            Assert.Contains("every specification held", lab);

            string notebook = Path.Combine(empty, "steady.ipynb");
            await File.WriteAllTextAsync(notebook, NotebookUsingTheLibrary);
            var (notebookCode, ran) = await EvsProcess.RunExecutableAsync(evs, output, empty, "notebook", "run", notebook);
            Assert.True(notebookCode == 0, ran);
            Assert.Contains("steady.ipynb: every cell ran", ran);
            var outputs = CellOutputs(Path.Combine(empty, "steady.executed.ipynb"));
            Assert.Contains("every specification holds: True", outputs[0]);
            Assert.Contains("space-time diagram drawn: True", outputs[1]);
            Assert.Equal(["steady.executed.ipynb", "steady.ipynb"], Directory.GetFiles(empty).Select(Path.GetFileName).Order());

            // The course's first notebook away from the repository: its #r of the repository's
            // build finds nothing there, and the library evs has stands in.
            string course = Directory.CreateDirectory(Path.Combine(empty, "notebooks")).FullName;
            foreach (var file in new[] { "00-start-here.ipynb", "Show.csx" })
                File.Copy(Path.Combine(DotnetCli.Repository, "notebooks", file), Path.Combine(course, file));
            var (courseCode, courseRun) = await EvsProcess.RunExecutableAsync(evs, output, empty, "notebook", "run", "notebooks/00-start-here.ipynb");
            Assert.True(courseCode == 0, courseRun);
            Assert.Contains("00-start-here.ipynb: every cell ran", courseRun);

            await TheLivePageIsServedAsync(evs, empty);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    // The installed evs node --web: the page, the plotly.js it draws with (served by evs, never a
    // CDN) and a picture that shows a line typed at the node, by its text.
    private async Task TheLivePageIsServedAsync(string evs, string directory)
    {
        int port = Evs.Runtime.LoopbackPorts.Free(1)[0];
        string bind = $"127.0.0.1:{port}";
        using var node = EvsProcess.StartExecutable(evs, "installed evs node --web", output, directory,
            "node", "--id", "p1", "--bind", bind, "--peers", $"p1={bind}", "--store", "p1", "--trace", "p1.jsonl", "--trace-text", "--web", "0");
        int served = await node.WaitForLineAsync(0, "live view: http://127.0.0.1:");
        var url = new Uri(LiveUrl().Match(node.Lines[served]).Value);
        using var http = new HttpClient();
        Assert.Contains("/plotly.js", await http.GetStringAsync(url));
        Assert.Contains("plotly.js v", await http.GetStringAsync(new Uri(url, "plotly.js")));
        await node.WaitForLineAsync(0, "═ regular configuration");
        await node.WriteLineAsync("hello from the installed evs");
        await node.WaitForLineAsync(0, "✓ p1", "hello from the installed evs");
        for (var deadline = DateTime.UtcNow + EvsProcess.Patience; ; await Task.Delay(100))
        {
            if ((await http.GetStringAsync(new Uri(url, "figure.json"))).Contains("hello from the installed evs", StringComparison.Ordinal)) break;
            Assert.True(DateTime.UtcNow < deadline, "the live picture never showed the line typed at the node");
        }
        await node.WriteLineAsync("/quit");
        Assert.Equal(0, await node.WaitForExitAsync());
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/")]
    private static partial Regex LiveUrl();

    // Packs evs into ROOT/packages and installs it into ROOT/tools from there alone: the nuget.config
    // names no other source, and the packages folder is the test's own, so that an evs 0.1.0 cached
    // from an earlier build cannot stand in for this one. Returns the installed evs.
    private async Task<string> InstallAsync(string root)
    {
        string packages = Path.Combine(root, "packages");
        await DotnetCli.PackAsync(output, "Evs.Cli", packages);
        Assert.Single(Directory.GetFiles(packages, "evs.*.nupkg"));
        string config = Path.Combine(root, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        string tools = Path.Combine(root, "tools");
        await DotnetCli.RunAsync(output, root, ["tool", "install", "evs", "--tool-path", tools, "--configfile", config],
            ("NUGET_PACKAGES", Path.Combine(root, "nuget-cache")));
        string evs = Path.Combine(tools, OperatingSystem.IsWindows() ? "evs.exe" : "evs");
        Assert.True(File.Exists(evs), $"no {evs} after the install");
        return evs;
    }

    // Two cells that reach the library's core and its plots with no #r: the installed evs gives
    // them to the kernel.
    private static readonly string NotebookUsingTheLibrary = JsonSerializer.Serialize(new
    {
        cells = new[]
        {
            Cell("""
                 using Evs.Reference.Checking;
                 using Evs.Reference.Simulation;
                 var run = Simulator.Run(BuiltInScenarios.Get("steady"), new SimulationOptions(Seed: 1));
                 Console.WriteLine($"every specification holds: {SpecificationChecker.Check(run.Trace).AllPassed}");
                 """),
            Cell("""
                 Console.WriteLine($"space-time diagram drawn: {Evs.Plots.KernelPlots.SpaceTimeHtml(run.Trace).Contains("Plotly")}");
                 """),
        },
        metadata = new { kernelspec = new { display_name = ".NET (C#)", language = "C#", name = ".net-csharp" }, language_info = new { name = "C#" } },
        nbformat = 4,
        nbformat_minor = 5,
    });

    private static object Cell(string source) => new
    {
        cell_type = "code",
        execution_count = (int?)null,
        metadata = new { polyglot_notebook = new { kernelName = "csharp" } },
        outputs = Array.Empty<object>(),
        source,
    };

    // The text each code cell of an executed notebook printed, cell by cell.
    private static List<string> CellOutputs(string executed)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(executed));
        return [.. document.RootElement.GetProperty("cells").EnumerateArray().Select(cell => string.Concat(
            cell.GetProperty("outputs").EnumerateArray().Select(o => o.ToString())))];
    }
}
