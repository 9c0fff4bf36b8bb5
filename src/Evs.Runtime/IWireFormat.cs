// The real network (the runtime driver): the sans-IO node's packets become datagrams. This is the
// one seam between the protocol's records and the bytes on the wire (docs/WIRE.md), so that the
// transports only move bytes and the node never sees one.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Runtime;

/// <summary>
/// Turns a node's packets into datagrams and back. <see cref="Encode"/> packs several small
/// packets bound for the same destination into one datagram and splits a packet larger than the
/// datagram size into fragments; <see cref="Decode"/> authenticates a datagram, checks its version,
/// cluster name, destination and freshness, reassembles fragments and returns the whole packets it
/// now has. A bad datagram never throws: it is dropped and counted in <see cref="Counters"/>.
/// </summary>
internal interface IWireFormat
{
    /// <summary>
    /// The datagrams that carry <paramref name="packets"/> (all this process's own) to
    /// <paramref name="to"/>, or to every peer when it is null (a broadcast), in order.
    /// </summary>
    IReadOnlyList<byte[]> Encode(IReadOnlyList<Packet> packets, ProcessId? to);

    /// <summary>The packets completed by <paramref name="datagram"/> (none if it is bad, or a fragment of a packet still incomplete).</summary>
    IReadOnlyList<Packet> Decode(ReadOnlySpan<byte> datagram);

    /// <summary>What was dropped, and why.</summary>
    WireCounters Counters { get; }

    /// <summary>Why the datagram <see cref="Decode"/> read last was dropped, or null when it was accepted (or none was read).</summary>
    WireDrop? LastDrop { get; }
}

/// <summary>Why <see cref="IWireFormat.Decode"/> dropped a datagram: one reason each, the first check it failed (docs/WIRE.md, "What is dropped, and when").</summary>
internal enum WireDrop
{
    /// <summary>Too short, truncated, bad lengths, unknown packet kind, fields that do not parse.</summary>
    Malformed = 0,

    /// <summary>Failed authentication (another key or security mode, tampered bytes).</summary>
    Unauthenticated = 1,

    /// <summary>Another wire version, or not this format at all.</summary>
    WrongVersion = 2,

    /// <summary>Another cluster's name.</summary>
    OtherCluster = 3,

    /// <summary>Addressed to another process.</summary>
    Misaddressed = 4,

    /// <summary>Accepted before.</summary>
    Replayed = 5,

    /// <summary>Of an earlier run of its sender, or older than the window.</summary>
    Stale = 6,
}

/// <summary>Datagrams dropped by <see cref="IWireFormat.Decode"/>, by reason; a count a node shows its operator.</summary>
internal sealed class WireCounters
{
    /// <summary>Too short, truncated, bad lengths, unknown packet kind, fields that do not parse.</summary>
    public long Malformed { get; set; }

    /// <summary>Failed authentication (wrong or missing key, tampered bytes).</summary>
    public long Unauthenticated { get; set; }

    /// <summary>Another wire version.</summary>
    public long WrongVersion { get; set; }

    /// <summary>Another cluster's name.</summary>
    public long OtherCluster { get; set; }

    /// <summary>Addressed to another process: a copy of a datagram sent to it, redirected here.</summary>
    public long Misaddressed { get; set; }

    /// <summary>Accepted before: a copy, or a duplicate the network made.</summary>
    public long Replayed { get; set; }

    /// <summary>Of an earlier run of its sender, or older than the window of its sender's recent datagrams.</summary>
    public long Stale { get; set; }

    /// <summary>All datagrams dropped.</summary>
    public long Dropped => Malformed + Unauthenticated + WrongVersion + OtherCluster + Misaddressed + Replayed + Stale;
}
