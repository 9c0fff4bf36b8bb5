// How a student's class takes the place of the library's: Roslyn compiles the library's sources,
// with the lab's files replaced, into an assembly in memory called Evs.Reference, with its
// debugging symbols so that an exception in the student's code names their file and line. It
// compiles with the settings of the real build (Directory.Build.props: nullable, the SDK's
// implicit usings, the scenarios as resources), so what compiles here compiles in the project.
// The library is the sans-IO core only (the runtime is src/Evs.Runtime), so every file is taken.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace Evs.Grading.Labs;

/// <summary>The library compiled: its image and symbols, or the errors that stopped it.</summary>
public sealed record CompiledLibrary(byte[] Image, byte[] Symbols, ImmutableArray<string> Errors)
{
    /// <summary>Whether the compilation succeeded.</summary>
    public bool Succeeded => Errors.IsEmpty;
}

/// <summary>Compiles src/Evs.Reference with a <see cref="Submission"/>'s files in place of the library's own.</summary>
public static class LibraryCompiler
{
    /// <summary>The name the compiled assembly must have: the grading code refers to it by that name.</summary>
    public const string AssemblyName = "Evs.Reference";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // The SDK's implicit usings for a library (ImplicitUsings in Directory.Build.props).
    private const string ImplicitUsings =
        "global using System;\nglobal using System.Collections.Generic;\nglobal using System.IO;\nglobal using System.Linq;\n" +
        "global using System.Net.Http;\nglobal using System.Threading;\nglobal using System.Threading.Tasks;\n";

    // Parsing the library's hundred files is most of the work; a file whose text did not change
    // keeps its tree, so grading several submissions in one process parses the library once.
    private static readonly ConcurrentDictionary<(string Path, string Text), SyntaxTree> Trees = new();

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(PlatformReferences);

    /// <summary>The framework and package assemblies the library is compiled against.</summary>
    internal static ImmutableArray<MetadataReference> Platform => References.Value;

    /// <summary>Compiles the library in <paramref name="repository"/> with <paramref name="submission"/>'s replacements.</summary>
    public static CompiledLibrary Compile(Repository repository, Submission submission) =>
        Emit(repository, Compilation(repository, submission), out _);

    /// <summary>
    /// The compilation of the library in <paramref name="repository"/> with <paramref name="submission"/>'s
    /// replacements and <paramref name="added"/> sources (the mutation grader's switch).
    /// </summary>
    public static CSharpCompilation Compilation(Repository repository, Submission submission, IEnumerable<SourceFile>? added = null) =>
        CSharpCompilation.Create(
            AssemblyName,
            [.. Sources(repository, submission).Concat(added ?? []).Select(Parse), CSharpSyntaxTree.ParseText(SourceText.From(ImplicitUsings, Encoding.UTF8), ParseOptions, "ImplicitUsings.g.cs")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable, deterministic: true));

    /// <summary><paramref name="compilation"/> emitted, with the errors that stopped it (also as <paramref name="errors"/>, with their places).</summary>
    public static CompiledLibrary Emit(Repository repository, CSharpCompilation compilation, out ImmutableArray<Diagnostic> errors)
    {
        using var image = new MemoryStream();
        using var symbols = new MemoryStream();
        var result = compilation.Emit(image, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb),
            manifestResources: Resources(repository));
        errors = [.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];
        return new CompiledLibrary(image.ToArray(), symbols.ToArray(), [.. errors.Select(d => Describe(repository, d))]);
    }

    // The folders of src/Evs.Reference that are not compiled: build output.
    private static readonly string[] LeftOut = ["bin/", "obj/"];

    /// <summary>Every source file of the library, the replaced ones with the submission's path and text.</summary>
    public static IEnumerable<SourceFile> Sources(Repository repository, Submission submission)
    {
        var root = repository.LibrarySources;
        foreach (var path in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (LeftOut.Any(folder => relative.StartsWith(folder, StringComparison.Ordinal))) continue;
            yield return submission.Replacements.GetValueOrDefault(relative) ?? new SourceFile(path, File.ReadAllText(path));
        }
    }

    private static SyntaxTree Parse(SourceFile file) =>
        Trees.GetOrAdd((file.Path, file.Text), key => CSharpSyntaxTree.ParseText(SourceText.From(key.Text, Encoding.UTF8), ParseOptions, key.Path));

    // The scenarios embedded as the library's csproj embeds them (BuiltInScenarios reads them).
    private static IEnumerable<ResourceDescription> Resources(Repository repository) =>
        Directory.EnumerateFiles(Path.Combine(repository.LibrarySources, "Simulation", "Scenarios"), "*.json").Order(StringComparer.Ordinal)
            .Select(path => new ResourceDescription($"Evs.Reference.Simulation.Scenarios.{Path.GetFileName(path)}",
                () => File.OpenRead(path), isPublic: true));

    // The assemblies this process runs on (the framework and the packages the library uses), as
    // references: the same ones the compiled library will be loaded next to.
    private static ImmutableArray<MetadataReference> PlatformReferences() =>
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileNameWithoutExtension(path) is var name && (name.StartsWith("System", StringComparison.Ordinal)
                || name.StartsWith("Microsoft.Extensions", StringComparison.Ordinal) || name is "netstandard" or "mscorlib"))
            .Select(path => MetadataReference.CreateFromFile(path)),
    ];

    private static string Describe(Repository repository, Diagnostic d)
    {
        var span = d.Location.GetMappedLineSpan();
        var where = span.IsValid ? $"{repository.Show(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): " : "";
        return $"{where}error {d.Id}: {d.GetMessage()}";
    }
}
