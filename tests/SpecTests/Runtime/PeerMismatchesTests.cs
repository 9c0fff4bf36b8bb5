// Tests of PeerMismatches alone (docs/BAD-PEERS.md), without sockets: what a node tells its
// operator about peers configured differently, and how often. A mismatch is told once per peer
// and what differs, however many datagrams come; again after that peer's datagrams passed; and
// "this node is the odd one out" only when every configured peer differs and nothing has passed.
using System.Net;
using Evs.Reference.Model;
using Evs.Runtime;
using Evs.Runtime.Wire;
using Microsoft.Extensions.Logging;
using Xunit;

namespace SpecTests.Runtime;

public sealed class PeerMismatchesTests
{
    private static readonly ProcessId P1 = new("p1"), P2 = new("p2"), P3 = new("p3");
    private static readonly IPEndPoint AtP2 = new(IPAddress.Loopback, 5406), AtP3 = new(IPAddress.Loopback, 5407);
    private static readonly DatagramGlimpse SameKey = new(true, DatagramHeader.Version, WireSecurityMode.Aes256Gcm, "evs", null);

    private readonly Lines _log = new();

    private PeerMismatches P1Mismatches() => new(P1, "evs", WireSecurityMode.Aes256Gcm, [P1, P2, P3], _log);

    [Fact]
    public void A_peer_whose_datagrams_fail_authentication_is_told_once_however_many_come_and_counted_under_its_name()
    {
        var mismatches = P1Mismatches();
        for (int i = 0; i < 5; i++) mismatches.Dropped(WireDrop.Unauthenticated, P3, AtP3, SameKey);

        Assert.Equal(["p1 drops datagrams from p3 at 127.0.0.1:5407: they fail authentication with this node's key: p3's key differs from this node's (or someone forges its datagrams); further ones are only counted (1 so far)"], _log);
        Assert.Equal([new MismatchedPeer("p3", 5, 0, 0)], mismatches.Peers);
    }

    [Fact]
    public void A_mismatch_is_told_again_after_the_peers_datagrams_passed_and_another_cluster_name_is_another_mismatch()
    {
        var mismatches = P1Mismatches();
        var other = SameKey with { ClusterName = "x" };
        mismatches.Dropped(WireDrop.OtherCluster, P3, AtP3, other);
        mismatches.Dropped(WireDrop.OtherCluster, P3, AtP3, other with { ClusterName = "y" });
        mismatches.Passed(P3);
        mismatches.Dropped(WireDrop.OtherCluster, P3, AtP3, other);

        Assert.Equal(3, _log.Count(l => l.StartsWith("p1 drops datagrams from p3 at 127.0.0.1:5407: they are of cluster", StringComparison.Ordinal)));
        Assert.Contains(_log, l => l.Contains("they are of cluster \"y\", this node's is \"evs\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Another_security_mode_is_told_as_such()
    {
        P1Mismatches().Dropped(WireDrop.Unauthenticated, P2, AtP2, SameKey with { Security = WireSecurityMode.HmacSha256 });

        Assert.Contains("they are sealed with security HmacSha256, this node's is Aes256Gcm: every node of a cluster needs the same key and security", Assert.Single(_log));
    }

    [Fact]
    public void This_node_is_the_odd_one_out_only_once_every_configured_peer_differed_and_nothing_passed()
    {
        var mismatches = P1Mismatches();
        mismatches.Dropped(WireDrop.Unauthenticated, P2, AtP2, SameKey);
        Assert.DoesNotContain(_log, l => l.Contains("this node's key differs from theirs", StringComparison.Ordinal));

        mismatches.Dropped(WireDrop.Unauthenticated, P3, AtP3, SameKey);
        mismatches.Dropped(WireDrop.Unauthenticated, P3, AtP3, SameKey);
        Assert.Single(_log, l => l == "p1: the datagrams of every peer (p2, p3) fail authentication and not one has passed: this node's key differs from theirs. "
            + "Give it the cluster's key file (the one evs keygen wrote, copied to every node) and restart it");
    }

    [Fact]
    public void Once_a_datagram_has_passed_a_peer_that_differs_is_that_peers_fault_not_this_nodes()
    {
        var mismatches = P1Mismatches();
        mismatches.Passed(P2);
        mismatches.Dropped(WireDrop.WrongVersion, P2, AtP2, SameKey with { Version = 2 });
        mismatches.Dropped(WireDrop.WrongVersion, P3, AtP3, SameKey with { Version = 2 });

        Assert.Equal(2, _log.Count);
        Assert.DoesNotContain(_log, l => l.Contains("every peer", StringComparison.Ordinal));
    }

    [Fact]
    public void A_datagram_of_another_format_is_told_as_another_program_at_the_port()
    {
        P1Mismatches().Dropped(WireDrop.WrongVersion, null, AtP2, new DatagramGlimpse(false, 0, null, null, null));

        Assert.StartsWith("p1 drops datagrams from 127.0.0.1:5406: they are not evs datagrams (no EVSW magic), so another program sends to this node's port", Assert.Single(_log));
    }

    /// <summary>A logger that keeps every message, formatted, at every level.</summary>
    private sealed class Lines : List<string>, ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => Add(formatter(state, exception));
    }
}
