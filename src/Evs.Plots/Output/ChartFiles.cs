// Writing a chart to the file a person asked for, by its extension: .html as it is, .png and
// .svg through Chromium (which reads the same standalone page). The size of a picture is the
// size the chart asked for, so a tall space-time diagram is not cut.
using Plotly.NET;

namespace Evs.Plots.Output;

/// <summary>Saves charts as .html, .png or .svg.</summary>
public static class ChartFiles
{
    /// <summary>The extensions <see cref="Save"/> knows.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".html", ".png", ".svg"];

    /// <summary>Saves <paramref name="chart"/> to <paramref name="path"/>, in the format its extension names.</summary>
    /// <exception cref="ChromiumMissingException">A .png or .svg on a machine without Chromium.</exception>
    /// <exception cref="ArgumentException">Another extension.</exception>
    public static void Save(GenericChart chart, string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".html")
        {
            ChartHtml.Save(chart, path);
            return;
        }
        if (!Extensions.Contains(extension)) throw new ArgumentException($"{path}: the picture must be .html, .png or .svg", nameof(path));
        if (!Chromium.Available) throw new ChromiumMissingException();
        var (width, height) = SizeOf(chart);
        string page = Path.Combine(Path.GetTempPath(), $"evs-plot-{Guid.NewGuid():N}.html");
        ChartHtml.Save(chart, page);
        try
        {
            if (extension == ".png") Chromium.SavePng(page, path, width, height);
            else Chromium.SaveSvg(page, path, width, height);
        }
        finally
        {
            File.Delete(page);
        }
    }

    /// <summary>The width and height the chart's layout asks for (Plotly's default 600 × 600 when it does not say).</summary>
    public static (int Width, int Height) SizeOf(GenericChart chart)
    {
        var layout = GenericChart.getLayout(chart);
        int Get(string name) => layout.TryGetPropertyValue(name) is { } value && value.Value is { } v ? Convert.ToInt32(v) : 600;
        return (Get("width"), Get("height"));
    }
}
