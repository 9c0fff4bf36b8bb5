// What `evs node` and `evs cluster` read from their command lines that the library does not
// parse: addresses (ADDR:PORT), peer lists (p2=ADDR:PORT,...) and the protocol's timeouts derived
// from one token timeout, so that a user types one number where the library has five.
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Ordering;

namespace Evs.Cli.Network;

/// <summary>Parsing of the network arguments; every failure is a <see cref="FormatException"/> that says what is wrong.</summary>
internal static class NodeArguments
{
    /// <summary>The shortest token timeout accepted: below it a busy host is taken for a failed one at every hiccup.</summary>
    public const double MinTokenTimeoutMs = 20;

    /// <summary>An IPv4 or IPv6 address and a port, written <c>ADDR:PORT</c> (IPv6 as <c>[ADDR]:PORT</c>).</summary>
    /// <exception cref="FormatException">Not an address and port.</exception>
    public static IPEndPoint EndPoint(string text, string what)
    {
        var trimmed = text.Trim();
        if (!IPEndPoint.TryParse(trimmed, out var endPoint))
            throw new FormatException(IsHostName(trimmed)
                ? $"{what} \"{text}\" names a host: host names are not resolved (a name can change its address under a running cluster); give its IP address, ADDR:PORT{(trimmed.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? " (localhost is 127.0.0.1)" : "")}"
                : $"{what} \"{text}\" is not ADDR:PORT (for example 127.0.0.1:5405)");
        bool hasPort = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? trimmed.Contains("]:", StringComparison.Ordinal) : trimmed.Contains(':');
        if (!hasPort) throw new FormatException($"{what} \"{text}\" has no port: write ADDR:PORT (IPv6: [ADDR]:PORT)");
        return endPoint;
    }

    // NAME:PORT with a name that is no IP address: letters, digits, dots and hyphens, a letter among them.
    private static bool IsHostName(string text) =>
        text.LastIndexOf(':') is > 0 and var colon && int.TryParse(text[(colon + 1)..], out _)
        && text[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-') && text[..colon].Any(char.IsAsciiLetter);

    /// <summary>
    /// Refuses a peer list that cannot work for process <paramref name="self"/> bound at
    /// <paramref name="bind"/>: itself named at another address (the others would send where it
    /// does not listen), another process at its own address (it would talk to itself), or two
    /// processes at one address.
    /// </summary>
    /// <exception cref="FormatException">What is wrong, naming the processes and the address.</exception>
    public static void CheckPeers(ProcessId self, IPEndPoint bind, IReadOnlyDictionary<ProcessId, IPEndPoint> peers)
    {
        if (peers.TryGetValue(self, out var own) && !own.Equals(bind))
            throw new FormatException($"--peers names this process, {self}, at {own}, but --bind is {bind}: the others would send where it does not listen. Give it the same address in both, or leave it out of --peers");
        var at = new Dictionary<IPEndPoint, ProcessId> { [bind] = self };
        foreach (var (peer, address) in peers.OrderBy(p => p.Key.Name, StringComparer.Ordinal))
        {
            if (peer == self) continue;
            if (at.TryGetValue(address, out var other))
                throw new FormatException(other == self
                    ? $"--peers puts {peer} at {address}, this process's own address (--bind): it would talk to itself. Give {peer} its own port"
                    : $"--peers puts {other} and {peer} both at {address}: give each process its own port");
            at[address] = peer;
        }
    }

    /// <summary>An address without a port.</summary>
    /// <exception cref="FormatException">Not an IP address.</exception>
    public static IPAddress Address(string text, string what) =>
        IPAddress.TryParse(text.Trim(), out var address) ? address : throw new FormatException($"{what} \"{text}\" is not an IP address");

    /// <summary>A peer list <c>p2=ADDR:PORT,p3=ADDR:PORT</c>: identifiers (letters, digits, '-', '_') each with one address.</summary>
    /// <exception cref="FormatException">An entry is malformed, an identifier invalid, or one named twice.</exception>
    public static ImmutableDictionary<ProcessId, IPEndPoint> Peers(string text)
    {
        var peers = ImmutableDictionary.CreateBuilder<ProcessId, IPEndPoint>();
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = entry.IndexOf('=');
            if (equals <= 0) throw new FormatException($"peer \"{entry}\" is not ID=ADDR:PORT (for example p2=127.0.0.1:5406)");
            var id = Process(entry[..equals], "peer");
            if (peers.ContainsKey(id)) throw new FormatException($"peer {id} is named twice");
            peers[id] = EndPoint(entry[(equals + 1)..], $"the address of {id}");
        }
        if (peers.Count == 0) throw new FormatException("the peer list is empty: give ID=ADDR:PORT,...");
        return peers.ToImmutable();
    }

    /// <summary>A membership policy <c>p1,p2,p3</c>: process identifiers, none twice.</summary>
    /// <exception cref="FormatException">An identifier is invalid or named twice, or the list is empty.</exception>
    public static ImmutableSortedSet<ProcessId> Members(string text)
    {
        var members = ImmutableSortedSet.CreateBuilder(ProcessId.Ordinal);
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!members.Add(Process(entry, "--members: member")))
                throw new FormatException($"--members names {entry} twice");
        if (members.Count == 0) throw new FormatException("--members is empty: give the identifiers of every process of the cluster, ID,ID,...");
        return members.ToImmutable();
    }

    /// <summary>A process identifier.</summary>
    /// <exception cref="FormatException">Not letters, digits, '-' and '_'.</exception>
    public static ProcessId Process(string text, string what) =>
        ProcessId.IsValid(text.Trim()) ? new ProcessId(text.Trim()) : throw new FormatException($"{what} \"{text}\" is not a process identifier (letters, digits, '-' and '_')");

    /// <summary>
    /// The protocol's timeouts for a token loss timeout of <paramref name="tokenMs"/>, in Corosync's
    /// proportions: consensus 1.2 × token, token retransmission token / 4.2 (four retransmissions
    /// before the token is lost), join and merge at Corosync's 50 and 200 ms, or a tenth and a third
    /// of the token when that is shorter. 3000 gives Corosync's defaults.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="tokenMs"/> is shorter than <see cref="MinTokenTimeoutMs"/>.</exception>
    public static (MembershipSettings Membership, TotemSettings Totem) Timeouts(double tokenMs)
    {
        if (!(tokenMs >= MinTokenTimeoutMs)) throw new FormatException($"the token timeout ({tokenMs} ms) must be at least {MinTokenTimeoutMs} ms");
        var membership = new MembershipSettings(tokenMs, Math.Min(50, tokenMs / 10), 1.2 * tokenMs, Math.Min(200, tokenMs / 3));
        return (membership, TotemSettings.Default with { TokenRetransmitTimeoutMs = tokenMs / 4.2 });
    }
}
