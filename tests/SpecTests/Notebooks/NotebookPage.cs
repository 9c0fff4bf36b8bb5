// A notebook's page as a student's browser shows it: Debian's Chromium, driven headless through
// chromium-driver, opens the HTML (nbconvert's, or `evs notebook run --html`'s), runs its scripts,
// and is asked what a student would see: whether every chart of the page drew, whether the
// global Plotly the charts draw with is defined, and what the console reported as an error.
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace SpecTests.Notebooks;

/// <summary>What a browser showed of a notebook's page.</summary>
/// <param name="Charts">The charts on the page (each KernelPlots fragment is one <c>div.evs-plot</c>).</param>
/// <param name="Drawn">How many of them plotly.js drew (an <c>svg.main-svg</c> inside).</param>
/// <param name="PlotlyDefined">Whether <c>window.Plotly</c> was set when the page had settled.</param>
/// <param name="ConsoleErrors">The console's errors: uncaught exceptions, failed loads, console.error.</param>
internal sealed record NotebookPage(int Charts, int Drawn, bool PlotlyDefined, IReadOnlyList<string> ConsoleErrors)
{
    private const string Browser = "/usr/bin/chromium", Driver = "/usr/bin/chromedriver";

    /// <summary>Why the browser cannot be used here, or null when it can.</summary>
    public static string? Missing =>
        File.Exists(Browser) && File.Exists(Driver) ? null
        : "Chromium and its driver are not installed: apt-get install -y chromium chromium-driver (.ci/run installs them)";

    /// <summary>
    /// Opens <paramref name="htmlPath"/> and waits (at most <paramref name="patience"/>) until every
    /// chart has drawn, and until there are <paramref name="expectedCharts"/> of them on a page that
    /// adds its outputs over time; then reads the page. A chart that never draws is counted, not
    /// waited for forever.
    /// </summary>
    public static NotebookPage Open(string htmlPath, TimeSpan patience, int expectedCharts = 0) =>
        WithBrowser(driver =>
        {
            driver.Navigate().GoToUrl(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);
            return Read(driver, patience, expectedCharts);
        });

    /// <summary>
    /// Opens a notebook in the classic Jupyter Notebook at <paramref name="url"/>, waits for its
    /// kernel, runs all cells as the student's Cell ▸ Run All does, and waits (at most
    /// <paramref name="patience"/>) for every cell to finish and every chart to draw. Returns the page
    /// and the notebook as the page then holds it (.ipynb JSON, outputs included); with
    /// <paramref name="screenshot"/>, saves what the window shows with the cell of the first chart at its top.
    /// </summary>
    public static (NotebookPage Page, string Notebook) RunAllInClassicNotebook(Uri url, TimeSpan patience, string? screenshot) =>
        WithBrowser(driver =>
        {
            driver.Navigate().GoToUrl(url.AbsoluteUri);
            Until(driver, patience, "return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected());");
            driver.ExecuteScript("Jupyter.notebook.execute_all_cells();");
            Until(driver, patience, "return Jupyter.notebook.get_cells().filter(function (c) { return c.cell_type === 'code'; })"
                + ".every(function (c) { return typeof c.input_prompt_number === 'number'; });");
            var page = Read(driver, patience, expectedCharts: 0);
            string notebook = (string)driver.ExecuteScript("return JSON.stringify(Jupyter.notebook.toJSON());")!;
            if (screenshot is not null)
            {
                driver.ExecuteScript("var plot = document.querySelector('div.evs-plot'); if (plot) (plot.closest('.cell') || plot).scrollIntoView({ block: 'start' });");
                Thread.Sleep(500);
                driver.GetScreenshot().SaveAsFile(screenshot);
            }
            return (page, notebook);
        });

    /// <summary>A one-line account for a failing assertion.</summary>
    public override string ToString() =>
        $"{Drawn} of {Charts} charts drawn, Plotly {(PlotlyDefined ? "defined" : "undefined")}, console errors: "
        + (ConsoleErrors.Count == 0 ? "none" : string.Join(" | ", ConsoleErrors));

    // A headless Chromium for one look at one page, its console recorded.
    private static T WithBrowser<T>(Func<ChromeDriver, T> look)
    {
        string profile = Directory.CreateTempSubdirectory("evs-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            $"--user-data-dir={profile}", "--window-size=1280,1000", "--hide-scrollbars");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        try
        {
            using var driver = new ChromeDriver(service, options, TimeSpan.FromMinutes(2));
            return look(driver);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    // Waits for the charts to be there and to draw (at most patience), then reads the page's charts, Plotly and console.
    private static NotebookPage Read(ChromeDriver driver, TimeSpan patience, int expectedCharts)
    {
        var (charts, drawn) = Count(driver);
        for (var waited = TimeSpan.Zero; (charts < expectedCharts || drawn < charts) && waited < patience; waited += Poll)
        {
            Thread.Sleep(Poll);
            (charts, drawn) = Count(driver);
        }
        bool plotly = (bool)driver.ExecuteScript("return typeof window.Plotly === 'object' && typeof window.Plotly.newPlot === 'function';")!;
        var errors = driver.Manage().Logs.GetLog(LogType.Browser)
            .Where(entry => entry.Level == LogLevel.Severe)
            .Select(entry => entry.Message.Length <= 300 ? entry.Message : entry.Message[..300] + " …")
            .ToList();
        return new NotebookPage(charts, drawn, plotly, errors);
    }

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    private static void Until(ChromeDriver driver, TimeSpan patience, string condition)
    {
        for (var waited = TimeSpan.Zero; !(bool)driver.ExecuteScript(condition)!; waited += Poll)
        {
            if (waited > patience) throw new TimeoutException($"the page did not come to this within {patience}: {condition}");
            Thread.Sleep(Poll);
        }
    }

    private static (int Charts, int Drawn) Count(ChromeDriver driver)
    {
        var counts = (IReadOnlyCollection<object>)driver.ExecuteScript(
            "var plots = Array.from(document.querySelectorAll('div.evs-plot'));"
            + "return [plots.length, plots.filter(function (p) { return p.querySelector('svg.main-svg') !== null; }).length];")!;
        var numbers = counts.Select(Convert.ToInt32).ToList();
        return (numbers[0], numbers[1]);
    }
}
