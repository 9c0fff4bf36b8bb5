// The real network (the runtime driver): every log line of the runtime, in one place, so that an
// operator's view (what changed, why, what was dropped) is consistent and cheap when disabled.
// Membership changes and their reasons at Information, drops at Debug with their running counts.
using System.Net;
using System.Net.Sockets;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Runtime.Wire;
using Microsoft.Extensions.Logging;

namespace Evs.Runtime;

/// <summary>The runtime's log messages (source-generated, so a disabled level costs a check).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Process} starts for the first time at {Address} (store {Store})")]
    public static partial void FirstStart(ILogger logger, ProcessId process, IPEndPoint address, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Process} restarts from stable storage at {Address}; it was last in {Configuration}")]
    public static partial void Restart(ILogger logger, ProcessId process, IPEndPoint address, string configuration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process}: stable storage says the last configuration was {Stored}, the trace says {Traced}; the fail line is written for {Traced} (the process was killed between saving one and tracing the other)")]
    public static partial void LastConfigurationDiffers(ILogger logger, ProcessId process, string stored, string traced);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} starts with a new identity (its stable state is lost, but {Evidence} says it ran before): ring identifiers of its earlier run may be used again")]
    public static partial void StartsWithNewIdentity(ILogger logger, ProcessId process, string evidence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process}: {Warning}")]
    public static partial void InsecureKeyFile(ILogger logger, ProcessId process, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Process} leaves {Configuration} and gathers a new membership: {Reason}")]
    public static partial void Gathering(ILogger logger, ProcessId process, string configuration, GatherReason reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Process} installs regular configuration {Configuration} [{Members}] primary={Primary} ({Reason})")]
    public static partial void RegularConfiguration(ILogger logger, ProcessId process, ConfigurationId configuration, string members, string primary, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Process} delivers transitional configuration {Configuration} [{Members}] after {Previous}")]
    public static partial void TransitionalConfiguration(ILogger logger, ProcessId process, ConfigurationId configuration, string members, ConfigurationId? previous);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Process} leaves gracefully: {Outcome}")]
    public static partial void Leave(ILogger logger, ProcessId process, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Process}: in {Configuration}, {Left} left gracefully (announced), rather than failed")]
    public static partial void OthersLeft(ILogger logger, ProcessId process, ConfigurationId configuration, string left);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Process} stops ({How}): {Status}")]
    public static partial void Stopped(ILogger logger, ProcessId process, string how, string status);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Process} fails and stops: the node or its stable storage failed")]
    public static partial void Faulted(ILogger logger, ProcessId process, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Process} drops a datagram of {Bytes} bytes from {Source}: the wire format refused it (malformed {Malformed}, unauthenticated {Unauthenticated}, wrong version {WrongVersion}, other cluster {OtherCluster}, misaddressed {Misaddressed}, replayed {Replayed}, stale {Stale})")]
    public static partial void WireDropped(ILogger logger, ProcessId process, int bytes, IPEndPoint source, long malformed, long unauthenticated, long wrongVersion, long otherCluster,
        long misaddressed, long replayed, long stale);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops packets from {Sender} (first from {Source}): not a process of the configuration (the peer list, or --members with multicast); each further one is only counted ({Count} so far)")]
    public static partial void UnknownSender(ILogger logger, ProcessId process, ProcessId sender, IPEndPoint source, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops datagrams from {Peer} at {Source}: they fail authentication with this node's key: {Peer}'s key differs from this node's (or someone forges its datagrams); further ones are only counted ({Count} so far)")]
    public static partial void OtherKey(ILogger logger, ProcessId process, string peer, IPEndPoint source, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops datagrams from {Peer} at {Source}: they are sealed with security {Theirs}, this node's is {Ours}: every node of a cluster needs the same key and security; further ones are only counted ({Count} so far)")]
    public static partial void OtherSecurity(ILogger logger, ProcessId process, string peer, IPEndPoint source, WireSecurityMode theirs, WireSecurityMode ours, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops datagrams from {Peer} at {Source}: they are of cluster \"{Theirs}\", this node's is \"{Ours}\": every node of a cluster needs the same cluster name (--cluster); further ones are only counted ({Count} so far)")]
    public static partial void OtherClusterName(ILogger logger, ProcessId process, string peer, IPEndPoint source, string theirs, string ours, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops datagrams from {Peer} at {Source}: they are of wire version {Theirs}, this node's is {Ours}: every node needs the same wire version (the same evs release); further ones are only counted ({Count} so far)")]
    public static partial void OtherWireVersion(ILogger logger, ProcessId process, string peer, IPEndPoint source, byte theirs, byte ours, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops datagrams from {Source}: they are not evs datagrams (no EVSW magic), so another program sends to this node's port; further ones are only counted ({Count} so far)")]
    public static partial void NotEvs(ILogger logger, ProcessId process, IPEndPoint source, long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Process}: the datagrams of every peer ({Peers}) fail authentication and not one has passed: this node's key differs from theirs. Give it the cluster's key file (the one evs keygen wrote, copied to every node) and restart it")]
    public static partial void ThisNodesKeyDiffers(ILogger logger, ProcessId process, string peers);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Process}: every peer ({Peers}) seals its datagrams with {Theirs}, this node with security {Ours}, and not one has passed: give this node the cluster's key and security, and restart it")]
    public static partial void ThisNodesSecurityDiffers(ILogger logger, ProcessId process, string peers, string theirs, WireSecurityMode ours);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Process}: every peer ({Peers}) sends datagrams of {Theirs} and not one has passed: this node's cluster name \"{Ours}\" is not theirs. Restart it with theirs (--cluster)")]
    public static partial void ThisNodesClusterDiffers(ILogger logger, ProcessId process, string peers, string theirs, string ours);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Process}: every peer ({Peers}) speaks wire {Theirs}, this node version {Ours}, and not one datagram has passed: run the evs release they run")]
    public static partial void ThisNodesVersionDiffers(ILogger logger, ProcessId process, string peers, string theirs, byte ours);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} receives datagrams from {Source} that say they are {Process}'s: another process runs with this node's identifier there (two processes with one identifier break the protocol: stop the one started last), or a key holder forges them; they are dropped")]
    public static partial void SameIdentifier(ILogger logger, ProcessId process, IPEndPoint source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} has heard nothing from its peers ({Peers}) in the {Seconds:0.#} s since it started: none of them runs, or they send to another address than {Address} (does their peer list put {Process} there? does another process run as {Process} at the address they know?), or a firewall drops the datagrams")]
    public static partial void HearsNothing(ILogger logger, ProcessId process, string peers, double seconds, IPEndPoint address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops datagrams from {Source} that say they are {Peer}'s, while {Peer} runs at {Live}: a second process runs as {Peer} (two processes with one identifier break the protocol: stop the one started last), or someone sends copies of {Peer}'s datagrams from there; further ones are only counted ({Count} from wrong sources so far)")]
    public static partial void SecondProcess(ILogger logger, ProcessId process, IPEndPoint source, ProcessId peer, IPEndPoint live, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process}: {Sender} counts {Named} in its membership, but this node's peer list ({Peers}) does not name {Named}: the peer lists differ between the nodes, so that this node never hears {Named} nor sends to it; give every node the same list")]
    public static partial void PeerListsDiffer(ILogger logger, ProcessId process, ProcessId sender, ProcessId named, string peers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops a {Kind} from {Sender}: it {Why}, which no correct process sends (a buggy or hostile key holder); further ones are only counted ({Count} so far)")]
    public static partial void ClaimDropped(ILogger logger, ProcessId process, string kind, ProcessId sender, string why, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Process} drops a datagram from {Source} ({Peer}): traffic is cut ({Dropped} dropped in so far)")]
    public static partial void BlockedIn(ILogger logger, ProcessId process, IPEndPoint source, string peer, long dropped);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Process} does not send a datagram to {Peer}: traffic is cut ({Dropped} dropped out so far)")]
    public static partial void BlockedOut(ILogger logger, ProcessId process, ProcessId peer, long dropped);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Process} cannot send to {Peer}: its address is not known ({Count} so far)")]
    public static partial void UnknownPeer(ILogger logger, ProcessId process, ProcessId peer, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "send to {Address} failed: {Error} ({Count} send errors so far); the datagram is lost")]
    public static partial void SendFailed(ILogger logger, IPEndPoint address, SocketError error, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "receive on {Address} failed: {Error} ({Count} receive errors so far); receiving goes on")]
    public static partial void ReceiveFailed(ILogger logger, EndPoint? address, SocketError error, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "recvmmsg on {Address} failed: errno {Errno} ({Count} receive errors so far); receiving goes on")]
    public static partial void ReceiveManyFailed(ILogger logger, EndPoint? address, int errno, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "drops a datagram from {Address}, which is no configured peer's ({Count} so far)")]
    public static partial void UnknownSource(ILogger logger, IPEndPoint address, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops datagrams from {Address} that say they are {Process}'s, this node's own identifier: another process runs as {Process} there (two processes with one identifier break the protocol: stop the one started last); further ones are only counted ({Count} from unknown addresses so far)")]
    public static partial void OwnIdentifierElsewhere(ILogger logger, ProcessId process, IPEndPoint address, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops datagrams from {Address} that say they are {Peer}'s, but this node's peer list puts {Peer} at {Configured}: another process runs as {Peer} there (stop the one started last), or {Peer}'s address differs between the peer lists; further ones are only counted ({Count} from unknown addresses so far)")]
    public static partial void PeerAtAnotherAddress(ILogger logger, ProcessId process, IPEndPoint address, ProcessId peer, IPEndPoint configured, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Process} drops datagrams from {Address} that say they are {Peer}'s, but this node's peer list ({Peers}) does not name {Peer}: the peer lists differ between the nodes; give every node the same list. Further ones are only counted ({Count} from unknown addresses so far)")]
    public static partial void PeerNotListed(ILogger logger, ProcessId process, IPEndPoint address, ProcessId peer, string peers, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "drops a packet from {Address} that names {Peer} as its sender, whose address that is not ({Count} so far)")]
    public static partial void WrongSource(ILogger logger, IPEndPoint address, ProcessId peer, long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "peer {Peer} is at {Address}")]
    public static partial void PeerLearned(ILogger logger, ProcessId peer, IPEndPoint address);

    [LoggerMessage(Level = LogLevel.Debug, Message = "membership code warmed up: a simulated run of {Events} events in {WallMs:0} ms")]
    public static partial void WarmedUp(ILogger logger, int events, double wallMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the membership warm-up failed; a first membership change will compile its code when it comes")]
    public static partial void WarmUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Process}: an event handler threw on {Event}; it stays subscribed, the application is told (HandlerFailedEvent), the node goes on")]
    public static partial void HandlerFailed(ILogger logger, ProcessId process, string @event, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "the consumer of a datagram from {Address} failed ({Count} receive errors so far); the datagram is lost, receiving goes on")]
    public static partial void ConsumerFailed(ILogger logger, IPEndPoint address, long count, Exception exception);
}
