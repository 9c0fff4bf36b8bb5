// The live view's page (--web, evs watch) as a person sees it: Debian's Chromium, headless,
// driven through chromium-driver, opens the page that evs serves, clicks its controls and types
// in them, and is asked what the page shows: the labels of the diagram plotly.js drew (read
// from the figure on the page, as drawn), the status line, the answer under the controls.
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit;

namespace SpecTests.Cli;

/// <summary>A live page open in a headless Chromium.</summary>
internal sealed class LivePage : IDisposable
{
    private const string Browser = "/usr/bin/chromium", Driver = "/usr/bin/chromedriver";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private readonly ChromeDriver _driver;
    private readonly string _profile;

    private LivePage(ChromeDriver driver, string profile)
    {
        _driver = driver;
        _profile = profile;
    }

    /// <summary>Why the browser cannot be used here, or null when it can.</summary>
    public static string? Missing =>
        File.Exists(Browser) && File.Exists(Driver) ? null
        : "Chromium and its driver are not installed: apt-get install -y chromium chromium-driver (.ci/run installs them)";

    /// <summary>Opens <paramref name="url"/> in a window the size of a projector's picture.</summary>
    public static LivePage Open(string url)
    {
        string profile = Directory.CreateTempSubdirectory("evs-live-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            $"--user-data-dir={profile}", "--window-size=1600,1000", "--hide-scrollbars");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromMinutes(1));
        driver.Navigate().GoToUrl(url);
        return new LivePage(driver, profile);
    }

    /// <summary>
    /// Every text the diagram shows as drawn on the page: the labels of its text traces (the
    /// configurations' members, each part of a label that bars at one height share; the messages'
    /// texts or names) and any annotation.
    /// </summary>
    public IReadOnlyList<string> Labels() => Strings("""
        var plot = document.getElementById('plot'), texts = [];
        (plot.data || []).forEach(function (t) {
          if (t.mode && t.mode.indexOf('text') >= 0 && Array.isArray(t.text))
            t.text.forEach(function (x) { texts = texts.concat(String(x).split('  \u00b7  ')); }); // bars at one height share one label
        });
        ((plot.layout || {}).annotations || []).forEach(function (a) { texts.push(a.text); });
        return texts;
        """);

    /// <summary>The title of the diagram's time axis, as drawn.</summary>
    public string TimeAxisTitle => (string)_driver.ExecuteScript(
        "var axis = (document.getElementById('plot').layout || {}).yaxis, title = axis && axis.title;"
        + "return title ? String(title.text || title) : '';")!;

    /// <summary>How many points the diagram's trace named <paramref name="name"/> has (0 when there is none).</summary>
    public int Points(string name) => Convert.ToInt32(_driver.ExecuteScript(
        "var name = arguments[0], t = (document.getElementById('plot').data || []).filter(function (t) { return t.name === name; })[0];"
        + "return t ? t.x.length : 0;", name));

    /// <summary>What the browser's console reported as errors so far: uncaught exceptions, failed loads, console.error.</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        [.. _driver.Manage().Logs.GetLog(LogType.Browser).Where(entry => entry.Level == LogLevel.Severe).Select(entry => entry.Message)];

    /// <summary>The status line's text.</summary>
    public string Status => _driver.FindElement(By.Id("status")).Text;

    /// <summary>The answer to the last command, under the controls.</summary>
    public string Answer => _driver.FindElement(By.Id("answer")).Text;

    /// <summary>Chooses <paramref name="value"/> in the select element <paramref name="id"/>.</summary>
    public void Choose(string id, string value) =>
        _driver.ExecuteScript("document.getElementById(arguments[0]).value = arguments[1];", id, value);

    /// <summary>Types <paramref name="text"/> into the input <paramref name="id"/>.</summary>
    public void Type(string id, string text) => _driver.FindElement(By.Id(id)).SendKeys(text);

    /// <summary>Clicks the button <paramref name="id"/>, scrolled to the middle of the window first, as a person scrolls to a button below the page's sticky header.</summary>
    public void Click(string id)
    {
        var button = _driver.FindElement(By.Id(id));
        _driver.ExecuteScript("arguments[0].scrollIntoView({ block: 'center' });", button);
        button.Click();
    }

    /// <summary>Waits until <paramref name="condition"/> holds of the page (at most <see cref="EvsProcess.Patience"/>); fails the test with <paramref name="what"/> and the page's state otherwise.</summary>
    public async Task UntilAsync(string what, Func<LivePage, bool> condition)
    {
        var deadline = DateTime.UtcNow + EvsProcess.Patience;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"the page did not come to show {what} within {EvsProcess.Patience.TotalSeconds} s; it shows labels [{string.Join(" | ", Labels())}], status \"{Status}\", answer \"{Answer}\"");
            await Task.Delay(Poll);
        }
    }

    /// <summary>Saves the whole page, as high as the diagram has grown (not only the window), as a PNG.</summary>
    public void Screenshot(string path)
    {
        var metrics = (Dictionary<string, object>)_driver.ExecuteCdpCommand("Page.getLayoutMetrics", [])!;
        var content = (Dictionary<string, object>)metrics["cssContentSize"];
        var shot = (Dictionary<string, object>)_driver.ExecuteCdpCommand("Page.captureScreenshot", new Dictionary<string, object?>
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new Dictionary<string, object?>
            {
                ["x"] = 0, ["y"] = 0, ["width"] = Convert.ToDouble(content["width"]), ["height"] = Convert.ToDouble(content["height"]), ["scale"] = 1,
            },
        })!;
        File.WriteAllBytes(path, Convert.FromBase64String((string)shot["data"]));
    }

    /// <summary>Closes the browser.</summary>
    public void Dispose()
    {
        _driver.Quit();
        _driver.Dispose();
        Directory.Delete(_profile, recursive: true);
    }

    private List<string> Strings(string script) =>
        [.. ((IReadOnlyCollection<object>)_driver.ExecuteScript(script)!).Select(o => o?.ToString() ?? "")];
}
