// The real network (the runtime driver): Corosync's answer to the price of a held token. The
// representative holds an idle token (TokenHold); an application that sends at another process
// would wait for the hold to expire before the token reaches it. So that process tells the
// representative, in one small packet, to let the token go. The packet belongs to the driver, not
// to the protocol: the sans-IO node never sees it, and losing it costs only the wait it would save.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Runtime;

/// <summary>
/// "Release the token of <paramref name="Ring"/>: <paramref name="Sender"/> has a message to send."
/// Sent to the ring's representative by a process whose application sends after the tokens it passed
/// on were idle for <see cref="TokenHold.IdleRotationsBeforeHold"/> rotations, so that the token is
/// probably held (<see cref="TokenHold"/>); at most once per token visit.
/// </summary>
public sealed record TokenHoldCancel(ProcessId Sender, RingId Ring) : Packet(Sender, Ring);
