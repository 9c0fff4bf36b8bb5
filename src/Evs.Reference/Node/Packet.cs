// The sans-IO node exchanges packets with its peers; the driver (simulator or UDP runtime)
// carries them. A packet is a plain record: the driver may copy, drop, duplicate or delay it.
using Evs.Reference.Model;

namespace Evs.Reference.Node;

/// <summary>
/// Anything one node puts on the network: <see cref="Ordering.RegularMessage"/>s broadcast
/// to the ring, and the <see cref="Ordering.Token"/> passed to the next process.
/// <see cref="Sender"/> is the process that put this copy on the wire; <see cref="Ring"/>
/// is the ring it belongs to, so that packets of another ring are recognised.
/// </summary>
public abstract record Packet(ProcessId Sender, RingId Ring);
