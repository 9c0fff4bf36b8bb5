// Two libraries called Evs.Reference in one process: the one the command was built with, and
// the student's, compiled in memory. A collectible load context of its own holds the student's,
// with a second copy of this grading assembly whose references to Evs.Reference bind to it;
// everything else (the framework, FsCheck) is shared with the default context.
using System.Reflection;
using System.Runtime.Loader;

namespace Evs.Grading.Labs;

/// <summary>A load context in which "Evs.Reference" is a compiled submission.</summary>
public sealed class GradingLoadContext : AssemblyLoadContext
{
    private readonly Assembly _library;
    private readonly string _gradingPath = typeof(GradingLoadContext).Assembly.Location;

    /// <summary>A context whose Evs.Reference is <paramref name="compiled"/>.</summary>
    public GradingLoadContext(CompiledLibrary compiled) : base("evs-lab", isCollectible: true)
    {
        using var image = new MemoryStream(compiled.Image);
        using var symbols = new MemoryStream(compiled.Symbols);
        _library = LoadFromStream(image, symbols);
    }

    /// <summary>The grading assembly as loaded in this context, bound to the compiled library.</summary>
    public Assembly Grading => LoadFromAssemblyName(typeof(GradingLoadContext).Assembly.GetName());

    /// <inheritdoc/>
    protected override Assembly? Load(AssemblyName name) => name.Name switch
    {
        LibraryCompiler.AssemblyName => _library,
        var own when own == typeof(GradingLoadContext).Assembly.GetName().Name => LoadFromAssemblyPath(_gradingPath),
        _ => null,
    };
}
