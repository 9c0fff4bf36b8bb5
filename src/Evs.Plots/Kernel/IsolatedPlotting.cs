// Why this exists (TOOLCHAIN.md, "Known break"): the notebook kernels students use — the
// dotnet-interactive tool and dotnet repl — carry FSharp.Core 10.0 in their own process, and
// Plotly.NET 6 needs FSharp.Core 10.1. A process has one FSharp.Core per load context, so any
// Plotly.NET chart made in the kernel's context fails to load. This load context is a second
// world beside the kernel's: it loads Evs.Plots again, with Plotly.NET and FSharp.Core 10.1, from
// the folder Evs.Plots.dll was built into, and takes from the process only the .NET framework
// itself. KernelPlots talks to it with strings only.
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Evs.Plots.Kernel;

/// <summary>The isolated load context of the plotting code, one per process.</summary>
internal sealed class IsolatedPlotting : AssemblyLoadContext
{
    private static readonly Lazy<IsolatedPlotting> Instance = new(() => new IsolatedPlotting(FolderOfThisAssembly()));

    private readonly string _folder;
    private readonly Lazy<MethodInfo> _render;

    private IsolatedPlotting(string folder) : base("Evs.Plots isolated from the kernel's FSharp.Core")
    {
        _folder = folder;
        _render = new Lazy<MethodInfo>(() =>
        {
            var plots = LoadFromAssemblyPath(Path.Combine(_folder, "Evs.Plots.dll"));
            var renderer = plots.GetType(typeof(IsolatedRenderer).FullName!, throwOnError: true)!;
            return renderer.GetMethod(nameof(IsolatedRenderer.Render), BindingFlags.Public | BindingFlags.Static)!;
        });
    }

    /// <summary>Calls <see cref="IsolatedRenderer.Render"/> in the isolated context.</summary>
    public static string Render(string view, string traceText, string highlight, bool compact, bool milliseconds, string title)
    {
        try
        {
            return (string)Instance.Value._render.Value.Invoke(null, [view, traceText, highlight, compact, milliseconds, title])!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            // The exception's type lives in the other context; its message is what matters.
            throw new InvalidOperationException($"plotting failed: {inner.Message}", inner);
        }
    }

    /// <summary>
    /// The framework (System.*, Microsoft.*, netstandard from the runtime's own folder) is shared with
    /// the process; everything else comes from Evs.Plots's folder, FSharp.Core above all.
    /// </summary>
    protected override Assembly? Load(AssemblyName name)
    {
        if (IsFramework(name)) return null;
        string path = Path.Combine(_folder, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    private static bool IsFramework(AssemblyName name) =>
        File.Exists(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), name.Name + ".dll"));

    private static string FolderOfThisAssembly()
    {
        string location = typeof(IsolatedPlotting).Assembly.Location;
        if (location.Length == 0)
            throw new InvalidOperationException("Evs.Plots was loaded without a file; load it with #r \"path/to/Evs.Plots.dll\" so that Plotly.NET and FSharp.Core 10.1 are found beside it");
        return Path.GetDirectoryName(location)!;
    }
}
