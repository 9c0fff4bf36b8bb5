// The options of the live view, shared by `evs cluster`, `evs node` and `evs watch`: --web says
// where to serve the page, --web-events how many events it keeps. The page is served on this
// machine only (127.0.0.1) unless an address is given: a class on a LAN opens it with
// --web 0.0.0.0:8080, a choice made on purpose, since `evs cluster`'s page can kill nodes.
using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Evs.Cli.Web;

/// <summary>Where to serve the live view (<paramref name="At"/>) and how many events it keeps (<paramref name="Events"/>).</summary>
internal sealed record WebPlan(IPEndPoint At, int Events);

/// <summary>The --web and --web-events options, read.</summary>
internal static class WebOptions
{
    /// <summary>The port of --web given without one.</summary>
    public const int DefaultPort = 8080;

    /// <summary>The port of <c>evs watch</c>'s page: another than a node's, since the instructor's laptop may run both.</summary>
    public const int WatchPort = 8090;

    /// <summary>The --web option; <paramref name="what"/> says what the page shows.</summary>
    public static Option<string?> Web(string what, int defaultPort = DefaultPort) => new("--web")
    {
        Description = $"Serve a live picture of {what} in a browser, evs plot's space-time diagram growing as events come, at http://127.0.0.1:PORT/ "
            + $"(PORT {defaultPort} when none is given); ADDR:PORT serves it on that address instead, e.g. 0.0.0.0:{defaultPort} for every machine of the LAN (docs/LIVE.md).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>The --web-events option.</summary>
    public static Option<int> Events() => new("--web-events")
    {
        Description = "The live picture keeps the newest N events; older ones are left out of it (and counted on the page), never out of the trace.",
        DefaultValueFactory = _ => LiveView.DefaultCapacity,
    };

    /// <summary>
    /// The live view asked for, or null when --web was not given. A port alone is on 127.0.0.1;
    /// ADDR:PORT (IPv4, or [IPv6]:PORT) on that address; port 0 takes any free port; --web alone
    /// is <paramref name="defaultPort"/>.
    /// </summary>
    /// <exception cref="FormatException">The value is neither a port nor ADDR:PORT, or --web-events is not positive.</exception>
    public static WebPlan? Plan(ParseResult parse, Option<string?> web, Option<int> events, int defaultPort = DefaultPort) =>
        parse.GetResult(web) is null ? null : Always(parse, web, events, defaultPort);

    /// <summary>The live view of a command that always serves one (evs watch): without --web, as with --web alone.</summary>
    /// <exception cref="FormatException">The value is neither a port nor ADDR:PORT, or --web-events is not positive.</exception>
    public static WebPlan Always(ParseResult parse, Option<string?> web, Option<int> events, int defaultPort)
    {
        int count = parse.GetValue(events);
        if (count < 1) throw new FormatException($"--web-events must be at least 1, not {count}");
        return new WebPlan(EndPoint(parse.GetValue(web), defaultPort), count);
    }

    private static IPEndPoint EndPoint(string? value, int defaultPort)
    {
        if (string.IsNullOrEmpty(value)) return new IPEndPoint(IPAddress.Loopback, defaultPort);
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
            return port <= IPEndPoint.MaxPort ? new IPEndPoint(IPAddress.Loopback, port) : throw Bad(value, "the port must be from 0 to 65535");
        if (IPEndPoint.TryParse(value, out var endPoint) && HasPort(value)) return endPoint;
        throw Bad(value, "give a port (--web 8080) or an address and a port (--web 0.0.0.0:8080 to be seen from the LAN); host names are not resolved");
    }

    // IPEndPoint reads "1.2.3.4" and "::1" too, as port 0: here a port must be written, after the
    // one colon of an IPv4 address or after the bracket of an IPv6 one.
    private static bool HasPort(string value) =>
        value.StartsWith('[') ? value.Contains("]:", StringComparison.Ordinal) : value.Count(c => c == ':') == 1;

    private static FormatException Bad(string value, string why) => new($"--web \"{value}\" is not a port or ADDR:PORT: {why}");

    /// <summary>
    /// The URLs a person opens for a page served at <paramref name="bound"/>: the address itself, or
    /// for 0.0.0.0 (every interface) 127.0.0.1 and this machine's LAN addresses.
    /// </summary>
    public static IReadOnlyList<string> Urls(IPEndPoint bound)
    {
        if (!bound.Address.Equals(IPAddress.Any) && !bound.Address.Equals(IPAddress.IPv6Any)) return [Url(bound)];
        var addresses = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork);
        return [Url(new IPEndPoint(IPAddress.Loopback, bound.Port)), .. addresses.Select(a => Url(new IPEndPoint(a, bound.Port)))];
    }

    private static string Url(IPEndPoint at) => $"http://{at}/";
}
