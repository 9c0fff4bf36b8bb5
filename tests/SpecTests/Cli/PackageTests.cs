// The library as prototypers take it (issue #5, "packable as a NuGet package"): `dotnet pack` of
// src/Evs.Reference works and the package says what it is. The test packs the build the test run
// already made (--no-build), so it costs seconds, and reads the package's .nuspec.
using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

public sealed class PackageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_library_packs_as_a_NuGet_package_with_its_metadata_and_readme()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = here.Parent!.Name;
        string repository = here.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        string project = Path.Combine(repository, "src", "Evs.Reference", "Evs.Reference.csproj");
        string packages = Directory.CreateTempSubdirectory("evs-pack-").FullName;
        try
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "pack", project, "-c", configuration, "--no-build", "-o", packages, "-nologo" }) info.ArgumentList.Add(argument);
            using var pack = Process.Start(info)!;
            var stdout = pack.StandardOutput.ReadToEndAsync();
            var stderr = pack.StandardError.ReadToEndAsync();
            await pack.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            output.WriteLine(await stdout);
            output.WriteLine(await stderr);
            Assert.Equal(0, pack.ExitCode);

            string package = Assert.Single(Directory.GetFiles(packages, "Evs.Reference.*.nupkg"));
            using var zip = ZipFile.OpenRead(package);
            Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/Evs.Reference.dll");
            Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/Evs.Reference.xml");
            Assert.Contains(zip.Entries, e => e.FullName == "README.md");
            using var nuspec = zip.GetEntry("Evs.Reference.nuspec")!.Open();
            var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
            Assert.Equal("Evs.Reference", Field("id"));
            Assert.Contains("Extended Virtual Synchrony", Field("description"));
            Assert.Contains("totem", Field("tags"));
            Assert.Equal("README.md", Field("readme"));
        }
        finally
        {
            Directory.Delete(packages, recursive: true);
        }
    }
}
