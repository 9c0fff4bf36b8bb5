// Pictures for papers and READMEs: a headless Chromium opens the chart's standalone page and
// saves what it shows (PNG), or lets plotly.js itself export the chart (SVG). Chromium is a
// Debian package (apt-get install chromium); without it this class says so instead of guessing.
using System.Diagnostics;
using System.Net;

namespace Evs.Plots.Output;

/// <summary>Renders chart pages to PNG or SVG with a local headless Chromium.</summary>
public static class Chromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    /// <summary>
    /// The browser found on this machine, or null: the one <c>EVS_CHROMIUM</c> names, when it is set
    /// (and none if it names no file: a wrong setting is said, not passed over), else a Debian one.
    /// </summary>
    public static string? Find() => Environment.GetEnvironmentVariable("EVS_CHROMIUM") is { Length: > 0 } set
        ? (File.Exists(set) ? set : null)
        : Candidates.FirstOrDefault(File.Exists);

    /// <summary>Whether PNG and SVG output can be made here.</summary>
    public static bool Available => Find() is not null;

    /// <summary>
    /// Saves a screenshot of the page at <paramref name="htmlPath"/>, <paramref name="width"/> × <paramref name="height"/>
    /// pixels, without plotly.js's toolbar (a picture has no buttons to press).
    /// </summary>
    /// <exception cref="ChromiumMissingException">No Chromium on this machine.</exception>
    public static void SavePng(string htmlPath, string pngPath, int width, int height)
    {
        WithCopy(htmlPath, "<style>.modebar-container { display: none; }</style>", copy =>
            Run(copy, width, height, $"--screenshot={Path.GetFullPath(pngPath)}"));
        if (!File.Exists(pngPath)) throw new IOException($"chromium wrote no screenshot to {pngPath}");
    }

    /// <summary>
    /// Saves the chart of the page at <paramref name="htmlPath"/> as SVG: a copy of the page asks
    /// plotly.js for the SVG (Plotly.toImage) and puts it in the document, which Chromium prints.
    /// </summary>
    public static void SaveSvg(string htmlPath, string svgPath, int width, int height) =>
        WithCopy(htmlPath, SvgExport(width, height), copy =>
        {
            string dom = Run(copy, width, height, "--dump-dom");
            const string open = "<pre id=\"evs-svg\">";
            int start = dom.IndexOf(open, StringComparison.Ordinal);
            int end = start < 0 ? -1 : dom.IndexOf("</pre>", start, StringComparison.Ordinal);
            if (end < 0) throw new IOException("plotly.js exported no SVG (the page did not finish drawing in time)");
            File.WriteAllText(svgPath, WebUtility.HtmlDecode(dom[(start + open.Length)..end]));
        });

    // A temporary copy of the page with something added at the end of its body, for Chromium to open.
    private static void WithCopy(string htmlPath, string addition, Action<string> use)
    {
        string copy = Path.Combine(Path.GetTempPath(), $"evs-chromium-{Guid.NewGuid():N}.html");
        File.WriteAllText(copy, File.ReadAllText(htmlPath).Replace("</body>", addition + "</body>", StringComparison.Ordinal));
        try
        {
            use(copy);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    // Waits for plotly.js to have drawn the chart, exports it, and writes the SVG text into a <pre>.
    private static string SvgExport(int width, int height) => $$"""
        <script>
        (function exportSvg() {
          var chart = document.querySelector('.js-plotly-plot');
          if (!chart || !chart._fullLayout) { setTimeout(exportSvg, 50); return; }
          Plotly.toImage(chart, { format: 'svg', width: {{width}}, height: {{height}} }).then(function (url) {
            var pre = document.createElement('pre');
            pre.id = 'evs-svg';
            pre.textContent = decodeURIComponent(url.substring(url.indexOf(',') + 1));
            document.body.appendChild(pre);
          });
        })();
        </script>
        """;

    // The flags of TOOLCHAIN.md: no sandbox (root), no GPU, no network of its own, a throwaway
    // profile, and enough virtual time for plotly.js to draw.
    private static string Run(string htmlPath, int width, int height, string action)
    {
        string browser = Find() ?? throw new ChromiumMissingException();
        string profile = Directory.CreateTempSubdirectory("evs-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(browser)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic", $"--user-data-dir={profile}", "--hide-scrollbars",
                $"--window-size={width},{height}", "--virtual-time-budget=10000", action, new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
            }) start.ArgumentList.Add(arg);
            using var process = Process.Start(start) ?? throw new IOException($"could not start {browser}");
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new IOException($"{browser} did not finish within 2 minutes");
            }
            if (process.ExitCode != 0) throw new IOException($"{browser} exited with {process.ExitCode}: {stderr.Result}");
            return stdout;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}

/// <summary>PNG or SVG was asked for on a machine without Chromium.</summary>
public sealed class ChromiumMissingException()
    : Exception((Environment.GetEnvironmentVariable("EVS_CHROMIUM") is { Length: > 0 } set ? $"EVS_CHROMIUM names {set}, which does not exist. " : "")
        + "PNG and SVG output need a headless Chromium at /usr/bin/chromium (Debian: apt-get install -y chromium; or set EVS_CHROMIUM to a Chromium executable). HTML output needs nothing.");
