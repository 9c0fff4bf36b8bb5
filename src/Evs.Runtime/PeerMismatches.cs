// The real network (the runtime driver): a peer configured differently from this node (another
// key or security mode, another cluster name, another wire version) sends datagrams that the wire
// format drops, and is dropped in turn: each side forms a ring without the other, silently, as if
// the other were down. So the node says so (issue #17, item 4; docs/BAD-PEERS.md): once per peer
// and mismatch, which peer, from where, and what differs; and when every configured peer differs
// the same way and not one datagram has passed, that it is this node that is configured wrong.
// The counts per peer go in the node's status, so that an operator sees which peer sends what.
using System.Net;
using Evs.Reference.Model;
using Evs.Runtime.Wire;
using Microsoft.Extensions.Logging;

namespace Evs.Runtime;

/// <summary>Datagrams of one peer dropped because it is configured differently from this node.</summary>
/// <param name="Peer">The peer: its identifier, or its address when its datagrams do not name one that can be read.</param>
/// <param name="Unauthenticated">Datagrams that failed authentication (another key or security mode).</param>
/// <param name="OtherCluster">Datagrams of another cluster name.</param>
/// <param name="WrongVersion">Datagrams of another wire version, or of another format.</param>
internal sealed record MismatchedPeer(string Peer, long Unauthenticated, long OtherCluster, long WrongVersion);

/// <summary>
/// What this node knows of peers configured differently from it: which drops are a mismatch
/// (<see cref="WireDrop.Unauthenticated"/>, <see cref="WireDrop.OtherCluster"/>,
/// <see cref="WireDrop.WrongVersion"/>), counted per peer and told in the log once per peer and
/// mismatch until a datagram of that peer passes again. Called from the event loop only;
/// <see cref="Peers"/> may be read from any thread.
/// </summary>
internal sealed class PeerMismatches
{
    /// <summary>Peers counted, at most: a sender named in an unauthenticated header is anyone's to choose.</summary>
    public const int MaxPeers = 64;

    private readonly ProcessId _self;
    private readonly string _cluster;
    private readonly WireSecurityMode _security;
    private readonly IReadOnlySet<ProcessId> _configured;
    private readonly ILogger _logger;
    private readonly Lock _counting = new();
    private readonly Dictionary<string, Counts> _counts = [];
    private readonly HashSet<(string Peer, WireDrop Drop, string Detail)> _told = [];
    private readonly HashSet<string> _toldPeers = [];
    private readonly HashSet<WireDrop> _concluded = [];
    private bool _anyPassed;

    private sealed class Counts
    {
        public long Unauthenticated, OtherCluster, WrongVersion;
        public string? Detail;
        public WireDrop? Last;
    }

    /// <summary>
    /// For process <paramref name="self"/> in cluster <paramref name="cluster"/> with
    /// <paramref name="security"/>, whose configuration names <paramref name="configured"/> as its peers.
    /// </summary>
    public PeerMismatches(ProcessId self, string cluster, WireSecurityMode security, IEnumerable<ProcessId> configured, ILogger logger)
    {
        _self = self;
        _cluster = cluster;
        _security = security;
        _configured = configured.Where(p => p != self).ToHashSet();
        _logger = logger;
    }

    /// <summary>Whether <paramref name="drop"/> says the sender is configured differently (rather than a copy, a forgery or a loss).</summary>
    public static bool IsMismatch(WireDrop drop) => drop is WireDrop.Unauthenticated or WireDrop.OtherCluster or WireDrop.WrongVersion;

    /// <summary>Whether <see cref="Passed"/> has anything to do: nothing has passed yet, or a peer's mismatch was told.</summary>
    public bool Watching => !_anyPassed || _toldPeers.Count > 0;

    /// <summary>The peers whose datagrams were dropped as a mismatch, with their counts, by name.</summary>
    public IReadOnlyList<MismatchedPeer> Peers
    {
        get
        {
            lock (_counting)
                return [.. _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new MismatchedPeer(c.Key, c.Value.Unauthenticated, c.Value.OtherCluster, c.Value.WrongVersion))];
        }
    }

    /// <summary>
    /// A datagram from <paramref name="source"/> was dropped for <paramref name="drop"/> (a mismatch,
    /// <see cref="IsMismatch"/>); <paramref name="peer"/> is the configured peer at that address, if any,
    /// and <paramref name="glimpse"/> what the datagram says of itself.
    /// </summary>
    public void Dropped(WireDrop drop, ProcessId? peer, IPEndPoint source, DatagramGlimpse glimpse)
    {
        var who = peer ?? glimpse.Sender;
        string name = who?.Name ?? source.ToString();
        string detail = Detail(drop, glimpse);
        Counts counts;
        lock (_counting)
        {
            if (!_counts.TryGetValue(name, out counts!))
            {
                if (_counts.Count >= MaxPeers) return;
                _counts[name] = counts = new Counts();
            }
            long count = drop switch
            {
                WireDrop.Unauthenticated => ++counts.Unauthenticated,
                WireDrop.OtherCluster => ++counts.OtherCluster,
                _ => ++counts.WrongVersion,
            };
            (counts.Last, counts.Detail) = (drop, detail);
            if (_told.Count < MaxPeers && _told.Add((name, drop, detail)))
            {
                _toldPeers.Add(name);
                Tell(drop, who?.Name ?? "a process", source, glimpse, count);
            }
        }
        if (!_anyPassed) Conclude(drop);
    }

    /// <summary>A datagram of <paramref name="peer"/> passed every check: a mismatch of it is told again if it comes back.</summary>
    public void Passed(ProcessId? peer)
    {
        _anyPassed = true;
        if (peer is { } p && _toldPeers.Remove(p.Name)) _told.RemoveWhere(t => t.Peer == p.Name);
    }

    // What differs, as a word that tells one mismatch from another of the same kind.
    private string Detail(WireDrop drop, DatagramGlimpse glimpse) => drop switch
    {
        WireDrop.Unauthenticated when glimpse.Security is { } theirs && theirs != _security => $"security {theirs}",
        WireDrop.Unauthenticated => "key",
        WireDrop.OtherCluster => $"cluster \"{glimpse.ClusterName}\"",
        _ => glimpse.IsEvs ? $"version {glimpse.Version}" : "not evs",
    };

    private void Tell(WireDrop drop, string peer, IPEndPoint source, DatagramGlimpse glimpse, long count)
    {
        switch (drop)
        {
            case WireDrop.Unauthenticated when glimpse.Security is { } theirs && theirs != _security:
                RuntimeLog.OtherSecurity(_logger, _self, peer, source, theirs, _security, count);
                break;
            case WireDrop.Unauthenticated:
                RuntimeLog.OtherKey(_logger, _self, peer, source, count);
                break;
            case WireDrop.OtherCluster:
                RuntimeLog.OtherClusterName(_logger, _self, peer, source, glimpse.ClusterName ?? "?", _cluster, count);
                break;
            case WireDrop.WrongVersion when glimpse.IsEvs:
                RuntimeLog.OtherWireVersion(_logger, _self, peer, source, glimpse.Version, DatagramHeader.Version, count);
                break;
            default:
                RuntimeLog.NotEvs(_logger, _self, source, count);
                break;
        }
    }

    // Every configured peer has sent datagrams dropped for the same mismatch, and not one datagram
    // has passed: the odd one out is this node. Told once per kind of mismatch.
    private void Conclude(WireDrop drop)
    {
        if (_configured.Count == 0 || _concluded.Contains(drop)) return;
        List<string> details;
        lock (_counting)
        {
            if (!_configured.All(p => _counts.TryGetValue(p.Name, out var c) && c.Last == drop)) return;
            details = [.. _configured.Select(p => _counts[p.Name].Detail!).Distinct().Order(StringComparer.Ordinal)];
        }
        _concluded.Add(drop);
        string peers = string.Join(", ", _configured.Select(p => p.Name).Order(StringComparer.Ordinal));
        string theirs = string.Join(" or ", details);
        switch (drop)
        {
            case WireDrop.Unauthenticated when details.All(d => d == "key"):
                RuntimeLog.ThisNodesKeyDiffers(_logger, _self, peers);
                break;
            case WireDrop.Unauthenticated:
                RuntimeLog.ThisNodesSecurityDiffers(_logger, _self, peers, theirs, _security);
                break;
            case WireDrop.OtherCluster:
                RuntimeLog.ThisNodesClusterDiffers(_logger, _self, peers, theirs, _cluster);
                break;
            default:
                RuntimeLog.ThisNodesVersionDiffers(_logger, _self, peers, theirs, DatagramHeader.Version);
                break;
        }
    }
}
