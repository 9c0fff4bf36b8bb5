// The library as prototypers take it: `dotnet pack` of src/Evs.Runtime gives the package they
// reference, which brings the Evs.Reference package (the sans-IO core) with it; the core's package
// depends on nothing. The test packs the build the test run already made (--no-build), so it costs
// seconds, and reads the packages' .nuspec files.
using System.IO.Compression;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

public sealed class PackageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_runtime_packs_as_the_one_package_to_reference_and_brings_the_core_which_depends_on_nothing()
    {
        string packages = Directory.CreateTempSubdirectory("evs-pack-").FullName;
        try
        {
            foreach (var project in new[] { "Evs.Reference", "Evs.Runtime" })
                await DotnetCli.PackAsync(output, project, packages);

            var core = Metadata(packages, "Evs.Reference", out var coreEntries);
            Assert.Contains("lib/net10.0/Evs.Reference.dll", coreEntries);
            Assert.Contains("lib/net10.0/Evs.Reference.xml", coreEntries);
            Assert.Contains("README.md", coreEntries);
            Assert.Equal("Evs.Reference", Field(core, "id"));
            Assert.Contains("Extended Virtual Synchrony", Field(core, "description"));
            Assert.Contains("totem", Field(core, "tags"));
            Assert.Equal("README.md", Field(core, "readme"));
            Assert.Empty(Dependencies(core)); // the analyzer that keeps the core sans-IO is a build-time tool, not a dependency

            var runtime = Metadata(packages, "Evs.Runtime", out var runtimeEntries);
            Assert.Contains("lib/net10.0/Evs.Runtime.dll", runtimeEntries);
            Assert.Equal("Evs.Runtime", Field(runtime, "id"));
            Assert.Equal("README.md", Field(runtime, "readme"));
            var dependencies = Dependencies(runtime).ToDictionary(d => d.Id, d => d.Version);
            Assert.Equal(Field(core, "version"), dependencies["Evs.Reference"]);
        }
        finally
        {
            Directory.Delete(packages, recursive: true);
        }
    }

    private static XElement Metadata(string folder, string id, out HashSet<string> entries)
    {
        string package = Assert.Single(Directory.GetFiles(folder, $"{id}.0*.nupkg"));
        using var zip = ZipFile.OpenRead(package);
        entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        using var nuspec = zip.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Field(XElement metadata, string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

    private static IEnumerable<(string Id, string Version)> Dependencies(XElement metadata) =>
        metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (e.Attribute("id")!.Value, e.Attribute("version")!.Value));
}
