// Issue #17, item 4: "a node whose clock jumps (the runtime uses a monotonic clock; show it)". The
// runtime's timers are TimeProvider timers, which the system runs on its monotonic clock; the
// wall clock is read in WallClock.cs only, for trace timestamps, the incarnation's floor and the
// dates in a store's files. src/Evs.Runtime/BannedSymbols.txt makes any other read a compile error
// (RS0030); these tests hold that rule in place: the analyzer is on, every way to read the wall
// clock is banned, and no file but WallClock.cs turns the rule off. (BadPeerTests shows the other
// half: a wall clock set an hour ahead and a day back changes no ring, and timers still fire.)
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace SpecTests.Architecture;

public sealed class RuntimeClockTests
{
    private static readonly string Repository = FindRepository();
    private static readonly string Runtime = Path.Combine(Repository, "src", "Evs.Runtime");

    [Fact]
    public void The_runtime_builds_with_the_banned_api_analyzer_and_its_banned_symbols()
    {
        var csproj = XDocument.Load(Path.Combine(Runtime, "Evs.Runtime.csproj"));
        Assert.Contains(csproj.Descendants("PackageReference"), p => (string?)p.Attribute("Include") == "Microsoft.CodeAnalysis.BannedApiAnalyzers");
        Assert.Contains(csproj.Descendants("AdditionalFiles"), f => (string?)f.Attribute("Include") == "BannedSymbols.txt");
    }

    [Theory]
    [InlineData("P:System.DateTime.Now")]
    [InlineData("P:System.DateTime.UtcNow")]
    [InlineData("P:System.DateTime.Today")]
    [InlineData("P:System.DateTimeOffset.Now")]
    [InlineData("P:System.DateTimeOffset.UtcNow")]
    [InlineData("M:System.TimeProvider.GetUtcNow")]
    [InlineData("M:System.TimeProvider.GetLocalNow")]
    [InlineData("P:System.Environment.TickCount")]
    public void Every_read_of_the_wall_clock_is_banned_in_the_runtime(string symbol)
    {
        var banned = File.ReadAllLines(Path.Combine(Runtime, "BannedSymbols.txt")).Select(l => l.Split(';')[0].Trim());
        Assert.Contains(symbol, banned);
    }

    [Fact]
    public void Only_WallClock_turns_the_banned_api_rule_off()
    {
        var offending = Directory.EnumerateFiles(Runtime, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"RS0030"))
            .Select(f => Path.GetRelativePath(Runtime, f))
            .ToList();
        Assert.Equal(["WallClock.cs"], offending);
        foreach (var project in new[] { Path.Combine(Runtime, "Evs.Runtime.csproj"), Path.Combine(Repository, "Directory.Build.props") })
        {
            var silenced = XDocument.Load(project).Descendants().Where(e => e.Name.LocalName is "NoWarn" or "WarningsNotAsErrors").Select(e => e.Value);
            Assert.DoesNotContain(silenced, value => value.Contains("RS0030", StringComparison.Ordinal));
        }
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Evs.Reference.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository (the folder holding Evs.Reference.sln) is not above the test assembly");
    }
}
